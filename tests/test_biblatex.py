from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import bibtexparser
import pytest

from conftest import TRICKY, require_tool
from exports import export_text, inputs, load_input
from paperbib.exporters.base import ExportOptions
from paperbib.exporters.biblatex import biblatex_fields
from paperbib.model import Identifiers

# pdflatex's UTF-8 input encoding has no definition for Greek, CJK, emoji or U+2212 MINUS SIGN, and
# biber does not rewrite them as macros. So these fixtures are checked with biber alone.
# NOTE: lualatex would typeset them, but its font loader luaotfload (Debian package texlive-luatex)
# is not among the packages .ci/run installs.
NEEDS_UNICODE_ENGINE = {"greek.md", "emoji.md", "cjk.md", "typography.md"}

# Lists give no authors, which biblatex's data model requires for every entry type written here.
MISSING_AUTHOR = "Missing mandatory field 'author'"
MISSING_DATE = "Missing mandatory field - one of 'date, year' must be defined"


def parse(text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return library


def entry_fields(text: str, key: str) -> dict[str, str]:
    entry = parse(text).entries_dict[key]
    return {field.key: field.value for field in entry.fields}


def test_biblatex_fields_of_first_paper(papers):
    text = export_text("biblatex", papers)
    fields = entry_fields(text, "iclr2024-model-tells-discard")
    assert fields["date"] == "2024"
    assert fields["eventtitle"] == "International Conference on Learning Representations ({ICLR} 2024)"
    assert fields["eprinttype"] == "arxiv"
    assert fields["eprint"] == "2310.01801"
    assert fields["url"] == "https://iclr.cc/virtual/2024/poster/17575"
    assert "year" not in fields
    assert "archivePrefix" not in fields


def test_biblatex_every_paper_has_an_entry(papers):
    library = parse(export_text("biblatex", papers))
    assert [entry.key for entry in library.entries] == [record.key for record in papers.records]
    types = {entry.entry_type for entry in library.entries}
    assert types <= {"inproceedings", "article", "online", "misc"}


def test_biblatex_keeps_utf8():
    greek = export_text("biblatex", load_input(TRICKY / "greek.md"))
    assert "{α}-Mixing and {β}-Warmup" in greek
    assert "\\alpha" not in greek
    cjk = export_text("biblatex", load_input(TRICKY / "cjk.md"))
    assert "大语言模型的量化：方法与挑战" in cjk


def test_biblatex_url_is_raw_and_title_escaped():
    text = export_text("biblatex", load_input(TRICKY / "urls.md"))
    assert "url = {https://papers.example.cc/files/2018/Compact%20Nets%20Final.pdf#page=2}," in text
    percent = export_text("biblatex", load_input(TRICKY / "percent.md"))
    assert "title = {Pruning 90\\% of Weights Early: When Does It Pay Off?}," in percent


def test_biblatex_old_arxiv_id_has_eprintclass(papers):
    record = replace(papers.records[0], ids=Identifiers(arxiv="cs/0112017"))
    fields = dict(biblatex_fields(record, ExportOptions()))
    assert fields["eprint"] == "cs/0112017"
    assert fields["eprintclass"] == "cs"


def write_bib_files(folder: Path) -> list[tuple[Path, str]]:
    written = []
    for path in inputs():
        target = folder / f"{path.stem}.bib"
        target.write_text(export_text("biblatex", load_input(path)), encoding="utf-8")
        written.append((target, path.name))
    return written


def latex_document(bib_names: list[str]) -> str:
    sections = [
        f"\\begin{{refsection}}[{name}]\n\\nocite{{*}}\n"
        f"\\printbibliography[title={{Input {number}}}]\n\\end{{refsection}}"
        for number, name in enumerate(bib_names, start=1)
    ]
    return (
        "\\documentclass{article}\n\\usepackage[backend=biber]{biblatex}\n\\begin{document}\n"
        + "\n".join(sections)
        + "\n\\end{document}\n"
    )


@pytest.mark.tools
def test_biblatex_document_builds(tmp_path):
    pdflatex = require_tool("pdflatex")
    biber = require_tool("biber")
    written = [(bib, name) for bib, name in write_bib_files(tmp_path) if name not in NEEDS_UNICODE_ENGINE]
    (tmp_path / "refs.tex").write_text(latex_document([bib.name for bib, _ in written]), encoding="utf-8")
    latex_command = [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "refs.tex"]
    first = subprocess.run(latex_command, capture_output=True, text=True, cwd=tmp_path)
    assert first.returncode == 0, first.stdout[-3000:]
    biber_run = subprocess.run([biber, "refs"], capture_output=True, text=True, cwd=tmp_path)
    assert biber_run.returncode == 0, biber_run.stdout
    assert "ERROR" not in biber_run.stdout
    second = subprocess.run(latex_command, capture_output=True, text=True, cwd=tmp_path)
    assert second.returncode == 0, second.stdout[-3000:]
    log = (tmp_path / "refs.log").read_text(encoding="latin-1")
    assert not re.search(r"^! ", log, re.MULTILINE)
    assert "Package biblatex Error" not in log
    bbl = (tmp_path / "refs.bbl").read_text(encoding="utf-8")
    for bib, name in written:
        for entry in parse(bib.read_text(encoding="utf-8")).entries:
            assert f"\\entry{{{entry.key}}}" in bbl, (name, entry.key)


@dataclass
class BiberRun:
    written: list[tuple[Path, str]]
    stdout: str
    bbl: str


@pytest.fixture(scope="module")
def biber_on_every_input(tmp_path_factory) -> BiberRun:
    """biber --validate-datamodel on one document that cites every input in its own refsection.

    Only the first pdflatex pass runs, to write the .bcf control file for biber, so titles that
    pdflatex cannot typeset do not matter here.
    """
    pdflatex = require_tool("pdflatex")
    biber = require_tool("biber")
    folder = tmp_path_factory.mktemp("biber")
    written = write_bib_files(folder)
    (folder / "refs.tex").write_text(latex_document([bib.name for bib, _ in written]), encoding="utf-8")
    subprocess.run([pdflatex, "-interaction=nonstopmode", "refs.tex"], capture_output=True, cwd=folder)
    run = subprocess.run([biber, "--validate-datamodel", "refs"], capture_output=True, text=True, cwd=folder)
    assert run.returncode == 0, run.stdout + run.stderr
    return BiberRun(written, run.stdout, (folder / "refs.bbl").read_text(encoding="utf-8"))


@pytest.mark.tools
def test_biber_validates_datamodel(biber_on_every_input):
    problems = [line for line in biber_on_every_input.stdout.splitlines() if line.startswith(("ERROR", "WARN"))]
    assert problems
    for line in problems:
        expected = line.startswith("WARN - Datamodel: Entry ") and (
            MISSING_AUTHOR in line or (MISSING_DATE in line and "(missing_year.bib)" in line)
        )
        assert expected, line


@pytest.mark.tools
def test_biber_reads_every_entry(biber_on_every_input):
    for bib, name in biber_on_every_input.written:
        for entry in parse(bib.read_text(encoding="utf-8")).entries:
            assert f"\\entry{{{entry.key}}}" in biber_on_every_input.bbl, (name, entry.key)


@pytest.mark.tools
def test_biber_reads_non_latin_titles(biber_on_every_input):
    bbl = biber_on_every_input.bbl
    assert "大语言模型的量化：方法与挑战" in bbl
    assert "{α}-Mixing" in bbl
    assert "LLaMA" in bbl
    assert "−0.2 {dB}" in bbl
