"""pybtex styles through paperbib: entries without authors or year, labels, entry points."""

from __future__ import annotations

import re

import pytest
from pybtex.plugin import find_plugin

from authors_fixture import load_author_records
from conftest import load_tricky
from paperbib.formatting import Formatter
from paperbib.formatting.pybtex_engine import field_value, pybtex_entry
from paperbib.formatting.pybtex_style import AlphaStyle, PlainStyle, UnsrtAlphaStyle, UnsrtStyle
from paperbib.pipeline import load

STYLES = ("plain", "unsrt", "alpha", "unsrtalpha")


def test_styles_registered_as_pybtex_plugins() -> None:
    assert find_plugin("pybtex.style.formatting", "paperbib-plain") is PlainStyle
    assert find_plugin("pybtex.style.formatting", "paperbib-unsrt") is UnsrtStyle
    assert find_plugin("pybtex.style.formatting", "paperbib-alpha") is AlphaStyle
    assert find_plugin("pybtex.style.formatting", "paperbib-unsrtalpha") is UnsrtAlphaStyle


@pytest.mark.parametrize("style", STYLES)
def test_authorless_entries_start_with_title(papers, style: str) -> None:  # type: ignore[no-untyped-def]
    lines = Formatter(style).bibliography(papers.records).text.splitlines()
    assert len(lines) == len(papers.records)
    titles = {record.title.casefold()[:20] for record in papers.records}
    for line in lines:
        label, _, body = line.partition("] ")
        assert label.startswith("[")
        assert body[:20].casefold() in titles, line


@pytest.mark.parametrize("style", STYLES)
def test_no_empty_punctuation(papers, style: str) -> None:  # type: ignore[no-untyped-def]
    text = Formatter(style).bibliography(papers.records).text
    for pattern in (r"\. \.", r", ,", r",\.", r"\.\.(?!\.)", r" \.", r" ,", r"^\[[^\]]*\] [.,]"):
        assert re.search(pattern, text, re.MULTILINE) is None, pattern


def test_plain_sorts_authorless_by_title(papers) -> None:  # type: ignore[no-untyped-def]
    lines = Formatter("plain").bibliography(papers.records).text.splitlines()
    bodies = [line.partition("] ")[2].casefold() for line in lines]
    assert bodies == sorted(bodies)


def test_unsrt_keeps_list_order(papers) -> None:  # type: ignore[no-untyped-def]
    formatted = Formatter("unsrt").bibliography(papers.records)
    assert formatted.keys == [record.key for record in papers.records]


def test_alpha_labels_from_authors_and_titles() -> None:
    text = Formatter("alpha").bibliography(load_author_records()).text
    assert "[LO24a] Maja Lindqvist and Chidi Okafor." in text
    assert "[LO24b]" in text
    punctuation = Formatter("alpha").bibliography(load_tricky("punctuation.md").records).text
    assert punctuation.startswith("[Are19] Are all those heads needed?")


@pytest.mark.parametrize("style", ["alpha", "unsrtalpha"])
def test_alpha_labels_braced_titles(papers, style: str) -> None:  # type: ignore[no-untyped-def]
    # The key field of "AMC: AutoML for ..." is "{AMC}: {AutoML} ...": BibTeX's alpha.bst labels it
    # AMC18, counting neither braces nor accent commands.
    formatted = Formatter(style).bibliography(papers.records)
    labels = re.findall(r"^\[([^\]]*)\]", formatted.text, flags=re.MULTILINE)
    assert len(labels) == len(papers.records)
    assert "AMC18" in labels
    assert not [label for label in labels if "{" in label or "}" in label or "\\" in label]


@pytest.mark.parametrize("style", ["alpha", "unsrtalpha"])
def test_alpha_labels_accented_titles(tmp_path, style: str) -> None:  # type: ignore[no-untyped-def]
    listing = tmp_path / "accents.md"
    listing.write_text(
        "## ICLR-2024\n\n- Über Pruning [[paper](https://example.org/1)]\n"
        "- Ästhetik of Sparse Nets [[paper](https://example.org/2)]\n",
        encoding="utf-8",
    )
    text = Formatter(style).bibliography(load(str(listing)).records).text
    labels = sorted(re.findall(r"^\[([^\]]*)\]", text, flags=re.MULTILINE))
    assert labels == ["Äst24", "Übe24"]


def test_missing_year_is_optional() -> None:
    text = Formatter("unsrt").bibliography(load_tricky("missing_year.md").records).text
    assert "Pruning with no retraining. In Workshop. URL:" in text


def test_field_value_protects_and_encodes() -> None:
    value = field_value("50% of KV & $\\ell_1$ µs")
    assert "%" not in value  # a bare % would start a LaTeX comment in pybtex's parser
    assert "{KV}" in value
    assert value.count("{") == 3


def test_entry_carries_raw_url() -> None:
    record = load_tricky("urls.md").records[0]
    entry = pybtex_entry(record)
    assert entry.fields["url"] == "https://papers.example.cc/files/2018/Compact%20Nets%20Final.pdf#page=2"
    assert entry.fields["key"]


@pytest.mark.parametrize("style", STYLES)
def test_citation_labels(style: str) -> None:
    records = load_tricky("punctuation.md").records
    citation = Formatter(style).citation(records, [records[0].key, records[3].key])
    assert re.fullmatch(r"\[[^\]]+\], \[[^\]]+\]", citation)
