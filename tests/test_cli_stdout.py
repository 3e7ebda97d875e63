"""Every command that writes to stdout, run with stdout closed, on a full disk, into a broken pipe, and
with a stdout encoding that cannot hold CJK or emoji."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT

UNICODE = str(FIXTURES / "cli" / "unicode.md")

# Each command writes something to stdout for this input; check writes its PB130 finding there.
COMMANDS = {
    "export": ["export", UNICODE],
    "export --to help": ["export", "--to", "help"],
    "format": ["format", UNICODE, "--style", "ieee"],
    "cite": ["cite", "acl2023-xi-shu-zhu", "-i", UNICODE, "--style", "ieee"],
    "styles": ["styles", "--search", "vancouver"],
    "list": ["list", UNICODE],
    "check": ["check", UNICODE],
    "help": ["--help"],
}


def run(args: list[str], stdout, env: dict | None = None, preexec_fn=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "paperbib", *args],
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
        preexec_fn=preexec_fn,
    )


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.decode("utf-8").splitlines() if line.startswith("Error:")]


def close_stdout() -> None:
    os.close(1)


@pytest.mark.parametrize("name", COMMANDS)
def test_closed_stdout_is_an_error(name):
    result = run(COMMANDS[name], stdout=None, preexec_fn=close_stdout)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert error_lines(result) == ["Error: cannot write to stdout: stdout is closed; the output is lost"]


@pytest.mark.parametrize("name", COMMANDS)
def test_full_disk_stdout_is_an_error(name):
    with open("/dev/full", "wb") as full:
        result = run(COMMANDS[name], stdout=full)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert "Exception ignored" not in stderr
    assert error_lines(result) == ["Error: cannot write to stdout: No space left on device; the output is lost"]


@pytest.mark.parametrize("name", COMMANDS)
def test_broken_pipe_exits_quietly(name):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write, as with a fast `| head -1`
    try:
        result = run(COMMANDS[name], stdout=write_end)
    finally:
        os.close(write_end)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 141, stderr
    assert "Traceback" not in stderr
    assert "Exception ignored" not in stderr
    assert error_lines(result) == []
    # The summary would claim output that never arrived.
    assert "exported" not in stderr
    assert "formatted" not in stderr


def test_export_to_file_with_stdout_closed(tmp_path):
    output = tmp_path / "out.bib"
    result = run(["export", UNICODE, "-o", str(output)], stdout=None, preexec_fn=close_stdout)
    assert result.returncode == 0, result.stderr.decode()
    assert output.read_text(encoding="utf-8").count("@inproceedings{") == 2


@pytest.mark.parametrize("name", [name for name in COMMANDS if name != "styles"])
def test_cp437_stdout_gets_utf8(name):
    result = run(COMMANDS[name], stdout=subprocess.PIPE, env={"PYTHONIOENCODING": "cp437"})
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr
    text = result.stdout.decode("utf-8")
    if name in ("list", "export", "format"):
        assert "稀疏注意力的高效训练" in text
    if name in ("list", "format"):
        assert "🚀 Rocket Pruning" in text
    if name == "check":
        assert "heading '数据集' has no papers" in text
