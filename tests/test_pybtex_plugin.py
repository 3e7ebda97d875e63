from __future__ import annotations

import html
import logging
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import bibtexparser
import pybtex.database
import pytest
from pybtex.exceptions import PybtexError
from pybtex.plugin import find_plugin

from conftest import PAPERS, TRICKY
from exports import export_text
from paperbib.model import Author
from paperbib.pybtex_plugin import MarkdownParser, to_entry

SCRIPTS = Path(sys.executable).parent


def pybtex_command(name: str) -> str:
    """A pybtex console script of the interpreter running the tests, where the plugin is installed."""
    path = SCRIPTS / name
    if not path.exists():
        pytest.fail(f"{path} not found; install the test dependencies with pip install -e '.[test]'")
    return str(path)


def test_plugin_registered_for_name_and_suffix():
    assert find_plugin("pybtex.database.input", "markdown") is MarkdownParser
    assert find_plugin("pybtex.database.input", filename="papers.md") is MarkdownParser


def test_parse_file_reads_real_list(papers):
    data = pybtex.database.parse_file(str(PAPERS))
    assert list(data.entries) == [record.key for record in papers.records]
    first = data.entries[papers.records[0].key]
    assert first.type == "inproceedings"
    assert first.fields["title"] == "Model Tells You What to Discard: Adaptive {KV} Cache Compression for {LLMs}"
    assert first.fields["year"] == "2024"
    assert first.fields["eprint"] == "2310.01801"
    assert first.persons == {}


def test_parse_file_fields_match_bibtex_export(papers):
    data = pybtex.database.parse_file(str(PAPERS))
    exported = bibtexparser.parse_string(export_text("bibtex", papers))
    for entry in exported.entries:
        fields = data.entries[entry.key].fields
        for field in entry.fields:
            if field.key == "url":
                continue  # raw in pybtex, with \% in the BibTeX export
            assert fields[field.key] == field.value, (entry.key, field.key)


def test_plugin_urls_are_raw():
    data = pybtex.database.parse_file(str(TRICKY / "urls.md"))
    urls = [entry.fields["url"] for entry in data.entries.values()]
    assert "https://papers.example.cc/files/2018/Compact%20Nets%20Final.pdf#page=2" in urls


def test_plugin_authors_become_persons(papers):
    record = replace(papers.records[0], authors=[Author(family="Müller", given="Anna"), Author(literal="OpenAI Team")])
    entry = to_entry(record, [])
    people = entry.persons["author"]
    assert [str(person) for person in people] == ['M{\\"u}ller, Anna', "{{OpenAI} Team}"]
    assert "author" not in entry.fields


def test_plugin_encoding_option():
    data = pybtex.database.parse_file(str(TRICKY / "latin1.md"), encoding="latin-1")
    (entry,) = data.entries.values()
    assert entry.fields["title"].startswith('{\\"U}ber-Fast')


def test_plugin_input_error_is_pybtex_error():
    with pytest.raises(PybtexError, match=r"latin1\.md:4: invalid utf-8 byte 0xdc"):
        pybtex.database.parse_file(str(TRICKY / "latin1.md"))


def test_plugin_list_without_papers_is_error(tmp_path):
    path = tmp_path / "nopapers.md"
    path.write_text("# Notes\n\nNothing here but prose.\n", encoding="utf-8")
    with pytest.raises(PybtexError, match=r"nopapers\.md: no papers found \(0 lines skipped\)"):
        pybtex.database.parse_file(str(path))
    with pytest.raises(PybtexError, match="no papers found"):
        pybtex.database.parse_string("# Notes\n", "markdown")


def test_pybtex_convert_list_without_papers_fails(tmp_path):
    path = tmp_path / "nopapers.md"
    path.write_text("# Notes\n\nNothing here but prose.\n", encoding="utf-8")
    output = tmp_path / "out.bib"
    completed = subprocess.run(
        [pybtex_command("pybtex-convert"), str(path), str(output)], capture_output=True, text=True
    )
    assert completed.returncode != 0
    assert "no papers found" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not output.exists()


def test_plugin_logs_findings(caplog):
    with caplog.at_level(logging.WARNING, logger="paperbib.pybtex_plugin"):
        pybtex.database.parse_file(str(TRICKY / "missing_year.md"))
    messages = [record.getMessage() for record in caplog.records]
    assert any("has no year [PB111]" in message for message in messages)


def test_plugin_parse_string_and_stream(tmp_path):
    text = "# 2023\n## ICML-2023\n- Sparse Attention for Long Sequences [[paper](https://proceedings.mlr.press/v202/demo23c.html)]\n"
    data = pybtex.database.parse_string(text, "markdown")
    assert list(data.entries) == ["icml2023-sparse-attention-long"]
    path = tmp_path / "list.md"
    path.write_text(text, encoding="utf-8")
    with path.open("rb") as stream:
        assert list(pybtex.database.parse_file(stream, "markdown").entries) == ["icml2023-sparse-attention-long"]


