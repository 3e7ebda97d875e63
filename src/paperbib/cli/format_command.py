"""``paperbib format``: the reference list of a paper list in a CSL or pybtex style."""

from __future__ import annotations

import click

from paperbib.cli.common import input_argument, print_diagnostics, read_options, reported_errors, write_output
from paperbib.cli.style_option import OUTPUT_FORMATS, make_formatter, style_option


@click.command("format")
@input_argument
@style_option
@click.option(
    "--output",
    "output_format",
    type=click.Choice(OUTPUT_FORMATS),
    default="text",
    show_default=True,
    help="Output format. text and html put one entry per line.",
)
@click.option(
    "-o",
    "--file",
    "output_file",
    default=None,
    metavar="FILE",
    help="Write to FILE (atomically: it is replaced only when formatting succeeds). Default: stdout.",
)
@click.option("--locale", default=None, metavar="LOCALE", help="CSL locale such as en-GB. Default: the style's.")
@read_options
def format_command(
    input_path: str,
    style: str,
    output_format: str,
    output_file: str | None,
    locale: str | None,
    venues: tuple[str, ...],
    years: tuple[int, ...],
    encoding: str | None,
    quiet: bool,
) -> None:
    """Format the papers of INPUT (default: papers.md; '-' reads stdin) as a reference list.

    STYLE is a CSL style name (see 'paperbib styles'), an alias such as apa, ieee, chicago,
    harvard, mla, acm, nature or vancouver, a pybtex style (plain, unsrt, alpha, unsrtalpha),
    or the path of a .csl file.

    Exit status: 0 on success; 1 on a read or write error (stdout included); 2 on a usage error
    such as an unknown style; 141 when stdout is a broken pipe, with no message.
    """
    from paperbib.pipeline import load
    from paperbib.steps.filters import filter_records

    formatter = make_formatter(style, output_format, locale)
    with reported_errors():
        bibliography = load(input_path, encoding=encoding)
        print_diagnostics(bibliography.diagnostics, quiet)
        if not bibliography.records:
            skipped = len(bibliography.skipped)
            raise click.ClickException(f"{bibliography.source_name}: no papers found ({skipped} lines skipped)")
        records = filter_records(bibliography.records, venues, years)
        formatted = formatter.bibliography(records)
        write_output(formatted.text, output_file)
    destination = f" to {output_file}" if output_file and output_file != "-" else ""
    click.echo(f"formatted {len(formatted.entries)} entries in {formatter.style.style_id}{destination}", err=True)
