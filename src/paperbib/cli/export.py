"""``paperbib export``: write the papers of a list as BibTeX, CSL-JSON or another installed format."""

from __future__ import annotations

import sys

import click

from paperbib.cli.common import input_argument, print_diagnostics, read_options, reported_errors, write_output


@click.command()
@input_argument
@click.option(
    "--to",
    "format_name",
    default="bibtex",
    show_default=True,
    metavar="FORMAT",
    help="Output format: any installed exporter (bibtex, csl-json, ...). Use --to help to list them.",
)
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE",
    help="Write to FILE (atomically: it is replaced only when the export succeeds). Default: stdout.",
)
@click.option(
    "--bib-encoding",
    type=click.Choice(["latex", "utf8"]),
    default="latex",
    show_default=True,
    help="BibTeX text: latex writes ASCII with LaTeX macros for pdflatex; utf8 keeps Unicode for biber/xelatex.",
)
@click.option(
    "--booktitle",
    type=click.Choice(["long", "short"]),
    default="long",
    show_default=True,
    help="Venue name form: long as DBLP writes it, or short such as 'Proc. ICLR 2024'.",
)
@click.option("--strict", is_flag=True, help="Exit with status 1, writing nothing, if any line was skipped.")
@read_options
def export(
    input_path: str,
    format_name: str,
    output: str | None,
    bib_encoding: str,
    booktitle: str,
    strict: bool,
    venues: tuple[str, ...],
    years: tuple[int, ...],
    encoding: str | None,
    quiet: bool,
) -> None:
    """Export the papers of INPUT (default: papers.md; '-' reads stdin).

    Exit status: 0 on success; 1 on a read or write error, or when lines were skipped under
    --strict; 2 on a usage error.
    """
    from paperbib.exporters import ExportOptions, available, get_exporter
    from paperbib.gc_pause import paused_gc
    from paperbib.pipeline import load
    from paperbib.steps.filters import filter_records

    if format_name == "help":
        for name in available():
            click.echo(f"{name}\t{get_exporter(name).description}")
        return
    try:
        exporter = get_exporter(format_name)
    except KeyError:
        raise click.BadParameter(
            f"unknown format {format_name!r}; installed: {', '.join(available())}", param_hint="--to"
        ) from None
    with reported_errors(), paused_gc():
        bibliography = load(input_path, encoding=encoding)
        print_diagnostics(bibliography.diagnostics, quiet)
        skipped = len(bibliography.skipped)
        if not bibliography.records:
            raise click.ClickException(f"{bibliography.source_name}: no papers found ({skipped} lines skipped)")
        if strict and skipped:
            raise click.ClickException(f"{skipped} lines skipped; nothing written because of --strict")
        records = filter_records(bibliography.records, venues, years)
        options = ExportOptions(source_name=bibliography.source_name, bib_encoding=bib_encoding, booktitle=booktitle)
        result = exporter.export(records, options)
        print_diagnostics(result.diagnostics, quiet)
        write_output(result.text, output)
    destination = f" to {output}" if output and output != "-" else ""
    filtered = len(bibliography.records) - len(records)
    detail = f"{skipped} skipped" + (f", {filtered} filtered out" if filtered else "")
    click.echo(f"exported {len(records)} entries{destination} ({detail})", err=True)
    sys.stdout.flush()
