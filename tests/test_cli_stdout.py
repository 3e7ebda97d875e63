"""Every command that writes to stdout, run with stdout closed, on a full disk, into a broken pipe, and
with a stdout encoding that cannot hold CJK or emoji."""

from __future__ import annotations

import os
import subprocess
import sys
import time

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


def run(
    args: list[str], stdout, env: dict | None = None, preexec_fn=None, program: list[str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*(program or [sys.executable, "-m", "paperbib"]), *args],
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


# Forks whatever the load of the machine, so that a long list is read and written in two processes.
FORCED_FORK = (
    "import sys; from paperbib import forking; forking.core_free = lambda: True; "
    "from paperbib.cli import run; sys.argv = ['paperbib', *sys.argv[1:]]; run()"
)


@pytest.fixture(scope="module")
def long_list(tmp_path_factory: pytest.TempPathFactory) -> str:
    from test_export_parts import _generate

    path = tmp_path_factory.mktemp("long") / "papers.md"
    path.write_text(_generate(3000, seed=5), encoding="utf-8")
    return str(path)


def run_forced(args: list[str], stdout, unbuffered: bool, preexec_fn=None) -> subprocess.CompletedProcess:
    # An empty PYTHONUNBUFFERED counts as unset.
    env = {"PYTHONUNBUFFERED": "1" if unbuffered else ""}
    return run(args, stdout, env, preexec_fn, program=[sys.executable, "-c", FORCED_FORK])


def limit_file_size() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))


@pytest.mark.parametrize("unbuffered", [True, False], ids=["unbuffered", "buffered"])
@pytest.mark.parametrize("command", [["export"], ["export", "--to", "csl-json"], ["format", "--style", "apa"]])
def test_stdout_file_size_limit_reported(command: list[str], unbuffered: bool, long_list: str, tmp_path):
    """A write cut short by the file size limit is reported, also when stdout is unbuffered (python -u)."""
    with open(tmp_path / "out", "wb") as out:
        result = run_forced([*command, long_list], stdout=out, unbuffered=unbuffered, preexec_fn=limit_file_size)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert error_lines(result) == ["Error: cannot write to stdout: File too large; the output is lost"]


@pytest.mark.parametrize("unbuffered", [True, False], ids=["unbuffered", "buffered"])
def test_nonblocking_stdout_gets_every_byte(unbuffered: bool, long_list: str, tmp_path):
    """A non-blocking stdout pipe that is full makes the export wait for its reader, not drop bytes."""
    expected = tmp_path / "expected.bib"
    assert run_forced(["export", long_list, "-o", str(expected)], stdout=None, unbuffered=False).returncode == 0
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    process = subprocess.Popen(
        [sys.executable, "-c", FORCED_FORK, "export", long_list],
        stdout=write_end,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1" if unbuffered else ""},
    )
    os.close(write_end)
    # Let the pipe fill up before reading, so that the export meets a full non-blocking pipe.
    time.sleep(1)
    received = bytearray()
    while chunk := os.read(read_end, 1 << 16):
        received += chunk
    os.close(read_end)
    assert process.wait(timeout=120) == 0
    assert bytes(received) == expected.read_bytes()


class _ShortWrites:
    """A raw stdout that takes at most 5 bytes a write, and none on every third call (a full pipe)."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.calls = 0

    def write(self, view) -> int | None:
        self.calls += 1
        if self.calls % 3 == 0:
            return None
        accepted = bytes(view[:5])
        self.data += accepted
        return len(accepted)

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return sys.__stderr__.fileno()  # always writable, for the wait


def test_write_all_retries_short_writes():
    from paperbib.cli.common import _write_all

    target = _ShortWrites()
    _write_all(target, memoryview(b"0123456789" * 7))
    assert bytes(target.data) == b"0123456789" * 7
