"""Output writers: escaping and markup per format, checked with real parsers and pdflatex."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import load_tricky, require_tool
from paperbib.formatting import Formatter
from paperbib.formatting.markup import BLOCK_BREAK, CLOSE, OPEN, Style, parse_runs, plain_text
from paperbib.formatting.writers import HtmlWriter, LatexWriter, MarkdownWriter, RstWriter, Writer, get_writer

ITALIC = OPEN[Style.ITALIC], CLOSE[Style.ITALIC]
TRICKY_TEXT = "Pruning *50%* of [weights] & <b>heads</b> with a_b, `code`, ~x | y $\\ell_1$ 1. done"


def italic(text: str) -> str:
    return ITALIC[0] + text + ITALIC[1]


def test_parse_runs_styles_and_breaks() -> None:
    runs = parse_runs("[1]" + BLOCK_BREAK + "A " + italic("Title") + ".")
    assert [run.text for run in runs] == ["[1]", " ", "A ", "Title", "."]
    assert runs[1].block_break
    assert runs[3].styles == frozenset({Style.ITALIC})


def test_plain_text_drops_markers() -> None:
    assert plain_text("[1]" + BLOCK_BREAK + italic("T")) == "[1] T"


def test_text_writer_keeps_characters() -> None:
    assert Writer().entry(TRICKY_TEXT) == TRICKY_TEXT


def test_html_writer_escapes_everything() -> None:
    written = HtmlWriter().entry(italic("<i>x</i> & y"))
    assert written == "<i>&lt;i&gt;x&lt;/i&gt; &amp; y</i>"


def test_html_links_only_web_urls() -> None:
    writer = HtmlWriter()
    text = "Available: https://example.org/a?b=1&c=2. Also javascript:alert(1)"
    written = writer.entry(text, ("https://example.org/a?b=1&c=2", "javascript:alert(1)"))
    assert '<a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a>' in written
    assert 'href="javascript' not in written
    assert "javascript:alert(1)" in written


def test_markdown_round_trips_through_commonmark() -> None:
    written = MarkdownWriter().entry(TRICKY_TEXT + " " + italic("Venue"))
    html = MarkdownIt("commonmark").render(written)
    assert "<em>Venue</em>" in html
    assert "<em>50%</em>" not in html
    assert "<b>" not in html
    assert "&lt;b&gt;heads&lt;/b&gt;" in html
    assert "[weights]" in html
    assert "<code>" not in html


def test_markdown_escapes_numbered_start() -> None:
    html = MarkdownIt("commonmark").render(MarkdownWriter().entry("1." + BLOCK_BREAK + "Title"))
    assert "<ol" not in html
    assert "1. Title" in html


def test_markdown_links_are_autolinks() -> None:
    written = MarkdownWriter().entry("See https://example.org/x_y", ("https://example.org/x_y",))
    assert written == "See <https://example.org/x_y>"


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_rst_is_valid_docutils() -> None:
    docutils_core = pytest.importorskip("docutils.core")
    writer = RstWriter()
    entry = writer.entry("1." + BLOCK_BREAK + TRICKY_TEXT + ", in " + italic("Proc.") + "x", ("https://a.org/b",))
    document = writer.document([entry, writer.entry("See https://a.org/b.", ("https://a.org/b",))])
    html = docutils_core.publish_string(
        document, writer_name="html", settings_overrides={"report_level": 2, "halt_level": 2}
    ).decode("utf-8")
    assert "<em>Proc.</em>x" in html
    assert '<a class="reference external" href="https://a.org/b">' in html
    assert "<ol" not in html


def test_latex_escapes_specials_and_keeps_math() -> None:
    written = LatexWriter().entry(TRICKY_TEXT + " " + italic("V"), ())
    assert r"50\%" in written
    assert r"\&" in written
    assert r"a\_b" in written
    assert r"$\ell_1$" in written
    assert r"\emph{V}" in written


def test_latex_escapes_specials_inside_math() -> None:
    written = LatexWriter().entry(r"Keeping $50%$ of $a & b$ and $k \% m$", ())
    assert written == r"Keeping $50\%$ of $a \& b$ and $k \% m$"


def test_latex_url_escapes_percent_and_hash() -> None:
    written = LatexWriter().entry("x https://a.org/a%20b#c", ("https://a.org/a%20b#c",))
    assert written == r"x \url{https://a.org/a\%20b\#c}"


def test_unknown_writer_name() -> None:
    with pytest.raises(KeyError):
        get_writer("docx")


@pytest.mark.tools
def test_latex_output_compiles(tmp_path: Path) -> None:
    pdflatex = require_tool("pdflatex")
    bodies = []
    names = ("ampersand.md", "percent.md", "math.md", "math_specials.md", "greek.md", "urls.md", "punctuation.md")
    for name in (*names, "braces.md"):
        bodies.append(Formatter("ieee", "latex").bibliography(load_tricky(name).records).text)
        bodies.append(Formatter("plain", "latex").bibliography(load_tricky(name).records).text)
    document = (
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
        "\\usepackage{textcomp}\n\\usepackage{url}\n\\begin{document}\n" + "\n\n".join(bodies) + "\n\\end{document}\n"
    )
    (tmp_path / "refs.tex").write_text(document, encoding="utf-8")
    result = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "refs.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert (tmp_path / "refs.pdf").is_file()
