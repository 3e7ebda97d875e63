"""The cached CSL engine formats exactly as citeproc-py's own look-ups do, in every supported style."""

from __future__ import annotations

import importlib.util
import sys
from importlib.metadata import version

import pytest

from authors_fixture import load_author_records
from conftest import ROOT
from paperbib.formatting import Formatter, fast
from paperbib.formatting.csl_engine import CslEngine
from paperbib.formatting.fast import CITEPROC_VERSION, FastCslEngine
from paperbib.model import Record

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


@pytest.mark.parametrize("style", STYLES)
def test_fast_bibliography_matches_plain(style: str, records: list[Record]):
    plain = Formatter(style, fast=False).bibliography(records)
    fast_formatter = Formatter(style)
    first = fast_formatter.bibliography(records)
    # The second run starts with warm caches.
    second = fast_formatter.bibliography(records)
    assert len(plain.entries) == len(records)
    assert first.keys == plain.keys
    assert first.entries == plain.entries
    assert first.text == plain.text
    assert second.text == plain.text


@pytest.mark.parametrize("style", ["apa", "ieee", "chicago-author-date"])
def test_fast_citation_matches_plain(style: str, records: list[Record]):
    keys = [records[0].key, records[7].key, records[-1].key]
    plain = Formatter(style, fast=False).citation(records, keys)
    assert Formatter(style).citation(records, keys) == plain


def test_long_list_renders_in_child_process(records: list[Record], monkeypatch: pytest.MonkeyPatch):
    if not fast._can_fork():
        pytest.skip("this platform or process cannot fork a renderer")
    contexts: list[str] = []
    get_context = fast.multiprocessing.get_context

    def counting_get_context(method: str):  # type: ignore[no-untyped-def]
        contexts.append(method)
        return get_context(method)

    monkeypatch.setattr(fast.multiprocessing, "get_context", counting_get_context)
    assert len(records) >= fast.PARALLEL_MIN_ENTRIES
    expected = Formatter("ieee", fast=False).bibliography(records).text
    assert Formatter("ieee").bibliography(records).text == expected
    assert contexts == ["fork"]


def test_failed_child_renders_in_parent(records: list[Record], monkeypatch: pytest.MonkeyPatch):
    if not fast._can_fork():
        pytest.skip("this platform or process cannot fork a renderer")

    def failing_child(sender, render, items):  # type: ignore[no-untyped-def]
        sender.close()
        raise SystemExit(3)

    monkeypatch.setattr(fast, "_send_rendered", failing_child)
    expected = Formatter("nature", fast=False).bibliography(records).text
    assert Formatter("nature").bibliography(records).text == expected