def test_pybtex_convert_writes_bib(papers, tmp_path):
    output = tmp_path / "papers.bib"
    subprocess.run([pybtex_command("pybtex-convert"), str(PAPERS), str(output)], check=True, capture_output=True)
    library = bibtexparser.parse_string(output.read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == [record.key for record in papers.records]
    years = {entry.key: entry.fields_dict["year"].value for entry in library.entries}
    assert years == {record.key: str(record.year) for record in papers.records}


def test_pybtex_convert_to_yaml_round_trip(tmp_path):
    output = tmp_path / "papers.yaml"
    subprocess.run([pybtex_command("pybtex-convert"), str(PAPERS), str(output)], check=True, capture_output=True)
    original = pybtex.database.parse_file(str(PAPERS))
    converted = pybtex.database.parse_file(str(output))
    assert list(converted.entries) == list(original.entries)
    for key, entry in original.entries.items():
        # The YAML writer lowercases field names such as archivePrefix.
        expected = {name.lower(): value for name, value in entry.fields.items()}
        assert dict(converted.entries[key].fields) == expected, key


def test_pybtex_format_html(papers, tmp_path):
    output = tmp_path / "papers.html"
    subprocess.run(
        [pybtex_command("pybtex-format"), "--style", "paperbib", str(PAPERS), str(output)],
        check=True,
        capture_output=True,
    )
    text = output.read_text(encoding="utf-8")
    items = re.findall(r"<dd>(.*?)</dd>", text, re.DOTALL)
    assert len(items) == len(papers.records)
    plain = html.unescape(re.sub(r"<[^>]+>", "", items[0]))
    assert plain.casefold().startswith(papers.records[0].title.casefold())
    assert "https://iclr.cc/virtual/2024/poster/17575" in items[0]


def test_pybtex_format_default_style_needs_authors(tmp_path):
    """pybtex's own styles stop on entries without authors, which is why the paperbib style exists."""
    run = subprocess.run(
        [pybtex_command("pybtex-format"), str(TRICKY / "greek.md"), str(tmp_path / "out.txt")],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "missing author" in run.stderr + run.stdout


def test_pybtex_format_decodes_latex(tmp_path):
    output = tmp_path / "greek.txt"
    subprocess.run(
        [pybtex_command("pybtex-format"), "--style", "paperbib", str(TRICKY / "greek.md"), str(output)],
        check=True,
        capture_output=True,
    )
    text = output.read_text(encoding="utf-8")
    assert "α-mixing and β-warmup for low-bit detectors" in text
    assert "Δ-encoding" in text


@pytest.mark.xfail(strict=True, reason="pybtex 0.26's BibTeX writer escapes LaTeX field values a second time")
def test_pybtex_convert_keeps_latex_escapes(tmp_path):
    output = tmp_path / "percent.bib"
    subprocess.run(
        [pybtex_command("pybtex-convert"), str(TRICKY / "percent.md"), str(output)], check=True, capture_output=True
    )
    assert "Pruning 90\\% of Weights" in output.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted(TRICKY.glob("*.md")), ids=lambda path: path.name)
def test_pybtex_format_every_fixture(path, tmp_path):
    output = tmp_path / "out.txt"
    encoding = ["--input-encoding", "latin-1"] if path.name == "latin1.md" else []
    run = subprocess.run(
        [pybtex_command("pybtex-format"), "--style", "paperbib", *encoding, str(path), str(output)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    entries = pybtex.database.parse_file(str(path), encoding="latin-1" if encoding else None).entries
    lines = output.read_text(encoding="utf-8").splitlines()
    assert [line.split("] ")[0] for line in lines] == [f"[{number}" for number in range(1, len(entries) + 1)]


def test_paperbib_style_prints_no_date(tmp_path):
    output = tmp_path / "out.txt"
    subprocess.run(
        [pybtex_command("pybtex-format"), "--style", "paperbib", str(TRICKY / "missing_year.md"), str(output)],
        check=True,
        capture_output=True,
    )
    lines = output.read_text(encoding="utf-8").splitlines()
    assert (
        lines[1] == "[2] Pruning with no retraining. In Workshop. n.d. URL: https://openreview.net/forum?id=NoYear3456."
    )
    assert (
        "year"
        not in pybtex.database.parse_file(str(TRICKY / "missing_year.md")).entries["workshop-pruning-retraining"].fields
    )


@pytest.mark.xfail(strict=True, reason="pybtex 0.26's make_bibliography does not pass bib_format on to its parser")
def test_pybtex_bibtex_engine_reads_markdown(tmp_path):
    shutil.copy(PAPERS, tmp_path / "papers.md")
    (tmp_path / "doc.aux").write_text(
        "\\citation{iclr2024-model-tells-discard}\n\\bibstyle{plain}\n\\bibdata{papers}\n", encoding="utf-8"
    )
    subprocess.run([pybtex_command("pybtex"), "-f", "markdown", "doc"], cwd=tmp_path, capture_output=True)
    assert "\\bibitem{iclr2024-model-tells-discard}" in (tmp_path / "doc.bbl").read_text(encoding="utf-8")
