"""``paperbib export``: write the papers of a list as BibTeX, CSL-JSON or another installed format."""

from __future__ import annotations

import sys
from contextlib import closing
from typing import TYPE_CHECKING

import click

from paperbib.cli.common import (
    check_file_name,
    check_not_input,
    input_argument,
    open_output,
    output_file_option,
    print_diagnostics,
    read_options,
    reported_errors,
    select_records,
    write_output,
)
from paperbib.messages import plural

if TYPE_CHECKING:
    from paperbib.steps.keys import KeyFormat


def parse_key_format_option(context: click.Context, parameter: click.Parameter, value: str | None) -> KeyFormat | None:
    from paperbib.steps.keys import KeyFormatError, parse_key_format

    if value is None:
        return None
    try:
        return parse_key_format(value)
    except KeyFormatError as error:
        raise click.BadParameter(str(error)) from None


def _check_update_options(
    exporter: object, output: str | None, update: bool, rename_keys: bool, key_map: str | None
) -> None:
    """Reject --update without an output file or with a format that cannot keep fields, and its options alone."""
    if not update:
        for name, given in (("--rename-keys", rename_keys), ("--key-map", key_map)):
            if given:
                raise click.UsageError(f"{name} needs --update")
        return
    if output is None or output == "-":
        raise click.UsageError("--update needs -o/--output: the .bib file to read and then replace")
    if not getattr(exporter, "updatable", False):
        raise click.UsageError(
            f"--update works with bibtex and biblatex, not --to {getattr(exporter, 'name', '?')}; "
            "drop --update or choose one of those formats"
        )


def _list_formats() -> None:
    """Print each installed format with its description; a plugin that fails to load is listed with the error."""
    from paperbib.exporters import PluginError, available, get_exporter

    for name in available():
        try:
            description = get_exporter(name).description
        except PluginError as error:
            description = f"(not usable) {error}"
        click.echo(f"{name}\t{description}")


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
@output_file_option
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
@click.option(
    "--strict", is_flag=True, help="Exit with status 1, writing nothing, if any line was skipped. Default: off."
)
@click.option(
    "--key-format",
    "key_format",
    default=None,
    metavar="FORMULA",
    callback=parse_key_format_option,
    help="Citation key formula such as '{venue}{year}-{title:3}'; fields: {venue}, {year}, {title:N}, "
    "{arxiv}, {hash}. Default: the venue-year key, e.g. iclr2024-model-tells-discard.",
)
@click.option(
    "--update",
    is_flag=True,
    help="Read the existing --output file first: papers already in it keep their keys and hand-added fields "
    "(author, pages, note...). Keys added, removed and renamed are listed on stderr. bibtex and biblatex only. "
    "Default: off.",
)
@click.option(
    "--rename-keys",
    is_flag=True,
    help="With --update, give matched papers their newly generated keys and list them as renamed old -> new. "
    "Default: off (matched papers keep their keys).",
)
@click.option(
    "--key-map",
    default=None,
    metavar="FILE",
    callback=check_file_name,
    help="With --update, also write every key change to FILE as tab-separated rows: change, old key, new key. "
    "Default: no file.",
)
@read_options
def export(
    input_path: str,
    format_name: str,
    output: str | None,
    bib_encoding: str,
    booktitle: str,
    strict: bool,
    key_format: KeyFormat | None,
    update: bool,
    rename_keys: bool,
    key_map: str | None,
    venues: tuple[str, ...],
    years: tuple[int, ...],
    encoding: str | None,
    quiet: bool,
) -> None:
    """Export the papers of INPUT (default: papers.md; '-' reads stdin).

    Exit status: 0 on success; 1 on a read or write error (stdout included), or when lines were
    skipped under --strict; 2 on a usage error; 141 when stdout is a broken pipe, with no message.
    """
    from paperbib.exporters import ExportOptions, available, get_exporter
    from paperbib.exporters.parts import can_write_in_parts, entries_writer, write_records_forked
    from paperbib.gc_pause import paused_gc
    from paperbib.pipeline import load
    from paperbib.source import source_name

    if format_name == "help":
        _list_formats()
        return
    try:
        with reported_errors():
            exporter = get_exporter(format_name)
    except KeyError:
        raise click.BadParameter(
            f"unknown format {format_name!r}; installed: {', '.join(available())}", param_hint="--to"
        ) from None
    check_not_input(input_path, output)
    _check_update_options(exporter, output, update, rename_keys, key_map)
    update_report = None
    # The child that reads the last part of a long list also writes its entries. With --update it does
    # not, because the fields kept from the old file stay in this process.
    follow = None
    if can_write_in_parts(exporter) and not update:
        # The options as they will be, so that the child can write its entries while this process runs the steps.
        likely = ExportOptions(source_name=source_name(input_path), bib_encoding=bib_encoding, booktitle=booktitle)
        follow = entries_writer(exporter, likely, key_format)
    # The command ends after the block, so the collector need not walk the objects made in it.
    with reported_errors(), paused_gc(freeze=True):
        bibliography = load(input_path, encoding=encoding, key_format=key_format, follow=follow)
        # Closing stops the child if it was not asked to write.
        with closing(bibliography):
            print_diagnostics(bibliography.diagnostics, quiet)
            skipped = len(bibliography.skipped)
            if not bibliography.records:
                lines = plural(skipped, "line")
                raise click.ClickException(f"{bibliography.source_name}: no papers found ({lines} skipped)")
            if strict and skipped:
                raise click.ClickException(f"{plural(skipped, 'line')} skipped; nothing written because of --strict")
            records = select_records(bibliography, venues, years)
            kept_fields = {}
            if update and output:
                from paperbib.steps.update import update_from_file

                update_result = update_from_file(records, output, rename=rename_keys)
                records, kept_fields = update_result.records, update_result.kept_fields
                update_report = update_result.report
            options = ExportOptions(
                source_name=bibliography.source_name,
                bib_encoding=bib_encoding,
                booktitle=booktitle,
                kept_fields=kept_fields,
            )
            if key_map:
                from paperbib.atomic import check_destination

                check_destination(key_map)
            with open_output(output) as stream:
                diagnostics = write_records_forked(exporter, records, options, stream, helper=bibliography.helper)
                stream.flush()
                # Inside the block, so that a failed rename of the file is reported after the findings.
                print_diagnostics(diagnostics, quiet)
            if update_report is not None:
                for line in update_report.lines():
                    click.echo(line, err=True)
                click.echo(update_report.summary(), err=True)
                if key_map:
                    write_output(update_report.key_map(), key_map)
    destination = f" to {output}" if output and output != "-" else ""
    filtered = len(bibliography.records) - len(records)
    merged = sum(len(record.duplicates) for record in bibliography.records)
    detail = f"{skipped} skipped" + (f", {plural(merged, 'duplicate')} merged" if merged else "")
    detail += f", {filtered} filtered out" if filtered else ""
    click.echo(f"exported {plural(len(records), 'entry')}{destination} ({detail})", err=True)
    sys.stdout.flush()
