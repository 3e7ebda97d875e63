"""An export written in two processes gives the bytes and diagnostics of one process."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import logging
import os
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import PAPERS, ROOT, TRICKY
from paperbib import forking
from paperbib.cli import main
from paperbib.diagnostics import Diagnostic
from paperbib.errors import ExportError
from paperbib.exporters import BUILT_IN, ExportOptions, get_exporter, parts, write_records
from paperbib.model import Record
from paperbib.pipeline import load

pytestmark = pytest.mark.skipif(not forking.can_fork(), reason="writing in two processes needs Linux and two cores")

GENERATED_PAPERS = 600
# Low enough that the generated list forks, so that the tests stay fast.
TEST_FORK_MIN_RECORDS = 100


def _generate(papers: int, seed: int) -> str:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses looks the module up in sys.modules while the module runs.
    sys.modules.setdefault("generate", module)
    spec.loader.exec_module(module)
    text: str = module.generate(papers, seed)
    return text


@pytest.fixture(scope="module")
def generated_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "papers.md"
    path.write_text(_generate(GENERATED_PAPERS, seed=7), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def mixed_records(generated_list: Path) -> list[Record]:
    """Generated records with the CJK and emoji papers, which have diagnostics, in both halves."""
    records = load(str(generated_list)).records
    findings = load(str(TRICKY / "cjk.md")).records + load(str(TRICKY / "emoji.md")).records
    middle = len(records) // 2
    return findings + records[:middle] + findings + records[middle:] + findings


@pytest.fixture
def fork_small_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork for the generated list, also while other processes keep every core busy."""
    monkeypatch.setattr(parts, "FORK_MIN_RECORDS", TEST_FORK_MIN_RECORDS)
    monkeypatch.setattr(forking, "core_free", lambda: True)


@pytest.fixture
def fork_calls(started_children: list[bool]) -> list[bool]:
    """The children that forking.start starts (see conftest.started_children)."""
    return started_children


def _option_sets(records: list[Record]) -> list[ExportOptions]:
    # Hand-added fields on papers of both halves, which bibtex and biblatex merge as on --update.
    kept_fields = {
        record.key: [("author", "Hand, Added"), ("note", "kept {note}")]
        for record in (records[5], records[len(records) - 5])
    }
    return [
        ExportOptions(source_name="papers.md"),
        ExportOptions(source_name="lists/papers.md", bib_encoding="utf8", booktitle="short"),
        ExportOptions(source_name="papers.md", kept_fields=kept_fields),
    ]


def _one_process(name: str, records: list[Record], options: ExportOptions) -> tuple[bytes, list[Diagnostic]]:
    out = io.StringIO()
    diagnostics = write_records(get_exporter(name), records, options, out)
    return out.getvalue().encode("utf-8"), diagnostics


