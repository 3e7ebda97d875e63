"""Markdown emphasis, character references, HTML tags and control characters in titles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import load_tricky
from exports import export_text
from paperbib.diagnostics import Code, Severity
from paperbib.pipeline import load
from paperbib.reader.markdown_list import read_markdown
from paperbib.source import Source
from paperbib.text import CONTROL_CHARACTERS, may_contain_inline_markup, parse_and_remove_emphasis, remove_emphasis
from test_cli import assert_clean_error, paperbib

# line -> title, as a CommonMark renderer shows the Markdown of emphasis_entities.md as plain text
EMPHASIS_TITLES = {
    4: "Sparse Models Are Not Always Faster",
    5: "When Small Students Beat Large Teachers",
    6: "Bold Underscore Markers and Both Kinds",
    7: "Pruning & Quantisation for <4-bit Models",
    8: "Drop Tokens #1: a Café of Caches \u2014 Revisited",
    9: "Keep snake_case_names and file_name_v2 Intact",
    10: "Math $a*b*c$ and $x_i^*$ Stays, Italic Goes",
    11: "A Bold Tag, an Italic Tag and Tokens of H2O",
    12: "An Escaped *Star Stays and Q&A Works",
    13: "The Linked Title Form",
    14: "A Lone * Star and 2*3 Arithmetic",
}


@pytest.fixture(scope="module")
def emphasis():
    return load_tricky("emphasis_entities.md")


def test_emphasis_titles_are_plain_text(emphasis):
    titles = {record.location.line: record.title for record in emphasis.records}
    assert titles == EMPHASIS_TITLES


def test_emphasis_markers_reach_no_export(emphasis):
    for format_name in ("bibtex", "biblatex", "csl-json", "ris"):
        text = export_text(format_name, emphasis)
        for fragment in ("**", "__", "_Small_", "&amp;", "&lt;", "&#39;", "&eacute;", "<b>", "</i>", "<sup>"):
            assert fragment not in text, (format_name, fragment)


def test_emphasis_titles_in_csl_json(emphasis):
    items = json.loads(export_text("csl-json", emphasis))
    assert [item["title"] for item in items] == list(EMPHASIS_TITLES.values())


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("The **Bold** Word", "The Bold Word"),
        ("The __Bold__ Word", "The Bold Word"),
        ("The *Italic* Word", "The Italic Word"),
        ("The _Italic_ Word", "The Italic Word"),
        ("***Both*** at once", "Both at once"),
        ("snake_case_names", "snake_case_names"),
        ("intra_word_ underscores", "intra_word_ underscores"),
        ("$a*b*c$ and $x_1 y_2$", "$a*b*c$ and $x_1 y_2$"),
        ("*around $x_1$ math*", "around $x_1$ math"),
        ("a * b * c", "a * b * c"),
        ("Q&A and AT&T", "Q&A and AT&T"),
        ("&amp; &lt; &gt; &quot; &#39; &#x41; &eacute;", "& < > \" ' A é"),
        ("&notanentity; stays", "&notanentity; stays"),
        ("\\*escaped\\* stays escaped", "\\*escaped\\* stays escaped"),
        ("`code*with*stars`", "`code*with*stars`"),
        ("<span>kept tag</span> *x*", "<span>kept tag</span> x"),
    ],
)
def test_remove_emphasis_follows_commonmark(markdown, plain):
    assert remove_emphasis(markdown) == plain


def test_html_tags_keep_their_text():
    text = (
        "# 2023\n## ICLR-2023\n"
        "- A <b>Bold</b> <strong>Strong</strong> <i>Italic</i> <em>x</em> 10<sup>6</sup> <sup>th</sup>"
        " [[paper](https://x.org/1)]\n"
    )
    (record,) = read_markdown(Source("list.md", text)).records
    assert record.title == "A Bold Strong Italic x 10\u2076 ^th"


# Control characters as they reach a list from terminal output or a damaged file: NUL, a colour
# escape sequence with BEL, the C1 character NEL, DEL, and a form feed between two words.
CONTROL_LIST = (
    "# 2023\n## ICLR-2023\n"
    "- Zero\x00Byte Inside a Title [[paper](https://x.org/1)]\n"
    "- \x1b[31mColoured\x1b[0m Title With a Bell\x07 [[paper](https://x.org/2)]\n"
    "- Next\x85Line and Delete\x7f Characters [[paper](https://x.org/3)]\n"
    "- Form\x0cFeed Between Words [[paper](https://x.org/4)]\n"
)
CONTROL_TITLES = [
    "ZeroByte Inside a Title",
    "Coloured Title With a Bell",
    "NextLine and Delete Characters",
    "Form Feed Between Words",
]


@pytest.fixture(scope="module")
def control(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("control") / "control.md"
    path.write_bytes(CONTROL_LIST.encode("utf-8"))
    return path


def test_control_characters_are_removed(control: Path):
    bibliography = load(str(control))
    assert [record.title for record in bibliography.records] == CONTROL_TITLES
    findings = [d for d in bibliography.diagnostics if d.code is Code.CONTROL_CHARACTER]
    assert [d.location.line for d in findings] == [3, 4, 5, 6]
    assert all(d.severity is Severity.WARNING for d in findings)
    assert "U+0000" in findings[0].message
    assert "U+001B U+0007" in findings[1].message
    assert "escape sequence" in findings[1].message


@pytest.mark.parametrize("format_name", ["bibtex", "biblatex", "csl-json", "csl-yaml", "ris"])
def test_control_characters_reach_no_format(control: Path, format_name: str):
    text = export_text(format_name, load(str(control)))
    assert CONTROL_CHARACTERS.search(text) is None
    for fragment in ("\\u00", "[31m", "[0m", "\\x"):
        assert fragment not in text, fragment
    for title in CONTROL_TITLES:
        assert title.split()[0] in text, title


def test_nul_file_looks_binary(tmp_path: Path):
    path = tmp_path / "zeros.md"
    path.write_bytes(b"\x00" * 3000)
    export = paperbib("export", str(path))
    assert_clean_error(export, "zeros.md", "NUL bytes", "looks binary")
    check = paperbib("check", str(path))
    assert check.returncode == 1
    assert "looks binary" in check.stdout.decode("utf-8")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="a1 _*&;#x$é.-", max_size=16))
def test_quick_markup_test_misses_nothing(text):
    # Text that the quick tests let through unparsed must come out of the parser unchanged.
    if not may_contain_inline_markup(text):
        assert parse_and_remove_emphasis(text) == text


def test_note_markup_removed_like_title():
    result = read_markdown(
        Source(
            "list.md",
            "## ICLR-2024\n\n"
            "- A Paper [[paper](https://a.org/p)] **Oral** &amp; spotlight, see `a*b*c` and snake_case\n"
            "  - Best paper _finalist_ &lt;3\n",
        )
    )
    (record,) = result.records
    assert record.note == "Oral & spotlight, see `a*b*c` and snake_case; Best paper finalist <3"
