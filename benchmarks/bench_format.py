"""Benchmark formatting a reference list: paperbib against stock citeproc-py and pandoc's citeproc.

The script builds ``--papers`` records with one to five authors each (benchmarks/generate.py),
writes them as CSL-JSON with paperbib's exporter, and times, each in a child process from start
to finish:

- paperbib's Formatter with its cached CSL engine (the default), which computes the sort keys,
  the disambiguation citations and the entries of the second half of a long list in forked
  child processes;
- the same without the child process, to show what the second core adds;
- the same Formatter without the caches (``fast=False``), paperbib's unoptimised path;
- stock citeproc-py, given the CSL-JSON and the same .csl file, with its plain-text formatter;
- pandoc 3 (from pypandoc-binary) with ``--citeproc`` on the same CSL-JSON and .csl file.

Each command runs once untimed and then ``--runs`` times; the script prints medians, the ratio
of each command to paperbib, and checks that paperbib's two paths wrote identical text.

Usage::

    python benchmarks/bench_format.py --papers 1000 --style apa --runs 3 --json format.json
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
from pathlib import Path

from generate import records_with_authors
from measure import (
    Measurement,
    command_line,
    compile_paperbib,
    format_table,
    machine,
    measure,
    package_version,
    write_json,
)

TARGET_SECONDS = 1.5

# Formats pickled records with paperbib's Formatter; argv: records, style, output, and "fast",
# "one-process" (the cached engine without a second process) or "plain" (no caches).
PAPERBIB_SCRIPT = """
import pickle, sys
from paperbib.formatting import Formatter, two_cores
with open(sys.argv[1], "rb") as handle:
    records = pickle.load(handle)
if sys.argv[4] == "one-process":
    two_cores.PARALLEL_MIN_ITEMS = len(records) + 1
formatter = Formatter(sys.argv[2], fast=sys.argv[4] != "plain")
text = formatter.bibliography(records).text
with open(sys.argv[3], "w", encoding="utf-8") as handle:
    handle.write(text)
"""

# Formats CSL-JSON with citeproc-py as its documentation shows; argv: items, .csl file, output.
CITEPROC_SCRIPT = """
import json, sys, warnings
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
warnings.simplefilter("ignore")
with open(sys.argv[1], encoding="utf-8") as handle:
    items = json.load(handle)
style = CitationStylesStyle(sys.argv[2], validate=False)
bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
for item in items:
    bibliography.register(Citation([CitationItem(item["id"])]))
bibliography.sort()
with open(sys.argv[3], "w", encoding="utf-8") as handle:
    handle.write("\\n".join(str(entry) for entry in bibliography.bibliography()) + "\\n")
