from __future__ import annotations

import json
import subprocess

import pytest
import rispy

from conftest import TRICKY
from exports import export_text, inputs, load_input, pandoc_path


def test_ris_first_paper_tags(papers):
    text = export_text("ris", papers)
    first = text.split("ER  - ")[0].splitlines()
    assert first[0] == "TY  - CPAPER"
    assert "T1  - Model Tells You What to Discard: Adaptive KV Cache Compression for LLMs" in first
    assert "PY  - 2024" in first
    assert "UR  - https://iclr.cc/virtual/2024/poster/17575" in first
    assert "N1  - arXiv: 2310.01801" in first
    assert any(line.startswith("T2  - The Twelfth International Conference") for line in first)


@pytest.mark.parametrize("path", inputs(), ids=lambda path: path.name)
def test_rispy_reads_every_record(path):
    bibliography = load_input(path)
    entries = rispy.loads(export_text("ris", bibliography))
    assert len(entries) == len(bibliography.records)
    for entry, record in zip(entries, bibliography.records, strict=True):
        assert entry["primary_title"] == record.title
        assert entry["id"] == record.key
        if record.year is not None:
            assert entry["year"] == str(record.year)


def test_ris_types_and_doi():
    ampersand = rispy.loads(export_text("ris", load_input(TRICKY / "ampersand.md")))
    assert ampersand[0]["doi"] == "10.1109/SP46215.2023.00099"
    preprint, workshop = rispy.loads(export_text("ris", load_input(TRICKY / "missing_year.md")))
    assert preprint["type_of_reference"] == "GEN"
    assert preprint["publisher"] == "arXiv"
    assert workshop["type_of_reference"] == "CPAPER"
    assert workshop["secondary_title"] == "Workshop"
    assert "year" not in workshop


def test_ris_journal_type(papers):
    entries = rispy.loads(export_text("ris", papers))
    kinds = {record.venue_info.kind for record in papers.records}
    types = {entry["type_of_reference"] for entry in entries}
    assert ("JOUR" in types) == ("journal" in kinds)
    assert "CPAPER" in types


@pytest.mark.tools
@pytest.mark.parametrize("path", inputs(), ids=lambda path: path.name)
def test_pandoc_reads_ris(path, tmp_path):
    bibliography = load_input(path)
    ris = tmp_path / "refs.ris"
    ris.write_text(export_text("ris", bibliography), encoding="utf-8")
    run = subprocess.run(
        [pandoc_path(), "-f", "ris", "-t", "csljson", str(ris)], capture_output=True, text=True, check=True
    )
    items = json.loads(run.stdout)
    assert [item["id"] for item in items] == [record.key for record in bibliography.records]
    titles = {item["id"]: item["title"] for item in items}
    for record in bibliography.records:
        assert titles[record.key] == record.title
