"""``paperbib list``: a table of key, venue, year and title."""

from __future__ import annotations

import click

from paperbib.cli.common import input_argument, print_diagnostics, read_options, reported_errors, select_records


@click.command("list")
@input_argument
@read_options
def list_command(
    input_path: str, venues: tuple[str, ...], years: tuple[int, ...], encoding: str | None, quiet: bool
) -> None:
    """List the papers of INPUT (default: papers.md) with their citation keys, one per line.

    Exit status: 0 on success; 1 on a read error or when stdout cannot be written; 2 on a usage
    error; 141 when stdout is a broken pipe, with no message.
    """
    from paperbib.pipeline import load

    with reported_errors():
        bibliography = load(input_path, encoding=encoding)
    print_diagnostics(bibliography.diagnostics, quiet)
    records = select_records(bibliography, venues, years)
    rows = [
        (
            record.key,
            record.venue_info.short if record.venue_info else (record.venue or "-"),
            str(record.year) if record.year is not None else "-",
            record.title,
        )
        for record in records
    ]
    header = ("KEY", "VENUE", "YEAR", "TITLE")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(3)]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3])
