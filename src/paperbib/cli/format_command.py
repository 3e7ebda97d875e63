"""``paperbib format``: the reference list of a paper list in a CSL or pybtex style."""

from __future__ import annotations

import click

from paperbib.cli.common import (
    check_not_input,
    input_argument,
    print_diagnostics,
    read_options,
    reported_errors,
    write_output,
)
from paperbib.cli.style_option import make_formatter, output_options, resolve_output, style_option
from paperbib.messages import plural


@click.command("format")
@input_argument
@style_option
@output_options
@click.option("--locale", default=None, metavar="LOCALE", help="CSL locale such as en-GB. Default: the style's.")
@read_options
def format_command(
    input_path: str,
    style: str,
    output_format: str | None,
    output: tuple[str, ...],
    legacy_file: str | None,
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

    output_format, output_file = resolve_output(output_format, output, legacy_file)
    check_not_input(input_path, output_file)
    formatter = make_formatter(style, output_format, locale, reference_list=True)
    with reported_errors():
        bibliography = load(input_path, encoding=encoding)
        print_diagnostics(bibliography.diagnostics, quiet)
        if not bibliography.records:
            skipped = len(bibliography.skipped)
            lines = plural(skipped, "line")
            raise click.ClickException(f"{bibliography.source_name}: no papers found ({lines} skipped)")
        records = filter_records(bibliography.records, venues, years)
        formatted = formatter.bibliography(records)
        write_output(formatted.text, output_file)
    destination = f" to {output_file}" if output_file and output_file != "-" else ""
    entries = plural(len(formatted.entries), "entry")
    click.echo(f"formatted {entries} in {formatter.style.style_id}{destination}", err=True)
