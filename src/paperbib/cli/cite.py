"""``paperbib cite``: the in-text citation of some keys, numbered as in the reference list."""

from __future__ import annotations

import click

from paperbib.cli.common import (
    DEFAULT_INPUT,
    check_not_input,
    print_diagnostics,
    read_options,
    reported_errors,
    write_output,
)
from paperbib.cli.style_option import make_formatter, output_options, resolve_output, style_option


@click.command()
@click.argument("keys", nargs=-1, required=True, metavar="KEY...")
@click.option(
    "-i",
    "--input",
    "input_path",
    default=DEFAULT_INPUT,
    show_default=True,
    metavar="INPUT",
    help="The paper list whose keys are cited ('-' reads stdin).",
)
@style_option
@output_options
@click.option("--locale", default=None, metavar="LOCALE", help="CSL locale such as en-GB. Default: the style's.")
@read_options
def cite(
    keys: tuple[str, ...],
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
    """Print the in-text citation of KEY... (see 'paperbib list' for the keys), e.g. [1], [3].

    Numbers and year suffixes are those of 'paperbib format' with the same INPUT, style and filters.

    Exit status: 0 on success; 1 on a read error or when stdout cannot be written; 2 on a usage error
    such as an unknown key or style; 141 when stdout is a broken pipe, with no message.
    """
    from paperbib.formatting import UnknownKeyError
    from paperbib.pipeline import load
    from paperbib.steps.filters import filter_records

    output_format, output_file = resolve_output(output_format, output, legacy_file)
    check_not_input(input_path, output_file)
    formatter = make_formatter(style, output_format, locale)
    with reported_errors():
        bibliography = load(input_path, encoding=encoding)
        print_diagnostics(bibliography.diagnostics, quiet)
        records = filter_records(bibliography.records, venues, years)
        try:
            citation = formatter.citation(records, keys)
        except UnknownKeyError as error:
            hint = f"; closest keys: {', '.join(error.suggestions)}" if error.suggestions else ""
            raise click.BadParameter(
                f"no paper in {bibliography.source_name} has the key {error.key!r}{hint}", param_hint="KEY"
            ) from None
        write_output(citation + "\n", output_file)
