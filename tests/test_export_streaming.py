"""Exporters that write to a stream give the bytes of the text built whole, and files stay atomic."""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import reference_paths as reference
from conftest import FIXTURES, PAPERS, ROOT
from paperbib.atomic import atomic_text_writer
from paperbib.cli import main
from paperbib.diagnostics import Code, Diagnostic, Severity
from paperbib.errors import ExportError
from paperbib.exporters import ExportOptions, ExportResult, csl_json, get_exporter, write_records
from paperbib.model import Location
from paperbib.pipeline import Bibliography, load

BUILT_IN = ["bibtex", "biblatex", "csl-json", "csl-yaml", "ris"]
GENERATED_PAPERS = 300


@pytest.fixture(scope="module")
def generated_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "papers.md"
    generator = str(ROOT / "benchmarks" / "generate.py")
    subprocess.run(
        [sys.executable, generator, "--papers", str(GENERATED_PAPERS), "--seed", "5", "-o", str(path)], check=True
    )
    return path


def _load(path: Path) -> Bibliography:
    return load(str(path), encoding="latin-1" if path.name == "latin1.md" else None)


def _option_sets(bibliography: Bibliography, path: Path) -> list[ExportOptions]:
    # Hand-added fields for the first two papers, which bibtex and biblatex merge as on --update.
    kept = {
        record.key: [("author", "Hand, Added"), ("note", "kept {note}"), ("title", "old title")]
        for record in bibliography.records[:2]
    }
    return [
        ExportOptions(source_name=path.name),
        ExportOptions(source_name=str(path), bib_encoding="utf8", booktitle="short"),
        ExportOptions(source_name=path.name, kept_fields=kept),
    ]


@pytest.mark.parametrize("name", BUILT_IN)
def test_written_text_matches_text_built_whole(name: str, generated_list: Path):
    exporter = get_exporter(name)
    paths = [PAPERS, generated_list, *sorted(FIXTURES.rglob("*.md"))]
    for path in paths:
        bibliography = _load(path)
        for options in _option_sets(bibliography, path):
            expected_text, expected_diagnostics = reference.export_text(name, bibliography.records, options)
            out = io.StringIO()
            diagnostics = exporter.write(bibliography.records, options, out)
            assert diagnostics == expected_diagnostics, path
            result = exporter.export(bibliography.records, options)
            assert result.text == out.getvalue(), path
            assert result.diagnostics == expected_diagnostics, path
            if name == "csl-yaml" and any(ord(character) > 0xFFFF for character in expected_text):
                # libyaml quotes a title with an emoji where PyYAML's own dumper writes it plain.
                assert yaml.safe_load(out.getvalue()) == yaml.safe_load(expected_text), path
                assert "\\U" not in out.getvalue(), path
            else:
                assert out.getvalue() == expected_text, (path, options)


def test_bibtex_findings_come_back_from_write(tmp_path: Path):
    listing = tmp_path / "emoji.md"
    listing.write_text("- [ICLR 2024] Rockets 🚀 in Orbit [[paper](https://openreview.net/forum?id=abc)]\n")
    bibliography = load(str(listing))
    diagnostics = get_exporter("bibtex").write(bibliography.records, ExportOptions(), io.StringIO())
    assert [diagnostic.code for diagnostic in diagnostics] == [Code.UNMAPPED_CHARACTER]
    assert str(diagnostics[0]).startswith(f"{listing}:1: warning:")


@pytest.mark.parametrize("name", BUILT_IN)
def test_cli_file_and_stdout_bytes(name: str, generated_list: Path, tmp_path: Path):
    bibliography = load(str(generated_list))
    options = ExportOptions(source_name=bibliography.source_name)
    expected = reference.export_text(name, bibliography.records, options)[0].encode("utf-8")
    output = tmp_path / "out"
    output.write_bytes(b"old content\n")
    runner = CliRunner()
    to_file = runner.invoke(main, ["export", "-q", "--to", name, str(generated_list), "-o", str(output)])
    assert to_file.exit_code == 0, to_file.output
    assert output.read_bytes() == expected
    assert [path.name for path in tmp_path.iterdir()] == ["out"]
    to_stdout = runner.invoke(main, ["export", "-q", "--to", name, str(generated_list)])
    assert to_stdout.exit_code == 0, to_stdout.output
    assert to_stdout.stdout_bytes == expected


