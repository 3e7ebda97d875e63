"""The cached CSL engine formats exactly as citeproc-py's own look-ups do, in every supported style."""

from __future__ import annotations

import importlib.util
import sys
from importlib.metadata import version

import pytest

from authors_fixture import load_author_records
from conftest import ROOT
from paperbib import forking
from paperbib.formatting import FormattedList, Formatter, two_cores
from paperbib.formatting.cached_elements import items_render_independently
from paperbib.formatting.csl_engine import CslEngine
from paperbib.formatting.fast import CITEPROC_VERSION, FastCslEngine
from paperbib.model import Author, Record, evolve

STYLES = [
    "apa",
    "ieee",
    "chicago-author-date",
    "harvard-cite-them-right",
    "nature",
    "nlm-citation-sequence",
    "modern-language-association",
    "association-for-computing-machinery",
]
GENERATED_PAPERS = 250


def _generator():
    spec = importlib.util.spec_from_file_location("benchmark_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return _generator().records_with_authors(GENERATED_PAPERS, seed=11) + load_author_records()


def test_citeproc_version_is_pinned():
    # The caches rely on which citeproc-py methods look things up; check them again on upgrade.
    assert version("citeproc-py") == CITEPROC_VERSION


def test_formatter_uses_fast_engine_by_default():
    assert isinstance(Formatter("apa").engine, FastCslEngine)
    assert type(Formatter("apa", fast=False).engine) is CslEngine


_PLAIN: dict[str, FormattedList] = {}


def _plain(style: str, records: list[Record]) -> FormattedList:
    """Format ``records`` without the caches, once per style for the whole module."""
    if style not in _PLAIN:
        _PLAIN[style] = Formatter(style, fast=False).bibliography(records)
    return _PLAIN[style]


def _plain_text(style: str, records: list[Record]) -> str:
    return _plain(style, records).text


@pytest.mark.parametrize("style", STYLES)
def test_fast_bibliography_matches_plain(style: str, records: list[Record]):
    plain = _plain(style, records)
    fast_formatter = Formatter(style)
    first = fast_formatter.bibliography(records)
    # The second run starts with warm caches.
    second = fast_formatter.bibliography(records)
    assert len(plain.entries) == len(records)
    assert first.keys == plain.keys
    assert first.entries == plain.entries
    assert first.text == plain.text
    assert second.text == plain.text


@pytest.mark.parametrize("style", STYLES)
def test_one_process_matches_plain(style: str, records: list[Record], monkeypatch: pytest.MonkeyPatch):
    # The caches alone, without a child process for any step.
    monkeypatch.setattr(two_cores, "PARALLEL_MIN_ITEMS", len(records) + 1)
    formatted = Formatter(style).bibliography(records)
    assert formatted.keys == _plain(style, records).keys
    assert formatted.text == _plain_text(style, records)


@pytest.mark.parametrize("style", ["apa", "ieee", "chicago-author-date"])
def test_fast_citation_matches_plain(style: str, records: list[Record]):
    keys = [records[0].key, records[7].key, records[-1].key]
    plain = Formatter(style, fast=False).citation(records, keys)
    assert Formatter(style).citation(records, keys) == plain


@pytest.fixture
def fork_contexts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The start methods of the children that formatting asks multiprocessing for, in order."""
    contexts: list[str] = []
    get_context = two_cores.multiprocessing.get_context

    def counting_get_context(method: str):  # type: ignore[no-untyped-def]
        contexts.append(method)
        return get_context(method)

    monkeypatch.setattr(two_cores.multiprocessing, "get_context", counting_get_context)
    return contexts


def test_long_list_forks_each_step(records: list[Record], fork_contexts: list[str], monkeypatch: pytest.MonkeyPatch):
    if not forking.can_fork():
        pytest.skip("this platform or process cannot fork")
    monkeypatch.setattr(forking, "core_free", lambda: True)  # whatever else runs on the machine
    assert len(records) >= two_cores.PARALLEL_MIN_ITEMS
    assert Formatter("apa").bibliography(records).text == _plain_text("apa", records)
    # Sort keys, disambiguation citations and entries.
    assert fork_contexts == ["fork", "fork", "fork"]


@pytest.mark.parametrize("style", ["apa", "nature"])
def test_failed_child_computed_in_parent(style: str, records: list[Record], monkeypatch: pytest.MonkeyPatch):
    if not forking.can_fork():
        pytest.skip("this platform or process cannot fork")

    def failing_child(sender, function, items):  # type: ignore[no-untyped-def]
        sender.close()
        raise SystemExit(3)

    monkeypatch.setattr(two_cores, "_send_results", failing_child)
    monkeypatch.setattr(forking, "core_free", lambda: True)
    assert Formatter(style).bibliography(records).text == _plain_text(style, records)


# A style with two numeric-form dates that override the locale's year part differently (only one
# sets font-weight), so the engine cannot rule out that an entry depends on those before it.
HISTORY_STYLE = "biological-and-pharmaceutical-bulletin"


def test_history_dependent_style_detected():
    assert not items_render_independently(Formatter(HISTORY_STYLE).engine.style.root)
    for style in STYLES:
        assert items_render_independently(Formatter(style).engine.style.root), style


def test_history_dependent_style_one_process(
    records: list[Record], fork_contexts: list[str], monkeypatch: pytest.MonkeyPatch
):
    # An idle core, so that only the style keeps the formatting in one process.
    monkeypatch.setattr(forking, "core_free", lambda: True)
    expected = Formatter(HISTORY_STYLE, fast=False).bibliography(records).text
    assert Formatter(HISTORY_STYLE).bibliography(records).text == expected
    assert fork_contexts == []


def _format_text(style: str, records: list[Record]) -> str:
    return Formatter(style).bibliography(records).text


def test_formatting_busy_machine_one_process(
    records: list[Record], fork_contexts: list[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(forking, "core_free", lambda: False)
    assert Formatter("apa").bibliography(records).text == _plain_text("apa", records)
    assert fork_contexts == []


def test_pool_worker_formats_in_one_process(records: list[Record]):
    # A Pool worker is a daemonic process, which multiprocessing does not let start children.
    if not forking.can_fork():
        pytest.skip("this platform or process cannot fork")
    with two_cores.multiprocessing.get_context("fork").Pool(1) as pool:
        text = pool.apply(_format_text, ("apa", records))
    assert text == _plain_text("apa", records)


@pytest.mark.parametrize("style", ["apa", "harvard-cite-them-right", "ieee"])
def test_tied_sort_keys_match_plain(style: str, records: list[Record]):
    # Five author lists shared by all records: most items tie on the first sort key, so the later
    # keys (date, title...) decide, and are computed for large groups on two cores too.
    authors = [
        [Author(family="Tanaka", given="Hiro")],
        [Author(family="Tanaka", given="Hiro"), Author(family="Okafor", given="Ada")],
        [Author(family="Berg", given="Pia")],
        [Author(family="Lee", given="Min")],
        [],
    ]
    tied = [evolve(record, authors=authors[index % len(authors)]) for index, record in enumerate(records)]
    expected = Formatter(style, fast=False).bibliography(tied)
    formatted = Formatter(style).bibliography(tied)
    assert formatted.keys == expected.keys
    assert formatted.text == expected.text
