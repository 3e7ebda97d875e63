"""Properties of the reader on generated input: it never raises, it accounts for every line, and titles and
URLs survive export and re-reading."""

from __future__ import annotations

import json

import bibtexparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text

from paperbib.exporters import ExportOptions, get_exporter
from paperbib.pipeline import process
from paperbib.reader.markdown_list import LineRole, read_markdown
from paperbib.source import Source
from paperbib.urls import normalise_url

# Pieces of the layouts that the reader reads, so that generated text hits its branches, not only plain prose.
FRAGMENTS = [
    "- ",
    "* ",
    "1. ",
    "  - ",
    "    ",
    "# ",
    "## ",
    "#### ",
    "**",
    "[[",
    "]]",
    "](",
    ")",
    "[",
    "]",
    "(",
    "|",
    "| --- |",
    "<br>",
    "`",
    "```",
    "<!--",
    "-->",
    "<details>",
    "</details>",
    "<summary>",
    "</summary>",
    "2024",
    "'24",
    "2019.7-",
    "ICLR",
    "CVPRW",
    "Arxiv 2024.07",
    "arXiv:",
    "2301.00774",
    "https://a.org/x",
    "#anchor",
    "x.md",
    " ",
    "\n",
    "\r\n",
    "\t",
    "Title",
    "et al.",
    ".",
    ",",
    ":",
    "![b](https://img.shields.io/badge/Conference-ICML'24-blue)",
    "[//]: #",
    "\\",
    "Datasets",
    "News",
    "<sup>2</sup>",
    "...",
    "Workshop",
    "reject",
    "Li, Yu",
]
markdownish = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=5), max_size=60).map("".join)

STRUCTURE = {
    LineRole.BLANK,
    LineRole.HEADING,
    LineRole.PROSE,
    LineRole.NAVIGATION,
    LineRole.CODE,
    LineRole.TABLE,
    LineRole.HTML,
}


def read(text: str):
    return read_markdown(Source("list.md", text))


def check_accounting(text: str) -> None:
    result = read(text)
    lines = text.split("\n")
    assert len(result.roles) == len(lines)
    skip_reasons = {d.location.line: d.message for d in result.skipped}
    paper_lines = {record.location.line for record in result.records}
    for number, role in enumerate(result.roles, start=1):
        if role is LineRole.SKIPPED:
            assert skip_reasons.get(number), (number, lines[number - 1])
        elif role is LineRole.PAPER:
            pass  # a paper, or a line that continues the paper above it
        else:
            assert role in STRUCTURE
        if number in paper_lines:
            assert role is LineRole.PAPER
    for record in result.records:
        assert record.title
        assert 1 <= record.location.line <= len(lines)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_reader_never_raises_on_any_text(text):
    check_accounting(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_reader_accounts_for_every_line(text):
    check_accounting(text)


# Titles in plain words: Markdown and LaTeX markup characters are left out, so that the title has one
# reading in both. A final period is a list period and is dropped by design.
TITLE_ALPHABET = st.characters(
    whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" :?!,'&()/+%", max_codepoint=0x24F
)
titles = (
    st.text(TITLE_ALPHABET, min_size=1, max_size=60)
    .map(lambda text: " ".join(text.split()))
    # "--" and "''" are TeX ligatures (en dash, closing quote), so LaTeX does not print them as typed.
    .filter(lambda text: any(char.isalpha() for char in text) and "--" not in text and "''" not in text)
)
paths = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-_~%"), min_size=1, max_size=20)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(titles, paths), min_size=1, max_size=5, unique_by=lambda pair: pair[1]))
def test_titles_and_urls_survive_export_and_rereading(papers):
    lines = ["# 2024", "## ICLR-2024"]
    for title, path in papers:
        lines.append(f"- {title} [[paper](https://example.org/{path})]")
    result = read("\n".join(lines) + "\n")
    assert [record.title for record in result.records] == [title for title, _ in papers]
    bibliography = process(result.records, result.diagnostics)
    by_url = {f"https://example.org/{path}": title for title, path in papers}

    csl = json.loads(get_exporter("csl-json").export(bibliography.records, ExportOptions()).text)
    assert {item["URL"]: item["title"] for item in csl} == by_url

    bib = get_exporter("bibtex").export(bibliography.records, ExportOptions(bib_encoding="utf8")).text
    library = bibtexparser.parse_string(bib)
    decoder = LatexNodes2Text()
    reread = {}
    for entry in library.entries:
        url = entry.fields_dict["url"].value.replace("\\%", "%")
        reread[normalise_url(url)] = decoder.latex_to_text(entry.fields_dict["title"].value)
    assert reread == by_url


@settings(max_examples=100, deadline=None)
@given(titles, paths)
def test_seed_bullet_is_never_prose(title, path):
    text = f"# 2024\n## Topic\n- {title} [[paper](https://example.org/{path})]\n"
    result = read(text)
    assert result.roles[2] in (LineRole.PAPER, LineRole.SKIPPED)
