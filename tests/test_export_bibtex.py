from __future__ import annotations

import bibtexparser
import pybtex.database
import pytest
from pylatexenc.latex2text import LatexNodes2Text

from conftest import TRICKY, load_tricky
from paperbib.diagnostics import Code
from paperbib.errors import ExportError
from paperbib.exporters.base import ExportOptions
from paperbib.exporters.bibtex import BibtexExporter, check_braces
from paperbib.pipeline import load


def export(bibliography, **options) -> str:
    return BibtexExporter().export(bibliography.records, ExportOptions(**options)).text


def decode_latex(value: str) -> str:
    return " ".join(LatexNodes2Text(math_mode="verbatim").latex_to_text(value).split())


@pytest.fixture(scope="module")
def papers_bib(papers) -> str:
    return export(papers)


def test_bibtexparser_reads_back_every_entry(papers, papers_bib):
    library = bibtexparser.parse_string(papers_bib)
    assert library.failed_blocks == []
    assert len(library.entries) == 101
    by_key = {entry.key: entry for entry in library.entries}
    for record in papers.records:
        entry = by_key[record.key]
        assert decode_latex(entry["title"]) == record.title
        assert entry["year"] == str(record.year)


def test_pybtex_reads_back_every_entry(papers, papers_bib):
    data = pybtex.database.parse_string(papers_bib, "bibtex")
    assert len(data.entries) == 101
    for record in papers.records:
        entry = data.entries[record.key]
        assert decode_latex(entry.fields["title"]) == record.title


def test_entry_shape_per_venue(papers, papers_bib):
    data = pybtex.database.parse_string(papers_bib, "bibtex")
    expected = {
        "iclr2024-model-tells-discard": {"publisher": "{OpenReview.net}", "eprint": "2310.01801"},
        "icml2023-losparse-structured-compression": {
            "volume": "202",
            "series": "{Proceedings of Machine Learning Research}",
            "publisher": "{PMLR}",
        },
        "neurips2023-memoryefficient-finetuning-compressed": {"volume": "36"},
        "aaai2024-epsd-early-pruning": {"volume": "38", "publisher": "{AAAI Press}"},
        "acl2023-deep-model-compression": {"doi": "10.18653/v1/2023.acl-long.381"},
    }
    for key, fields in expected.items():
        entry = data.entries[key]
        assert entry.type == "inproceedings"
        for name, value in fields.items():
            assert entry.fields[name] == value, (key, name)
    eccv = next(entry for entry in data.entries.values() if "ECCV" in entry.fields["booktitle"])
    assert eccv.fields["series"] == "{Lecture Notes in Computer Science}"


def test_reexport_is_byte_identical(papers_bib):
    from conftest import PAPERS

    assert export(load(str(PAPERS))) == papers_bib


def test_ampersand_is_escaped_everywhere_but_urls():
    text = export(load_tricky("ampersand.md"))
    assert r"Backdoors \& Bit-Flips" in text
    assert r"{Q\&A} Models" in text
    assert r"booktitle = {{S\&P}}" in text
    for line in text.splitlines():
        if "&" in line and not line.strip().startswith(("url", "doi")):
            assert "\\&" in line, line
    assert "@inproceedings{sp2023-backdoors-bitflips-attacking," in text


def test_percent_is_escaped_and_nothing_swallowed():
    text = export(load_tricky("percent.md"))
    assert r"Pruning 90\% of Weights Early: When Does It Pay Off?" in text
    data = pybtex.database.parse_string(text, "bibtex")
    titles = [entry.fields["title"] for entry in data.entries.values()]
    assert titles[0].endswith("When Does It Pay Off?")


def test_braces_stay_balanced_and_third_entry_survives():
    text = export(load_tricky("braces.md"))
    assert r"{\textbraceleft}0,1{\textbraceright}" in text
    library = bibtexparser.parse_string(text)
    assert len(library.entries) == 3
    assert library.entries[2]["title"] == "The Last Entry Must Survive"
    assert len(pybtex.database.parse_string(text, "bibtex").entries) == 3


def test_urls_resolve_to_the_original():
    text = export(load_tricky("urls.md"))
    assert r"url = {https://papers.example.cc/files/2018/Compact\%20Nets\%20Final.pdf#page=2}" in text
    assert r"code: https://www.cs.example.edu/{\textasciitilde}group/compact\_nets" in text
    for bad in (r"\_", r"\#", "textasciitilde{}group"):
        url_lines = [line for line in text.splitlines() if line.strip().startswith("url")]
        assert not any(bad in line for line in url_lines)


