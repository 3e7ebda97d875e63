"""Shared helpers of the benchmark scripts: timed child processes, medians and machine facts."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    """One run of a command: wall-clock and CPU seconds, and the peak resident set size in MB."""

    wall: float
    cpu: float
    peak_mb: float


@dataclass
class Measurement:
    """Several runs of one command, summarised by their medians."""

    name: str
    command: list[str]
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(run.wall for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(run.peak_mb for run in self.runs)

    def summary(self) -> dict[str, object]:
        return {
            "name": self.name,
            "command": " ".join(self.command),
            "runs": [asdict(run) for run in self.runs],
            "median_wall_s": self.wall,
            "median_cpu_s": self.cpu,
            "peak_mb": self.peak_mb,
        }


def run_once(command: list[str], stdout_path: str | None = None) -> Run:
    """Run ``command`` to completion and return its times and peak memory from ``wait4``.

    Raises RuntimeError with the command's stderr when it exits with a non-zero status.
    """
    stdout = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE)
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would mix all children so far.
        stderr = process.stderr.read() if process.stderr else b""
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout_path:
            stdout.close()  # type: ignore[union-attr]
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with status {process.returncode}: {stderr.decode()[-2000:]}")
    # ru_maxrss is in kilobytes on Linux.
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_mb=usage.ru_maxrss / 1024)


def measure(
    name: str, command: list[str], runs: int, stdout_path: str | None = None, warmup: bool = True
) -> Measurement:
    """Run ``command`` ``runs`` times, after one untimed run that warms the file cache when ``warmup``."""
    if warmup:
        run_once(command, stdout_path)
    measurement = Measurement(name, command)
    for _ in range(runs):
        measurement.runs.append(run_once(command, stdout_path))
    return measurement


def tool(name: str) -> str:
    """Return the path of a program installed next to this Python (a console script), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed; run pip install -e '.[test]' in {ROOT}")
    return found


def compile_paperbib() -> int:
    """Byte-compile paperbib's modules, as ``pip install`` does for the packages it installs; return the count.

    pybtex, bibtexparser and citeproc-py were byte-compiled when pip installed them. paperbib, installed
    in editable mode, would otherwise be compiled again by every timed run wherever
    PYTHONDONTWRITEBYTECODE is set, which adds about 30 ms to each of them on the benchmark machine.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("paperbib")
    if spec is None or spec.origin is None:
        raise SystemExit(f"paperbib is not installed; run pip install -e '.[test]' in {ROOT}")
    package = Path(spec.origin).parent
    if not compileall.compile_dir(str(package), quiet=1):
        raise SystemExit(f"cannot byte-compile {package}")
    return len(list(package.rglob("*.py")))


def machine() -> dict[str, object]:
    """Facts about the machine that the figures depend on."""
    cpu_model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpu_model": cpu_model,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(value, 2) for value in load],
    }


def package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def command_line(script: str, argv: list[str] | None) -> str:
    """Return the command that ran ``script``, without the ``--json`` option, which only saves results."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if "--json" in arguments:
        index = arguments.index("--json")
        del arguments[index : index + 2]
    return " ".join(["python", f"benchmarks/{script}", *arguments])


def write_json(path: str | None, data: dict[str, object]) -> None:
    if path:
        Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """Render a Markdown table, which also reads well on a terminal."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
