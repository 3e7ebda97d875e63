"""A terminated export leaves no temporary file and keeps the old output."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from conftest import PAPERS

# Sends the signal to its own process in the middle of writing the BibTeX, after some output.
SCRIPT = """
import os, signal, sys
from paperbib.exporters import bibtex

original = bibtex.BibtexExporter.write

def write(self, records, options, out):
    out.write("% partial output\\n")
    out.flush()
    os.kill(os.getpid(), getattr(signal, sys.argv[3]))
    return original(self, records, options, out)

bibtex.BibtexExporter.write = write
from paperbib.cli import main
main(["export", sys.argv[1], "-o", sys.argv[2]])
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_signal_during_export_cleans_up(tmp_path, name: str) -> None:
    target = tmp_path / "papers.bib"
    target.write_text("old content\n", encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(PAPERS), str(target), name], capture_output=True, text=True
    )
    assert completed.returncode == 128 + getattr(signal, name)
    assert "Traceback" not in completed.stderr
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["papers.bib"]


def test_ignored_hangup_stays_ignored(tmp_path) -> None:
    # Under nohup, SIGHUP is ignored, and paperbib must not turn it back into an exit.
    target = tmp_path / "papers.bib"
    script = "import signal; signal.signal(signal.SIGHUP, signal.SIG_IGN)\n" + SCRIPT
    completed = subprocess.run(
        [sys.executable, "-c", script, str(PAPERS), str(target), "SIGHUP"], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    assert target.read_text(encoding="utf-8").startswith("% partial output\n")
    assert "@inproceedings{iclr2024-model-tells-discard," in target.read_text(encoding="utf-8")


def test_export_with_sigchld_ignored(tmp_path) -> None:
    """A launcher that ignores SIGCHLD passes that on; the kernel then reaps the reading and writing children."""
    from test_fast_paths import _load_generator

    listing = tmp_path / "long.md"
    listing.write_text(_load_generator().generate(5000, seed=3), encoding="utf-8")
    outputs = []
    for name, ignore in (("ignored.bib", True), ("default.bib", False)):
        output = tmp_path / name
        completed = subprocess.run(
            [sys.executable, "-m", "paperbib", "export", "-q", str(listing), "-o", str(output)],
            capture_output=True,
            text=True,
            preexec_fn=(lambda: signal.signal(signal.SIGCHLD, signal.SIG_IGN)) if ignore else None,
            timeout=120,
        )
        assert completed.returncode == 0, completed.stderr
        assert "Traceback" not in completed.stderr
        outputs.append(output.read_text(encoding="utf-8").split("\n", 1)[1])
    assert outputs[0] == outputs[1]
    assert outputs[0].count("\n@") > 4900


@pytest.mark.parametrize("unbuffered", [True, False], ids=["unbuffered", "buffered"])
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_signal_ends_export_blocked_on_full_stdout(name: str, unbuffered: bool, tmp_path) -> None:
    """A reader that stops reading does not hold a terminated export: the unwritten text is dropped."""
    import os
    import time

    from test_export_parts import _generate

    papers = tmp_path / "papers.md"
    papers.write_text(_generate(3000, seed=5), encoding="utf-8")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", "paperbib", "export", "-q", str(papers)],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1" if unbuffered else ""},
    )
    os.close(write_end)
    try:
        # The BibTeX of 3,000 papers is far more than a pipe holds, so the export is blocked by then.
        time.sleep(2)
        process.send_signal(getattr(signal, name))
        assert process.wait(timeout=30) == 128 + getattr(signal, name)
    finally:
        process.kill()
        os.close(read_end)
    assert "Traceback" not in process.stderr.read().decode()
