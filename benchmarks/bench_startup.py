"""Benchmark paperbib's start-up: ``paperbib --help`` and ``paperbib export papers.md``.

Each command runs in a child process, once untimed and then ``--runs`` times. The script prints
the medians next to ``python -c pass``, the start-up time that any Python program pays. It then runs
``python -X importtime`` on both commands and lists the modules that take longest to import,
and whether any of the heavy libraries (pylatexenc, anyascii, markdown-it, citeproc-py, pybtex,
bibtexparser) is imported by ``--help``, which needs none of them.

Usage::

    python benchmarks/bench_startup.py --runs 20 --json startup.json
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import ROOT, command_line, compile_paperbib, format_table, machine, measure, tool, write_json

HEAVY_MODULES = ("pylatexenc", "anyascii", "markdown_it", "citeproc", "pybtex", "bibtexparser", "lxml")
TARGETS = {"paperbib --help": 0.2, "paperbib export papers.md": 0.5}


def import_times(command: list[str]) -> dict[str, object]:
    """Run ``command`` under ``-X importtime`` and summarise its imports.

    Returns the total import time in seconds, the ten slowest top-level imports with their
    cumulative seconds, and the heavy modules that were imported.
    """
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", *command], capture_output=True, text=True, check=True
    )
    modules: list[tuple[str, float]] = []
    top_level: list[tuple[str, float]] = []
    for line in completed.stderr.splitlines():
        # "import time: <self us> | <cumulative us> | <two spaces per nesting level><module>"
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative_us, name_field = line.split("|", 2)
        name = name_field[1:]
        seconds = int(cumulative_us) / 1e6
        modules.append((name.strip(), seconds))
        if not name.startswith(" "):
            top_level.append((name, seconds))
    heavy = sorted({name.split(".")[0] for name, _ in modules if name.split(".")[0] in HEAVY_MODULES})
    return {
        "total_s": sum(seconds for _, seconds in top_level),
        "slowest": sorted(top_level, key=lambda item: -item[1])[:10],
        "heavy_imported": heavy,
        "modules": len(modules),
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="Timed runs per command. Default: 20.")
    parser.add_argument("--json", help="Also write the results to this JSON file.")
    args = parser.parse_args(argv)

    paperbib = tool("paperbib")
    papers = str(ROOT / "papers.md")
    with tempfile.TemporaryDirectory(prefix="paperbib-startup-") as folder:
        output = str(Path(folder) / "papers.bib")
        measurements = [
            measure("python -c pass", [sys.executable, "-c", "pass"], args.runs),
            measure("paperbib --help", [paperbib, "--help"], args.runs),
            measure("paperbib export papers.md", [paperbib, "export", "-q", papers, "-o", output], args.runs),
        ]
        imports = {
            "paperbib --help": import_times(["-m", "paperbib", "--help"]),
            "paperbib export papers.md": import_times(["-m", "paperbib", "export", "-q", papers, "-o", output]),
        }
    results: dict[str, object] = {
        "machine": machine(),
        "compiled_modules": compile_paperbib(),
        "command": command_line("bench_startup.py", argv),
        "runs": args.runs,
        "measurements": [measurement.summary() for measurement in measurements],
        "imports": imports,
    }
    results["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]
    print(render(results))
    write_json(args.json, results)
    return results


def render(results: dict[str, object]) -> str:
    rows = []
    for item in results["measurements"]:  # type: ignore[union-attr]
        target = TARGETS.get(item["name"])
        target_text = result_text = "-"
        if target is not None:
            target_text = f"≤ {target} s"
            result_text = "met" if item["median_wall_s"] <= target else "missed"
        rows.append([item["name"], f"{item['median_wall_s']:.3f}", f"{item['peak_mb']:.0f}", target_text, result_text])
    parts = [format_table(["command", "median wall s", "peak MB", "target", "result"], rows)]
    import_rows = []
    for command, summary in results["imports"].items():  # type: ignore[union-attr]
        slowest = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in summary["slowest"][:5])
        heavy = ", ".join(summary["heavy_imported"]) or "none"
        import_rows.append([command, f"{summary['total_s'] * 1000:.0f}", str(summary["modules"]), heavy, slowest])
    parts.append(
        format_table(
            ["command", "import ms (-X importtime)", "modules", "heavy modules imported", "slowest top-level imports"],
            import_rows,
        )
    )
    return "\n\n".join(parts)


if __name__ == "__main__":
    main()