"""


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=1000, help="Number of references. Default: 1000.")
    parser.add_argument("--style", default="apa", help="CSL style id. Default: apa.")
    parser.add_argument("--runs", type=int, default=3, help="Timed runs per command. Default: 3.")
    parser.add_argument("--seed", type=int, default=1, help="Seed of the generated records. Default: 1.")
    parser.add_argument("--json", help="Also write the results to this JSON file.")
    args = parser.parse_args(argv)

    from paperbib.exporters.base import ExportOptions
    from paperbib.exporters.csl_json import CslJsonExporter
    from paperbib.formatting.styles import resolve_style

    # A few more papers than requested, because the steps merge the generator's repeated papers.
    records = records_with_authors(args.papers + args.papers // 20 + 10, args.seed)[: args.papers]
    style_path = resolve_style(args.style).path
    pandoc = pandoc_path()
    with tempfile.TemporaryDirectory(prefix="paperbib-format-") as scratch:
        folder = Path(scratch)
        records_path = folder / "records.pickle"
        records_path.write_bytes(pickle.dumps(records))
        items_path = folder / "items.json"
        items_path.write_text(CslJsonExporter().export(records, ExportOptions()).text, encoding="utf-8")
        document_path = folder / "cite-all.md"
        document_path.write_text("---\nnocite: '@*'\n---\n", encoding="utf-8")
        fast_output, plain_output = folder / "fast.txt", folder / "plain.txt"
        python = sys.executable
        measurements: list[Measurement] = [
            measure(
                "paperbib (cached engine)",
                [python, "-c", PAPERBIB_SCRIPT, str(records_path), args.style, str(fast_output), "fast"],
                args.runs,
            ),
            measure(
                "paperbib (cached engine, one process)",
                [python, "-c", PAPERBIB_SCRIPT, str(records_path), args.style, str(folder / "one.txt"), "one-process"],
                args.runs,
            ),
            measure(
                "paperbib without caches",
                [python, "-c", PAPERBIB_SCRIPT, str(records_path), args.style, str(plain_output), "plain"],
                args.runs,
            ),
            measure(
                "stock citeproc-py",
                [python, "-c", CITEPROC_SCRIPT, str(items_path), str(style_path), str(folder / "citeproc.txt")],
                args.runs,
            ),
            measure(
                "pandoc --citeproc",
                [
                    pandoc,
                    "--citeproc",
                    "--csl",
                    str(style_path),
                    "--bibliography",
                    str(items_path),
                    "--from",
                    "markdown",
                    "--to",
                    "plain",
                    "--wrap",
                    "none",
                    "-o",
                    str(folder / "pandoc.txt"),
                    str(document_path),
                ],
                args.runs,
            ),
        ]
        plain_text = plain_output.read_text(encoding="utf-8")
        identical = (
            fast_output.read_text(encoding="utf-8") == plain_text == (folder / "one.txt").read_text(encoding="utf-8")
        )
        entries = {
            name: len([line for line in (folder / name).read_text(encoding="utf-8").split("\n") if line.strip()])
            for name in ("fast.txt", "citeproc.txt", "pandoc.txt")
        }
    results: dict[str, object] = {
        "machine": machine(),
        "compiled_modules": compile_paperbib(),
        "versions": {
            "paperbib": package_version("paperbib"),
            "citeproc-py": package_version("citeproc-py"),
            "pandoc": pandoc_version(pandoc),
        },
        "command": command_line("bench_format.py", argv),
        "papers": len(records),
        "style": args.style,
        "runs": args.runs,
        "seed": args.seed,
        "cached_output_identical": identical,
        "non_empty_output_lines": entries,
        "measurements": [measurement.summary() for measurement in measurements],
        "load_average_at_end": [round(value, 2) for value in os.getloadavg()],
    }
    print(render(results))
    write_json(args.json, results)
    return results


def pandoc_version(pandoc: str) -> str:
    import subprocess

    completed = subprocess.run([pandoc, "--version"], capture_output=True, text=True, check=True)
    return completed.stdout.splitlines()[0].removeprefix("pandoc ").strip()


def render(results: dict[str, object]) -> str:
    """Render the timings, ratios to paperbib and the target as Markdown tables."""
    measurements: list[dict] = results["measurements"]  # type: ignore[assignment]
    reference = measurements[0]
    rows = []
    for item in measurements:
        rows.append(
            [
                item["name"],
                f"{item['median_wall_s']:.2f}",
                f"{item['median_cpu_s']:.2f}",
                f"{item['median_wall_s'] / reference['median_wall_s']:.1f}x",
                f"{item['peak_mb']:.0f}",
            ]
        )
    header = [
        f"{results['papers']:,} references in {results['style']}",
        "median wall s",
        "median CPU s",
        "vs paperbib",
        "peak MB",
    ]
    seconds = reference["median_wall_s"]
    target = [
        [
            "end to end, paperbib",
            f"{seconds:.2f} s (CPU time {reference['median_cpu_s']:.2f} s)",
            f"≤ {TARGET_SECONDS} s",
            "met" if seconds <= TARGET_SECONDS else "missed",
        ],
        [
            "cached engine output = uncached output",
            "identical" if results["cached_output_identical"] else "different",
            "identical",
            "met" if results["cached_output_identical"] else "missed",
        ],
    ]
    lines = results.get("non_empty_output_lines", {})
    written = ", ".join(f"{name.removesuffix('.txt')} {count}" for name, count in lines.items())  # type: ignore[union-attr]
    table = format_table(header, rows) + "\n\n" + format_table(["what", "measured", "target", "result"], target)
    return table + f"\n\nNon-empty output lines (one per entry for paperbib and citeproc-py): {written}."


if __name__ == "__main__":
    main()
