"""Built-in exporters write a head, the entries of any slices in order, and a tail, which join to ``write``."""

from __future__ import annotations

import io

import pytest

from conftest import PAPERS, TRICKY
from paperbib.exporters import BUILT_IN, ExportOptions, get_exporter
from paperbib.exporters.parts import can_write_in_parts
from paperbib.model import Record
from paperbib.pipeline import load


@pytest.fixture(scope="module")
def records() -> list[Record]:
    papers = load(str(PAPERS)).records
    findings = load(str(TRICKY / "cjk.md")).records + load(str(TRICKY / "emoji.md")).records
    # More than two csl-yaml batches of 200 items, with papers that have diagnostics at both ends.
    return findings + papers * 4 + findings


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_slices_join_to_whole_text(name: str, records: list[Record]):
    exporter = get_exporter(name)
    assert can_write_in_parts(exporter)
    options = ExportOptions(source_name="papers.md", bib_encoding="latex")
    whole = io.StringIO()
    expected_diagnostics = exporter.write(records, options, whole)
    count = len(records)
    for split in (1, 7, 199, 200, 201, count // 2, count - 1):
        out = io.StringIO()
        exporter.write_head(records, options, out)
        diagnostics = exporter.write_entries(records, 0, split, options, out)
        diagnostics += exporter.write_entries(records, split, count, options, out)
        exporter.write_tail(records, options, out)
        assert out.getvalue() == whole.getvalue(), f"split at {split}"
        assert diagnostics == expected_diagnostics, f"split at {split}"


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_empty_slice_writes_nothing(name: str, records: list[Record]):
    out = io.StringIO()
    assert get_exporter(name).write_entries(records, 5, 5, ExportOptions(), out) == []
    assert out.getvalue() == ""
