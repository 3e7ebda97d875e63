"""Benchmark ``paperbib export`` against pybtex-convert and bibtexparser on the same records.

For each list size, the script generates a synthetic list (benchmarks/generate.py), times
``paperbib export`` to BibTeX and to CSL-JSON, then times ``pybtex-convert`` bib->bib and a
bibtexparser 2 parse+write of paperbib's own BibTeX output, which contains the same records. Every
command runs in a child process, once untimed and then ``--runs`` times. The script prints
medians, the ratios of the comparisons to paperbib, the peak resident memory and the growth
from the smallest to the largest size. A separate process times the stages of paperbib
(reading, steps, exporting) to show where the time goes.

Usage::

    python benchmarks/bench_export.py --sizes 10000 100000 --runs 5 --json export.json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import (
    Measurement,
    command_line,
    compile_paperbib,
    format_table,
    machine,
    measure,
    package_version,
    run_once,
    tool,
    write_json,
)

# A bibtexparser 2 round trip: parse the file into a library, write it back as BibTeX text.
BIBTEXPARSER_SCRIPT = """
import sys
import bibtexparser
library = bibtexparser.parse_file(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as handle:
    handle.write(bibtexparser.write_string(library))
"""

# Targets for the export path, checked by the report and printed next to the figures.
TARGET_SECONDS = {10000: 1.0, 100000: 10.0}
TARGET_PEAK_MB = 500
TARGET_GROWTH = 11.0
TARGET_PYBTEX_RATIO = 10.0
TARGET_BIBTEXPARSER_RATIO = 4.0


def stage_times(list_path: Path, runs: int) -> dict[str, float]:
    """Median seconds of each stage of ``paperbib export``, timed in this process.

    The stages run as ``paperbib export`` runs them: the reader with its prepare step (identifiers and
    title facts) and, for a long list, a forked child that reads the last part and then writes its
    entries (it writes them ahead while the steps run). Each format needs a child of its own, so the
    list is read once for each; the reader and the steps are timed on the first read.
    """
    import io

    from paperbib.exporters.base import ExportOptions
    from paperbib.exporters.bibtex import BibtexExporter
    from paperbib.exporters.csl_json import CslJsonExporter
    from paperbib.exporters.parts import entries_writer, write_records_forked
    from paperbib.gc_pause import paused_gc
    from paperbib.pipeline import _prepare, process
    from paperbib.reader.markdown_list import read_markdown
    from paperbib.source import read_source
    from paperbib.steps.title_facts import TitleFacts

    samples: dict[str, list[float]] = {"read file": [], "reader": [], "steps": [], "bibtex": [], "csl-json": []}
    for _ in range(runs):
        for exporter in (BibtexExporter(), CslJsonExporter()):
            with paused_gc():
                start = time.perf_counter()
                source = read_source(str(list_path))
                options = ExportOptions(source_name=source.name)
                read_done = time.perf_counter()
                result = read_markdown(source, prepare=_prepare, follow=entries_writer(exporter, options))
                reader_done = time.perf_counter()
                titles = TitleFacts()
                for part in result.prepared:
                    titles.add(part)
                bibliography = process(result.records, result.diagnostics, copy=False, identified=True, titles=titles)
                steps_done = time.perf_counter()
                write_records_forked(exporter, bibliography.records, options, io.StringIO(), helper=result.helper)
                written = time.perf_counter()
                if result.helper is not None:
                    result.helper.close()
            if exporter.name == "bibtex":
                samples["read file"].append(read_done - start)
                samples["reader"].append(reader_done - read_done)
                samples["steps"].append(steps_done - reader_done)
            samples[exporter.name].append(written - steps_done)
            del source, result, bibliography
            gc.collect()
    return {name: statistics.median(values) for name, values in samples.items()}


def stage_times_in_child(list_path: Path, runs: int) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, __file__, "--stages-of", str(list_path), "--runs", str(runs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def count_entries(bib_path: Path) -> int:
    with open(bib_path, encoding="utf-8") as handle:
        return sum(1 for line in handle if line.startswith("@"))


def bench_size(papers: int, seed: int, runs: int, folder: Path, compare: bool) -> dict[str, object]:
    list_path = folder / f"papers-{papers}.md"
    # The list is generated, and the stages are timed, in child processes: a child's peak memory
    # counts the memory of this process at the moment it was started.
    generator = str(Path(__file__).resolve().parent / "generate.py")
    run_once([sys.executable, generator, "--papers", str(papers), "--seed", str(seed), "-o", str(list_path)])
    bib_path = folder / f"paperbib-{papers}.bib"
    json_path = folder / f"paperbib-{papers}.json"
    paperbib = tool("paperbib")
    measurements: list[Measurement] = [
        measure("paperbib export (bibtex)", [paperbib, "export", "-q", str(list_path), "-o", str(bib_path)], runs),
        measure(
            "paperbib export (csl-json)",
            [paperbib, "export", "-q", "--to", "csl-json", str(list_path), "-o", str(json_path)],
            runs,
        ),
    ]
    entries = count_entries(bib_path)
    if compare:
        measurements.append(
            measure(
                "pybtex-convert bib->bib", [tool("pybtex-convert"), str(bib_path), str(folder / "pybtex.bib")], runs
            )
        )
        measurements.append(
            measure(
                "bibtexparser parse+write",
                [sys.executable, "-c", BIBTEXPARSER_SCRIPT, str(bib_path), str(folder / "bibtexparser.bib")],
                runs,
            )
        )
    return {
        "papers": papers,
        "entries": entries,
        "list_mb": round(list_path.stat().st_size / 1e6, 1),
        "bib_mb": round(bib_path.stat().st_size / 1e6, 1),
        "measurements": [measurement.summary() for measurement in measurements],
        "stages": stage_times_in_child(list_path, runs),
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000], help="List sizes in papers.")
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per command. Default: 5.")
    parser.add_argument(
        "--large-runs",
        type=int,
        default=3,
        help="Timed runs per command for lists of 50,000 papers or more, where pybtex takes minutes. Default: 3.",
    )
    parser.add_argument("--seed", type=int, default=1, help="Seed of the generated lists. Default: 1.")
    parser.add_argument(
        "--no-compare", action="store_true", help="Time paperbib only, without pybtex-convert and bibtexparser."
    )
    parser.add_argument("--json", help="Also write the results to this JSON file.")
    parser.add_argument("--stages-of", metavar="LIST", help="Only print the stage times of LIST as JSON.")
    args = parser.parse_args(argv)
    if args.stages_of:
        print(json.dumps(stage_times(Path(args.stages_of), args.runs)))
        return {}

    results: dict[str, object] = {
        "machine": machine(),
        "compiled_modules": compile_paperbib(),
        "versions": {name: package_version(name) for name in ("paperbib", "pybtex", "bibtexparser")},
        "command": command_line("bench_export.py", argv),
        "runs": args.runs,
        "large_runs": args.large_runs,
        "seed": args.seed,
        "sizes": [],
    }
    with tempfile.TemporaryDirectory(prefix="paperbib-bench-") as folder:
        for papers in args.sizes:
            print(f"measuring {papers} papers ...", file=sys.stderr)
            runs = args.large_runs if papers >= 50000 else args.runs
            results["sizes"].append(bench_size(papers, args.seed, runs, Path(folder), not args.no_compare))
    results["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]
    print(render(results))
    write_json(args.json, results)
    return results


def target_rows(results: dict[str, object]) -> list[list[str]]:
    """Return one row per target: what is measured, the figure, the target and whether it is met.

    Targets are judged on wall-clock medians. Ratios also show the ratio of CPU times, which
    other processes on a busy machine disturb less.
    """
    rows: list[list[str]] = []

    def add(what: str, text: str, target: str, met: bool) -> None:
        rows.append([what, text, target, "met" if met else "missed"])

    sizes: list[dict] = results["sizes"]  # type: ignore[assignment]
    for size in sizes:
        by_name = {item["name"]: item for item in size["measurements"]}
        label = f"{size['papers']:,} papers"
        for exporter in ("bibtex", "csl-json"):
            item = by_name[f"paperbib export ({exporter})"]
            seconds = item["median_wall_s"]
            limit = TARGET_SECONDS.get(size["papers"])
            if limit is not None:
                measured = f"{seconds:.2f} s (CPU time {item['median_cpu_s']:.2f} s)"
                add(f"{label}: export to {exporter}", measured, f"≤ {limit:g} s", seconds <= limit)
            if size["papers"] >= 100000:
                peak = item["peak_mb"]
                add(
                    f"{label}: peak memory, {exporter}",
                    f"{peak:.0f} MB",
                    f"≤ {TARGET_PEAK_MB} MB",
                    peak <= TARGET_PEAK_MB,
                )
            for other, minimum in (
                ("pybtex-convert bib->bib", TARGET_PYBTEX_RATIO),
                ("bibtexparser parse+write", TARGET_BIBTEXPARSER_RATIO),
            ):
                if other in by_name:
                    ratio = by_name[other]["median_wall_s"] / seconds
                    cpu_ratio = by_name[other]["median_cpu_s"] / item["median_cpu_s"]
                    add(
                        f"{label}: {other} / paperbib {exporter}",
                        f"{ratio:.1f}x (CPU time {cpu_ratio:.1f}x)",
                        f"≥ {minimum:g}x",
                        ratio >= minimum,
                    )
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        factor = large["papers"] / small["papers"]
        allowed = TARGET_GROWTH * factor / 10
        for exporter in ("bibtex", "csl-json"):
            name = f"paperbib export ({exporter})"
            before = next(item for item in small["measurements"] if item["name"] == name)
            after = next(item for item in large["measurements"] if item["name"] == name)
            growth = after["median_wall_s"] / before["median_wall_s"]
            cpu_growth = after["median_cpu_s"] / before["median_cpu_s"]
            add(
                f"growth {small['papers']:,} -> {large['papers']:,} papers, {exporter}",
                f"{growth:.1f}x (CPU time {cpu_growth:.1f}x)",
                f"≤ {allowed:g}x",
                growth <= allowed,
            )
    return rows


def render(results: dict[str, object]) -> str:
    """Render the results as Markdown tables: timings with ratios, stage shares and growth."""
    sizes: list[dict] = results["sizes"]  # type: ignore[assignment]
    rows = []
    for size in sizes:
        by_name = {item["name"]: item for item in size["measurements"]}
        reference = by_name["paperbib export (bibtex)"]["median_wall_s"]
        for item in size["measurements"]:
            ratio = item["median_wall_s"] / reference
            rows.append(
                [
                    f"{size['papers']:,}",
                    f"{size['entries']:,}",
                    item["name"],
                    f"{item['median_wall_s']:.2f}",
                    f"{item['median_cpu_s']:.2f}",
                    f"{1e6 * item['median_wall_s'] / size['entries']:.0f}",
                    f"{ratio:.1f}x",
                    f"{item['peak_mb']:.0f}",
                ]
            )
    header = [
        "papers",
        "entries",
        "command",
        "median wall s",
        "median CPU s",
        "µs/entry",
        "vs paperbib bibtex",
        "peak MB",
    ]
    parts = [format_table(header, rows)]

    stage_rows = []
    for size in sizes:
        stages: dict[str, float] = size["stages"]
        total = sum(stages.values())
        stage_rows.append(
            [f"{size['papers']:,}"] + [f"{value:.2f} ({100 * value / total:.0f}%)" for value in stages.values()]
        )
    if sizes:
        stage_header = ["papers", *(f"{name} s" for name in sizes[0]["stages"])]
        parts.append(format_table(stage_header, stage_rows))

    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        growth_rows = []
        small_by_name = {item["name"]: item for item in small["measurements"]}
        for item in large["measurements"]:
            before = small_by_name.get(item["name"])
            if before is None:
                continue
            papers_factor = large["papers"] / small["papers"]
            time_factor = item["median_wall_s"] / before["median_wall_s"]
            growth_rows.append([item["name"], f"{papers_factor:.0f}x", f"{time_factor:.1f}x"])
        parts.append(format_table(["command", "papers", "time"], growth_rows))
    parts.append(format_table(["what", "measured", "target", "result"], target_rows(results)))
    return "\n\n".join(parts)


if __name__ == "__main__":
    main()