def test_stdout_pipe_gets_the_whole_text(generated_list: Path):
    bibliography = load(str(generated_list))
    options = ExportOptions(source_name=bibliography.source_name)
    expected = reference.export_text("csl-json", bibliography.records, options)[0].encode("utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "paperbib", "export", "--to", "csl-json", str(generated_list), "-o", "-"],
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == expected
    assert f"exported {len(bibliography.records)} entries (" in run.stderr.decode()


def _fail_after(monkeypatch: pytest.MonkeyPatch, folder: Path, items: int, error: Exception) -> list[int]:
    """Make the CSL-JSON exporter raise ``error`` at item ``items``; return the sizes of the temporary files then."""
    real_item = csl_json.csl_item
    sizes: list[int] = []
    count = 0

    def failing_item(record, options=None):  # type: ignore[no-untyped-def]
        nonlocal count
        count += 1
        if count == items:
            sizes.extend(path.stat().st_size for path in folder.iterdir() if path.name.endswith(".tmp"))
            raise error
        return real_item(record, options)

    monkeypatch.setattr(csl_json, "csl_item", failing_item)
    return sizes


@pytest.mark.parametrize(
    "error", [ExportError("papers.md:7: paper-key: cannot be written"), RuntimeError("a bug in an exporter")]
)
def test_failure_mid_stream_keeps_the_old_file(
    error: Exception, generated_list: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    output = tmp_path / "refs.json"
    output.write_bytes(b"old content\n")
    sizes = _fail_after(monkeypatch, tmp_path, 200, error)
    result = CliRunner().invoke(main, ["export", "--to", "csl-json", str(generated_list), "-o", str(output)])
    assert result.exit_code == 1
    # The first 199 items had reached the temporary file: the export did stream.
    assert len(sizes) == 1
    assert sizes[0] > 0
    assert output.read_bytes() == b"old content\n"
    assert [path.name for path in tmp_path.iterdir()] == ["refs.json"]
    if isinstance(error, ExportError):
        assert "papers.md:7: paper-key: cannot be written" in result.output
        assert "exported" not in result.output
    else:
        assert result.exception is error


def test_failure_mid_stream_creates_no_file(generated_list: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    _fail_after(monkeypatch, tmp_path, 50, ExportError("stop"))
    result = CliRunner().invoke(main, ["export", "--to", "csl-json", str(generated_list), "-o", str(tmp_path / "new")])
    assert result.exit_code == 1
    assert list(tmp_path.iterdir()) == []


def test_atomic_text_writer_replaces_only_on_success(tmp_path: Path):
    target = tmp_path / "out.txt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    with pytest.raises(ValueError), atomic_text_writer(str(target)) as stream:
        stream.write("new ü\n" * 10_000)
        stream.flush()
        raise ValueError("stop")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [path.name for path in tmp_path.iterdir()] == ["out.txt"]
    with atomic_text_writer(str(target)) as stream:
        stream.write("new ü\r\n")
    assert target.read_bytes() == "new ü\r\n".encode()
    assert target.stat().st_mode & 0o777 == 0o640


def test_atomic_text_writer_writes_devices_in_place():
    with atomic_text_writer(os.devnull) as stream:
        stream.write("discarded\n")
    assert os.path.exists(os.devnull)


class _ExportOnly:
    """An exporter written for the interface before ``write``: it has ``export`` alone."""

    name = "export-only"
    description = "test exporter"
    suffix = ".txt"
    finding = Diagnostic(Location("list.md", 3), Severity.WARNING, Code.UNMAPPED_CHARACTER, "a finding")

    def export(self, records, options):  # type: ignore[no-untyped-def]
        return ExportResult("".join(f"{record.key}\n" for record in records), [self.finding])


def test_exporter_without_write_is_written_from_its_text(papers: Bibliography):
    out = io.StringIO()
    diagnostics = write_records(_ExportOnly(), papers.records, ExportOptions(), out)
    assert out.getvalue() == "".join(f"{record.key}\n" for record in papers.records)
    assert diagnostics == [_ExportOnly.finding]


def test_temporary_file_name_and_mode(tmp_path: Path):
    from paperbib.atomic import _create_temporary

    handle, name = _create_temporary(str(tmp_path), "out.bib")
    os.close(handle)
    path = Path(name)
    assert path.parent == tmp_path
    assert re.fullmatch(r"\.out\.bib\.[0-9a-f]{12}\.tmp", path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    other, other_name = _create_temporary(str(tmp_path), "out.bib")
    os.close(other)
    assert other_name != name