def test_arxiv_versions_are_kept():
    text = export(load_tricky("arxiv_versions.md"))
    assert "eprint = {2310.04321v2}" in text
    assert "eprint = {2312.04321v1}" in text
    assert "eprint = {2401.20000}" in text
    assert text.count("archivePrefix = {arXiv}") == 3
    assert "url = {https://arxiv.org/abs/2310.04321v2}" in text


def test_missing_year_has_no_year_field():
    text = export(load_tricky("missing_year.md"))
    entries = text.split("\n@")
    assert "year = {2024}" in entries[1]
    assert "year" not in entries[2]
    assert "@misc{arxiv2024-survey-cache-compression," in text


def test_unmapped_characters_are_reported_not_fatal():
    bibliography = load_tricky("emoji.md")
    result = BibtexExporter().export(bibliography.records, ExportOptions())
    assert "title = {{LLaMA}-Mini: Shrinking Chat Models}" in result.text
    assert r"A{$\ast$} Search over Sparsity Patterns with {$\oplus$}-Merging" in result.text
    assert any("U+1F999" in diagnostic.message for diagnostic in result.diagnostics)
    assert "\ufe0f" not in result.text


def test_utf8_mode_keeps_unicode():
    text = export(load_tricky("greek.md"), bib_encoding="utf8")
    assert "{α}-Mixing" in text
    assert "3 {µs} at 5 {mW}: {Δ}-Encoding" in text


def test_no_at_sign_in_comments(tmp_path):
    path = tmp_path / "odd@name.md"
    path.write_text((TRICKY / "percent.md").read_text(encoding="utf-8"), encoding="utf-8")
    text = export(load(str(path)), source_name=str(path))
    comment_lines = [line for line in text.splitlines() if line.startswith("%")]
    assert comment_lines
    assert not any("@" in line for line in comment_lines)


def test_short_booktitle():
    text = export(load_tricky("acronyms.md"), booktitle="short")
    assert "booktitle = {{Proc. ICLR 2024}}" in text


def test_venue_names_are_protected_whole(papers_bib):
    assert "booktitle = {{The Twelfth International Conference on Learning Representations, ICLR 2024, " in papers_bib


def test_arxiv_urls_are_canonical():
    text = export(load_tricky("arxiv_versions.md"))
    assert "url = {https://arxiv.org/abs/2401.20000}" in text
    assert "http://arxiv.org" not in text
    assert "/pdf/" not in text


def test_control_characters_are_dropped(tmp_path):
    path = tmp_path / "control.md"
    path.write_text(
        "# 2021\n## ICML-2021\n- Ti\x01tle with \x1b control [[paper](https://x.org/p)]\n", encoding="utf-8"
    )
    bibliography = load(str(path))
    result = BibtexExporter().export(bibliography.records, ExportOptions())
    assert "title = {Title with control}" in result.text
    # The reader removes them, with a warning, so that every format gets the same title.
    warnings = [d for d in bibliography.diagnostics if d.code is Code.CONTROL_CHARACTER]
    assert len(warnings) == 1
    assert "U+0001" in warnings[0].message


def test_title_without_latex_form_is_reported(tmp_path):
    path = tmp_path / "emoji_only.md"
    path.write_text("# 2021\n## ICML-2021\n- 🦙 [[paper](https://x.org/p)]\n", encoding="utf-8")
    result = BibtexExporter().export(load(str(path)).records, ExportOptions())
    assert "title = {}," in result.text
    assert "key = " not in result.text
    assert any("title is empty" in diagnostic.message for diagnostic in result.diagnostics)


def test_header_names_the_file_only(papers):
    text = BibtexExporter().export(papers.records[:1], ExportOptions(source_name="/some/where/papers.md")).text
    assert text.splitlines()[0].endswith("from papers.md")


def test_utf8_mode_keeps_variation_selectors():
    text = export(load_tricky("emoji.md"), bib_encoding="utf8")
    assert "\u26a1\ufe0f" in text


def test_unbalanced_field_is_rejected_after_balanced_ones(papers):
    record = papers.records[0]
    check_braces(record, [("booktitle", "{Proc. {ICLR}}"), ("title", "plain")])
    # The first call found "{Proc. {ICLR}}" balanced; an unbalanced value is still rejected.
    with pytest.raises(ExportError, match=r"field title has unbalanced braces: '\{Proc\. \{ICLR\}'"):
        check_braces(record, [("booktitle", "{Proc. {ICLR}}"), ("title", "{Proc. {ICLR}")])
    with pytest.raises(ExportError, match=f"{record.location}: {record.key}: field note"):
        check_braces(record, [("note", "a} {b")])
