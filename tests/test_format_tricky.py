"""Formatted output for inputs that broke other bibliography tools: escaping, case, math, punctuation."""

from __future__ import annotations

import re
import unicodedata

import pytest

from conftest import FIXTURES, load_tricky
from paperbib.formatting import Formatter
from paperbib.pipeline import load

CSL_STYLES = ("apa", "ieee", "chicago-author-date", "harvard-cite-them-right", "modern-language-association")
PYBTEX_STYLES = ("plain", "unsrt", "alpha", "unsrtalpha")


def formatted(name: str, style: str, output: str = "text") -> str:
    return Formatter(style, output).bibliography(load_tricky(name).records).text


@pytest.mark.parametrize("style", CSL_STYLES + PYBTEX_STYLES)
def test_ampersand_plain_in_text(style: str) -> None:
    text = formatted("ampersand.md", style)
    assert "Backdoors & Bit-Flips" in text
    assert "Q&A" in text
    assert "\\&" not in text
    assert "&amp;" not in text


@pytest.mark.parametrize("style", CSL_STYLES + PYBTEX_STYLES)
def test_ampersand_escaped_once_in_html(style: str) -> None:
    html = formatted("ampersand.md", style, "html")
    assert "Backdoors &amp; Bit-Flips" in html
    assert "&amp;amp;" not in html
    assert "\\&" not in html
    assert re.search(r"&(?!amp;|lt;|gt;|quot;|#x27;)", html) is None


@pytest.mark.parametrize("style", CSL_STYLES + PYBTEX_STYLES)
@pytest.mark.parametrize("output", ["text", "html"])
def test_percent_kept_unescaped(style: str, output: str) -> None:
    text = formatted("percent.md", style, output)
    assert "90%" in text
    assert "99%" in text
    assert "\\%" not in text
    # Nothing after the % was swallowed as a LaTeX comment.
    assert re.search("pay off", text, re.IGNORECASE)


@pytest.mark.parametrize("style", ["chicago-author-date", "modern-language-association", "apa", "ieee"])
def test_acronyms_survive_title_case(style: str) -> None:
    text = formatted("acronyms.md", style)
    for acronym in ("KV", "LLMs", "BERT", "GPT-2", "CNN", "TPU"):
        assert acronym in text
    for corrupted in ("Kv ", "Llms", "Bert ", "Cnn "):
        assert corrupted not in text


@pytest.mark.parametrize("style", PYBTEX_STYLES)
def test_acronyms_survive_pybtex_sentence_case(style: str) -> None:
    text = formatted("acronyms.md", style)
    for acronym in ("KV", "LLMs", "BERT", "GPT-2", "CNN", "TPU"):
        assert acronym in text
    assert "Kv" not in text
    assert "llms" not in text
    # Sentence case still applies to ordinary words.
    assert "Model tells you what to discard" in text


@pytest.mark.parametrize("style", CSL_STYLES + PYBTEX_STYLES)
@pytest.mark.parametrize("output", ["text", "html"])
def test_math_spans_kept_verbatim(style: str, output: str) -> None:
    text = formatted("math.md", style, output)
    for span in ("$\\ell_1$", "$O(\\log n)$", "$N$:$M$", "$\\omega$"):
        assert span in text
    assert "ømega" not in text
    assert "\\Ell" not in text
    assert "$ -" not in text  # no space pushed between a span and the rest of its word


@pytest.mark.parametrize("style", CSL_STYLES)
def test_greek_and_units_keep_case(style: str) -> None:
    text = formatted("greek.md", style)
    assert "3 µs" in text
    assert "5 mW" in text
    assert "α-Mixing" in text
    assert "Δ-Encoding" in text
    assert "\u039c" not in text  # GREEK CAPITAL LETTER MU
    assert "\u0391" not in text  # GREEK CAPITAL LETTER ALPHA
    assert "MW" not in text


@pytest.mark.parametrize("style", PYBTEX_STYLES)
def test_greek_and_units_keep_case_pybtex(style: str) -> None:
    text = formatted("greek.md", style)
    assert "3 µs" in text
    assert "5 mW" in text
    assert "\u039c" not in text
    assert "\u0391" not in text


@pytest.mark.parametrize("style", CSL_STYLES + PYBTEX_STYLES)
@pytest.mark.parametrize("output", ["text", "html"])
def test_cjk_titles_intact(style: str, output: str) -> None:
    text = formatted("cjk.md", style, output)
    assert "大语言模型的量化：方法与挑战" in text
    assert "面向移动设备的模型剪枝综述" in text
    assert "?" not in unicodedata.normalize("NFC", text).split("://")[0]


def test_missing_year_apa_says_no_date() -> None:
    lines = formatted("missing_year.md", "apa").splitlines()
    undated = [line for line in lines if "Pruning With No Retraining" in line]
    assert len(undated) == 1
    assert "(n.d.)" in undated[0]


@pytest.mark.parametrize("style", CSL_STYLES + PYBTEX_STYLES)
def test_missing_year_leaves_nothing_dangling(style: str) -> None:
    lines = formatted("missing_year.md", style).splitlines()
    assert len(lines) == 2
    for line in lines:
        assert not re.search(r"[,;:]\s*$", line), line
        assert re.search(r"Workshop,\s*(Available|URL|$)", line) is None, line
        assert ", ," not in line
        assert ". ." not in line
        assert "()" not in line


_DOUBLED = re.compile(r"[?!][.,]|[?!][”’][.,]|\.”\.|(?<!\.)\.\.(?!\.)|\.\.\.\.|\?,\.")


@pytest.mark.parametrize("style", (*CSL_STYLES, "nature", "nlm-citation-sequence", *PYBTEX_STYLES))
@pytest.mark.parametrize("output", ["text", "html"])
def test_terminal_punctuation_not_doubled(style: str, output: str) -> None:
    text = formatted("punctuation.md", style, output)
    plain = re.sub(r"<[^>]+>", "", text)
    assert _DOUBLED.search(plain) is None, _DOUBLED.search(plain)
    assert "Are All Those Heads Needed?" in plain or "Are all those heads needed?" in plain
    assert "Prune Early, Prune Often..." in plain or "Prune early, prune often..." in plain
    assert "Sparse at Last!" in plain or "Sparse at last!" in plain
    # The list's own trailing period was removed once, so the style's period follows the title.
    assert "Pruning.." not in plain
    assert "Revisiting the Value of Pruning" in plain or "Revisiting the value of pruning" in plain


def test_html_escapes_tags_from_titles() -> None:
    records = load(str(FIXTURES / "formatting" / "markup_in_titles.md")).records
    for style in ("apa", "ieee", "plain"):
        html = Formatter(style, "html").bibliography(records).text
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;b&gt;Bold&lt;/b&gt;" in html
        assert "javascript:" not in html
        assert 'href="https://example.org/paper?id=1&amp;lang=en"' in html
        hrefs = re.findall(r'href="([^"]*)"', html)
        assert hrefs
        assert all(href.startswith(("http://", "https://")) for href in hrefs)


def test_text_output_one_entry_per_line() -> None:
    records = load_tricky("punctuation.md").records
    for style in CSL_STYLES + PYBTEX_STYLES:
        text = Formatter(style).bibliography(records).text
        assert text.endswith("\n")
        assert len(text.splitlines()) == len(records)
