"""Real consumers: bibtex, pdflatex and biber on the exported files."""

from __future__ import annotations

import re

import pytest

from conftest import load_tricky
from latex_runner import biber_warnings, bibtex_warnings, compile_biblatex, compile_bibtex, latex_problems
from paperbib.exporters.base import ExportOptions
from paperbib.exporters.bibtex import BibtexExporter

pytestmark = pytest.mark.tools

ALLOWED_BIBTEX_WARNINGS = re.compile(r"^Warning--(empty author|need author or key) in ")
ALLOWED_BIBER_WARNINGS = re.compile(r"Missing mandatory field 'author'")

# Every fixture but the CJK one, which needs xelatex or lualatex.
PDFLATEX_FIXTURES = [
    "ampersand.md",
    "percent.md",
    "braces.md",
    "acronyms.md",
    "math.md",
    "math_specials.md",
    "greek.md",
    "emoji.md",
    "typography.md",
    "brackets.md",
    "urls.md",
    "arxiv_versions.md",
    "collision.md",
    "missing_year.md",
    "punctuation.md",
]


def bib_text(bibliography) -> str:
    return BibtexExporter().export(bibliography.records, ExportOptions()).text


def test_papers_compile_with_bibtex_and_pdflatex(papers, tmp_path):
    run = compile_bibtex(tmp_path, bib_text(papers))
    unexpected = [line for line in bibtex_warnings(run.blg) if not ALLOWED_BIBTEX_WARNINGS.match(line)]
    assert unexpected == []
    assert "need author or key" not in run.blg
    assert latex_problems(run.log) == []
    assert run.bbl.count("\\bibitem") == 101


def test_papers_validate_with_biber(papers, tmp_path):
    run = compile_biblatex(tmp_path, bib_text(papers))
    warnings = biber_warnings(run.blg)
    assert warnings, "biber should at least warn about the missing authors"
    unexpected = [warning for warning in warnings if not ALLOWED_BIBER_WARNINGS.search(warning)]
    assert unexpected == []
    assert latex_problems(run.log) == []


@pytest.mark.parametrize("fixture", PDFLATEX_FIXTURES)
def test_tricky_inputs_compile(fixture, tmp_path):
    run = compile_bibtex(tmp_path, bib_text(load_tricky(fixture)))
    unexpected = [line for line in bibtex_warnings(run.blg) if not ALLOWED_BIBTEX_WARNINGS.match(line)]
    if fixture == "missing_year.md":
        # The second paper has no known year, so it has no year field, and plain.bst says so.
        assert unexpected == ["Warning--empty year in workshop-pruning-retraining"]
        return
    assert unexpected == []
    assert "I was expecting" not in run.blg
    assert latex_problems(run.log) == []


@pytest.mark.parametrize("fixture", PDFLATEX_FIXTURES)
def test_tricky_inputs_validate_with_biber(fixture, tmp_path):
    run = compile_biblatex(tmp_path, bib_text(load_tricky(fixture)))
    unexpected = [w for w in biber_warnings(run.blg) if not ALLOWED_BIBER_WARNINGS.search(w)]
    if fixture == "missing_year.md":
        # The second paper has no known year; biber names the missing field and goes on.
        assert unexpected == [
            "Datamodel: Entry 'workshop-pruning-retraining' (refs.bib): "
            "Missing mandatory field - one of 'date, year' must be defined"
        ]
        return
    assert unexpected == []


def test_math_specials_are_escaped(tmp_path):
    bibliography = load_tricky("math_specials.md")
    text = bib_text(bibliography)
    assert "{$50\\%$}" in text
    assert "{$a \\& b$}" in text
    assert "{$\\#$}" in text
    assert "{$k \\% m$}" in text
    run = compile_bibtex(tmp_path, text)
    assert "Keeping" in run.bbl


def test_acronyms_keep_capitals_in_plain_style(tmp_path):
    run = compile_bibtex(tmp_path, bib_text(load_tricky("acronyms.md")))
    for word in ("KV", "LLMs", "BERT", "GPT", "CNN", "TPU"):
        assert word in run.bbl
    for wrong in ("Kv", "llms", "Bert", "Cnn"):
        assert wrong not in run.bbl


def test_greek_commands_survive_case_change(tmp_path):
    run = compile_bibtex(tmp_path, bib_text(load_tricky("greek.md")))
    assert r"$\Delta$" in run.bbl
    assert "{mW}" in run.bbl


def test_urls_in_pdf_links_equal_the_original(tmp_path):
    packages = "\\pdfcompresslevel=0\\pdfobjcompresslevel=0\n\\usepackage{natbib}\n\\usepackage{hyperref}\n"
    compile_bibtex(tmp_path, bib_text(load_tricky("urls.md")), style="plainnat", packages=packages)
    pdf = (tmp_path / "doc.pdf").read_bytes()
    uris = {uri.decode("latin-1") for uri in re.findall(rb"/URI\s*\(([^)]*)\)", pdf)}
    assert "https://papers.example.cc/files/2018/Compact%20Nets%20Final.pdf#page=2" in uris