def _two_processes_to_file(
    name: str, records: list[Record], options: ExportOptions, path: Path
) -> tuple[bytes, list[Diagnostic]]:
    with path.open("w", encoding="utf-8", newline="") as out:
        diagnostics = parts.write_records_forked(get_exporter(name), records, options, out)
    return path.read_bytes(), diagnostics


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_two_processes_write_same_bytes(
    name: str, mixed_records: list[Record], tmp_path: Path, fork_small_lists: None, fork_calls: list[int]
):
    for options in _option_sets(mixed_records):
        expected_bytes, expected_diagnostics = _one_process(name, mixed_records, options)
        written, diagnostics = _two_processes_to_file(name, mixed_records, options, tmp_path / "out")
        assert written == expected_bytes
        assert diagnostics == expected_diagnostics
    assert len(fork_calls) == 3


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_rounds_write_same_bytes(
    name: str,
    mixed_records: list[Record],
    tmp_path: Path,
    fork_small_lists: None,
    fork_calls: list[int],
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(parts, "ROUND_MAX_RECORDS", 250)
    options = ExportOptions(source_name="papers.md")
    expected_bytes, expected_diagnostics = _one_process(name, mixed_records, options)
    written, diagnostics = _two_processes_to_file(name, mixed_records, options, tmp_path / "out")
    assert written == expected_bytes
    assert diagnostics == expected_diagnostics
    assert len(fork_calls) == -(-len(mixed_records) // 250)


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_two_processes_to_text_stream(
    name: str, mixed_records: list[Record], fork_small_lists: None, fork_calls: list[int]
):
    """A stream without a binary buffer under it gets the child's text decoded."""
    options = ExportOptions(source_name="papers.md")
    expected_bytes, expected_diagnostics = _one_process(name, mixed_records, options)
    out = io.StringIO()
    diagnostics = parts.write_records_forked(get_exporter(name), mixed_records, options, out)
    assert out.getvalue().encode("utf-8") == expected_bytes
    assert diagnostics == expected_diagnostics
    assert len(fork_calls) == 1


def test_both_halves_have_diagnostics(mixed_records: list[Record]):
    """The equality tests above compare diagnostics that the child found too."""
    middle = len(mixed_records) // 2
    _, first_half = _one_process("bibtex", mixed_records[:middle], ExportOptions())
    _, whole = _one_process("bibtex", mixed_records, ExportOptions())
    assert len(first_half) > 0
    assert len(whole) > len(first_half)


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_failed_child_part_written_here(
    name: str, mixed_records: list[Record], tmp_path: Path, fork_small_lists: None, child_writer_fails: None
):
    options = ExportOptions(source_name="papers.md", bib_encoding="latex")
    expected_bytes, expected_diagnostics = _one_process(name, mixed_records, options)
    written, diagnostics = _two_processes_to_file(name, mixed_records, options, tmp_path / "out")
    assert written == expected_bytes
    assert diagnostics == expected_diagnostics


class _CallWithoutResult:
    """A forked call whose child failed: ``result`` returns None."""

    def result(self) -> bytes | None:
        return None

    def cancel(self) -> None:
        pass


def test_child_without_result_logged(
    mixed_records: list[Record],
    tmp_path: Path,
    fork_small_lists: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
):
    monkeypatch.setattr(forking, "start", lambda function: _CallWithoutResult())
    options = ExportOptions(source_name="papers.md")
    expected_bytes, expected_diagnostics = _one_process("bibtex", mixed_records, options)
    with caplog.at_level(logging.DEBUG, logger=parts.__name__):
        written, diagnostics = _two_processes_to_file("bibtex", mixed_records, options, tmp_path / "out.bib")
    assert written == expected_bytes
    assert diagnostics == expected_diagnostics
    assert [record.levelno for record in caplog.records] == [logging.DEBUG]
    # The child's share starts past the middle and ends at the last record.
    (first,) = re.findall(rf"writing records (\d+) to {len(mixed_records)} in this process", caplog.text)
    assert len(mixed_records) // 2 <= int(first) < len(mixed_records) * 3 // 4


@pytest.mark.parametrize("half", ["first", "second"])
def test_unbalanced_braces_raise_same_error(
    half: str, mixed_records: list[Record], tmp_path: Path, fork_small_lists: None
):
    records = list(mixed_records)
    position = 10 if half == "first" else len(records) - 10
    records[position] = dataclasses.replace(records[position], title="Sets $\\{x \\mid x > 0$ of papers")
    with pytest.raises(ExportError) as one_process:
        _one_process("bibtex", records, ExportOptions())
    with pytest.raises(ExportError) as two_processes:
        _two_processes_to_file("bibtex", records, ExportOptions(), tmp_path / "out.bib")
    assert str(two_processes.value) == str(one_process.value)
    assert "unbalanced braces" in str(one_process.value)


class _ExportOnly:
    """A plugin exporter with ``export`` alone."""

    name = "export-only"
    description = "keys, one per line"
    suffix = ".txt"

    def export(self, records: list[Record], options: ExportOptions) -> object:
        from paperbib.exporters import ExportResult

        return ExportResult("".join(f"{record.key}\n" for record in records))


def test_exporter_without_parts_not_forked(mixed_records: list[Record], fork_small_lists: None, fork_calls: list[int]):
    out = io.StringIO()
    parts.write_records_forked(_ExportOnly(), mixed_records, ExportOptions(), out)  # type: ignore[arg-type]
    assert out.getvalue() == "".join(f"{record.key}\n" for record in mixed_records)
    assert fork_calls == []


def test_busy_cores_not_forked(
    mixed_records: list[Record], fork_small_lists: None, fork_calls: list[int], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(forking, "core_free", lambda: False)
    options = ExportOptions(source_name="papers.md")
    expected_bytes, expected_diagnostics = _one_process("csl-json", mixed_records, options)
    out = io.StringIO()
    diagnostics = parts.write_records_forked(get_exporter("csl-json"), mixed_records, options, out)
    assert out.getvalue().encode("utf-8") == expected_bytes
    assert diagnostics == expected_diagnostics
    assert fork_calls == []


@pytest.mark.parametrize(
    ("running", "free"),
    [(1, True), (len(os.sched_getaffinity(0)) - 1, True), (len(os.sched_getaffinity(0)), False), (40, False)],
)
def test_core_free_reads_running_count(running: int, free: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    loadavg = tmp_path / "loadavg"
    loadavg.write_text(f"1.52 1.71 1.79 {running}/93 16925\n", encoding="ascii")
    monkeypatch.setattr(forking, "LOADAVG", str(loadavg))
    assert forking.core_free() is free


@pytest.mark.parametrize("content", [None, "", "1.52 1.71 1.79\n", "1.52 1.71 1.79 many/93 16925\n"])
def test_core_free_without_load_figures(content: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    loadavg = tmp_path / "loadavg"
    if content is not None:
        loadavg.write_text(content, encoding="ascii")
    monkeypatch.setattr(forking, "LOADAVG", str(loadavg))
    assert forking.core_free() is True


def test_small_list_not_forked(tmp_path: Path, fork_calls: list[int]):
    papers = load(str(PAPERS))
    assert len(papers.records) < parts.FORK_MIN_RECORDS
    result = CliRunner().invoke(main, ["export", "-q", str(PAPERS), "-o", str(tmp_path / "out.bib")])
    assert result.exit_code == 0, result.output
    assert fork_calls == []


def _run_cli(arguments: list[str]) -> str:
    result = CliRunner().invoke(main, arguments, catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout + "\n--- stderr ---\n" + result.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        ["--to", "csl-json"],
        ["--to", "csl-yaml", "--year", "2023", "--year", "2024"],
        ["--to", "bibtex", "--venue", "ICLR", "--venue", "NeurIPS", "--venue", "arXiv"],
        ["--to", "ris"],
    ],
    ids=["csl-json", "csl-yaml-years", "bibtex-venues", "ris"],
)
def test_cli_stdout_same_when_forked(
    arguments: list[str],
    generated_list: Path,
    fork_small_lists: None,
    fork_calls: list[int],
    monkeypatch: pytest.MonkeyPatch,
):
    forked = _run_cli(["export", str(generated_list), *arguments])
    assert len(fork_calls) == 1
    monkeypatch.setattr(forking, "can_fork", lambda: False)
    assert forked == _run_cli(["export", str(generated_list), *arguments])
    assert len(fork_calls) == 1


@pytest.mark.parametrize("name", ["bibtex", "biblatex"])
def test_cli_update_same_when_forked(
    name: str,
    generated_list: Path,
    tmp_path: Path,
    fork_small_lists: None,
    fork_calls: list[int],
    monkeypatch: pytest.MonkeyPatch,
):
    earlier = tmp_path / "earlier.bib"
    _run_cli(["export", "--to", name, str(generated_list), "-o", str(earlier)])
    text = earlier.read_text(encoding="utf-8")
    # Hand-added fields in entries of both halves, which --update keeps.
    entries = text.split("\n@")
    for index in (3, len(entries) - 3):
        head, _, rest = entries[index].partition(",\n")
        entries[index] = head + ",\n  pages = {1--9},\n  author = {Hand, Added},\n" + rest
    text = "\n@".join(entries)
    outputs = []
    for forking_allowed in (True, False):
        output = tmp_path / f"updated-{forking_allowed}.bib"
        output.write_text(text, encoding="utf-8")
        if not forking_allowed:
            monkeypatch.setattr(forking, "can_fork", lambda: False)
        report = _run_cli(["export", "--to", name, "--update", str(generated_list), "-o", str(output)])
        outputs.append((output.read_bytes(), report.replace(str(output), "OUTPUT")))
    assert len(fork_calls) == 2  # the earlier file and the first update
    assert outputs[0] == outputs[1]
    assert b"author = {Hand, Added}" in outputs[0][0]
