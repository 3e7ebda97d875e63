"""The end of the paperbib process: status, exit functions and flushed output, without interpreter teardown."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Each script replaces the command with a stand-in and then ends the process through paperbib.cli.run.
_PREFIX = "import atexit, sys\nfrom paperbib import cli\n"


def _run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _PREFIX + script], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("body", "status", "stderr"),
    [
        ("pass", 0, ""),
        ("sys.exit(0)", 0, ""),
        ("sys.exit(None)", 0, ""),
        ("sys.exit(3)", 3, ""),
        ("sys.exit('cannot go on')", 1, "cannot go on\n"),
    ],
)
def test_run_exit_status(body: str, status: int, stderr: str) -> None:
    result = _run(f"def stand_in():\n    {body}\ncli.main = stand_in\ncli.run()\n")
    assert result.returncode == status
    assert result.stderr == stderr


def test_run_flushes_output_and_runs_exit_functions() -> None:
    script = (
        "atexit.register(lambda: print('exit function ran'))\n"
        "cli.main = lambda: sys.stdout.write('buffered, no newline')\n"
        "cli.run()\n"
    )
    result = _run(script)
    assert result.returncode == 0
    assert result.stdout == "buffered, no newlineexit function ran\n"


def test_run_keeps_tracebacks_of_other_errors() -> None:
    result = _run("def broken():\n    raise RuntimeError('a bug')\ncli.main = broken\ncli.run()\n")
    assert result.returncode == 1
    assert "RuntimeError: a bug" in result.stderr
