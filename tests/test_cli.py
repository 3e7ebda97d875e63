from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PAPERS, ROOT, TRICKY


def paperbib(*args: str, cwd: Path = ROOT, stdin: bytes | None = None, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "paperbib", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def assert_clean_error(result, *fragments: str, status: int = 1) -> None:
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == status, stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in stderr


def test_export_default_input_to_stdout():
    result = paperbib("export")
    assert result.returncode == 0
    assert result.stdout.decode("ascii").count("@inproceedings{") == 101
    assert "exported 101 entries (0 skipped)" in result.stderr.decode()


def test_export_csl_json_to_file(tmp_path):
    output = tmp_path / "papers.json"
    result = paperbib("export", "papers.md", "--to", "csl-json", "-o", str(output))
    assert result.returncode == 0
    assert len(json.loads(output.read_text(encoding="utf-8"))) == 101
    assert f"exported 101 entries to {output}" in result.stderr.decode()


def test_export_reads_stdin():
    result = paperbib("export", "-", stdin=(TRICKY / "percent.md").read_bytes())
    assert result.returncode == 0
    assert result.stdout.decode().count("@inproceedings{") == 2
    assert "from <stdin>" in result.stdout.decode()


def test_filters():
    result = paperbib("export", "--venue", "iclr", "--venue", "NIPS", "--year", "2024", "--year", "2023")
    text = result.stdout.decode()
    assert text.count("@inproceedings{") == 5 + 3 + 3
    assert "90 filtered out" in result.stderr.decode()


def test_list_table():
    result = paperbib("list", "--year", "2024")
    lines = result.stdout.decode().splitlines()
    assert lines[0].split() == ["KEY", "VENUE", "YEAR", "TITLE"]
    assert len(lines) == 1 + 7
    assert lines[1].split()[:4] == ["iclr2024-model-tells-discard", "ICLR", "2024", "Model"]


def test_version_and_help():
    assert paperbib("--version").stdout.decode().startswith("paperbib, version ")
    for command in ([], ["export"], ["list"]):
        result = paperbib(*command, "--help")
        assert result.returncode == 0
        assert "Usage:" in result.stdout.decode()


def test_to_help_lists_exporters():
    lines = paperbib("export", "--to", "help").stdout.decode().splitlines()
    names = [line.split("\t")[0] for line in lines]
    assert "bibtex" in names
    assert "csl-json" in names


def test_unknown_format_is_a_usage_error():
    assert_clean_error(paperbib("export", "--to", "docx"), "unknown format 'docx'", "bibtex", status=2)


def test_missing_file(tmp_path):
    assert_clean_error(paperbib("export", str(tmp_path / "none.md")), "none.md: file not found")


def test_directory_input(tmp_path):
    assert_clean_error(paperbib("export", str(tmp_path)), "is a directory")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    assert_clean_error(paperbib("export", str(path)), "empty.md: file is empty")


def test_file_without_papers(tmp_path):
    path = tmp_path / "prose.md"
    path.write_text("# Notes\n\nNothing to cite here.\n- [Intro](#intro)\n", encoding="utf-8")
    assert_clean_error(paperbib("export", str(path)), "prose.md: no papers found")


def test_latin1_input_error_and_encoding_option(tmp_path):
    output = tmp_path / "out.bib"
    result = paperbib("export", str(TRICKY / "latin1.md"), "-o", str(output))
    assert_clean_error(result, "latin1.md:4: invalid utf-8 byte 0xdc at byte offset 154", "--encoding")
    assert not output.exists()
    result = paperbib("export", str(TRICKY / "latin1.md"), "--encoding", "latin-1", "-o", str(output))
    assert result.returncode == 0
    assert r"{\"U}ber-Fast R{\'e}seaux for Caf{\'e} Cameras" in output.read_text(encoding="utf-8")


def test_default_encoding_ignores_locale(tmp_path):
    result = paperbib("export", str(TRICKY / "greek.md"), env={"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": ""})
    assert result.returncode == 0
    assert b"$\\Delta$" in result.stdout


def test_broken_link_reported_and_strict(tmp_path):
    path = tmp_path / "broken.md"
    path.write_text(
        "# 2024\n## ICLR-2024\n- Good [[paper](https://a.org)]\n- Bad [[paper](https://a.org/x\n",
        encoding="utf-8",
    )
    result = paperbib("export", str(path))
    assert result.returncode == 0
    stderr = result.stderr.decode()
    assert f"{path}:4: error: skipped: broken link" in stderr
    assert "(1 skipped)" in stderr
    output = tmp_path / "out.bib"
    output.write_text("old content\n", encoding="utf-8")
    strict = paperbib("export", str(path), "--strict", "-o", str(output))
    assert_clean_error(strict, "1 line skipped; nothing written because of --strict")
    assert output.read_text(encoding="utf-8") == "old content\n"


def test_existing_output_untouched_on_read_error(tmp_path):
    output = tmp_path / "refs.bib"
    output.write_text("precious\n", encoding="utf-8")
    result = paperbib("export", str(TRICKY / "latin1.md"), "-o", str(output))
    assert result.returncode == 1
    assert output.read_text(encoding="utf-8") == "precious\n"


def test_output_into_missing_folder(tmp_path):
    result = paperbib("export", "-o", str(tmp_path / "nope" / "refs.bib"))
    assert_clean_error(result, "cannot write", "does not exist")


def test_atomic_write_keeps_mode_and_leaves_no_temporary(tmp_path):
    output = tmp_path / "refs.bib"
    output.write_text("old\n", encoding="utf-8")
    output.chmod(0o640)
    result = paperbib("export", "-o", str(output))
    assert result.returncode == 0
    assert output.stat().st_mode & 0o777 == 0o640
    assert [path.name for path in tmp_path.iterdir()] == ["refs.bib"]


def test_warnings_name_file_and_line(tmp_path):
    result = paperbib("export", str(TRICKY / "ampersand.md"))
    assert f"{TRICKY / 'ampersand.md'}:4: warning: venue 'S&P' is not in the venue catalogue" in result.stderr.decode()
    quiet = paperbib("export", str(TRICKY / "ampersand.md"), "--quiet")
    assert "warning" not in quiet.stderr.decode()


def test_non_utf8_stdout_does_not_crash():
    result = paperbib("export", str(TRICKY / "cjk.md"), "--to", "csl-json", env={"PYTHONIOENCODING": "cp437"})
    assert result.returncode == 0
    assert "大语言模型".encode() in result.stdout


@pytest.mark.parametrize("flag", ["--year", "--venue"])
def test_option_without_value_is_usage_error(flag):
    assert_clean_error(paperbib("export", flag), "requires an argument", status=2)


def test_bad_year_is_usage_error():
    assert_clean_error(paperbib("export", "--year", "twenty"), "Invalid value for '--year'", status=2)


def test_papers_path_is_real():
    assert PAPERS.exists()


def test_output_may_not_be_the_input(tmp_path):
    path = tmp_path / "list.md"
    path.write_bytes((TRICKY / "percent.md").read_bytes())
    result = paperbib("export", str(path), "-o", str(tmp_path / "." / "list.md"))
    assert_clean_error(result, "is the input list itself", status=2)
    assert path.read_bytes() == (TRICKY / "percent.md").read_bytes()


def test_output_through_symlink_writes_target(tmp_path):
    target = tmp_path / "target.bib"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.bib"
    link.symlink_to(target)
    assert paperbib("export", "-o", str(link)).returncode == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").count("@inproceedings{") == 101


def test_output_to_fifo_and_device(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    assert paperbib("export", "-o", str(fifo)).returncode == 0
    assert reader.communicate(timeout=60)[0].count(b"@inproceedings{") == 101
    assert fifo.is_fifo()
    assert paperbib("export", "-o", os.devnull).returncode == 0
    assert Path(os.devnull).is_char_device()


def test_venue_typo_writes_nothing(tmp_path):
    output = tmp_path / "mine.bib"
    output.write_text("precious\n", encoding="utf-8")
    result = paperbib("export", "--venue", "icrl", "-o", str(output))
    assert_clean_error(result, "--venue 'icrl' matches no paper; did you mean", "iclr", "nothing written")
    assert output.read_text(encoding="utf-8") == "precious\n"


def test_invalid_url_is_a_warning_not_a_skip(tmp_path):
    path = tmp_path / "ftp.md"
    path.write_text("# 2021\n## ICML-2021\n- Good Paper [[paper](https://x.org/g)] [[code](ftp://x.org/c)]\n")
    result = paperbib("export", str(path), "--strict")
    assert result.returncode == 0
    stderr = result.stderr.decode()
    assert "exported 1 entry (0 skipped)" in stderr
    assert "invalid URL 'ftp://x.org/c'" in stderr


def test_unknown_encoding_is_usage_error():
    assert_clean_error(paperbib("export", "--encoding", "no-such-codec"), "unknown encoding 'no-such-codec'", status=2)


def test_list_without_papers_says_so(tmp_path):
    path = tmp_path / "prose.md"
    path.write_text("# Notes\n\nNothing to cite.\n", encoding="utf-8")
    assert_clean_error(paperbib("list", str(path)), "prose.md: no papers found")


def test_bad_key_map_path_leaves_bib_untouched(tmp_path):
    output = tmp_path / "refs.bib"
    assert paperbib("export", "-o", str(output)).returncode == 0
    before = output.read_bytes()
    changed = tmp_path / "changed.md"
    changed.write_text(PAPERS.read_text(encoding="utf-8").replace("- Language Modeling Is Compression", "- X"))
    result = paperbib(
        "export", str(changed), "--update", "-o", str(output), "--key-map", str(tmp_path / "missing" / "k.tsv")
    )
    assert_clean_error(result, "k.tsv: cannot write", "does not exist")
    assert output.read_bytes() == before
