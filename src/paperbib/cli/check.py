"""``paperbib check``: lint paper lists, one finding per line, for maintainers and pre-commit."""

from __future__ import annotations

import json

import click

from paperbib.cli.common import DEFAULT_INPUT, check_codec, reported_errors
from paperbib.messages import plural


@click.command()
@click.argument("input_paths", metavar="[INPUT]...", nargs=-1)
@click.option("--strict", is_flag=True, help="Exit with status 1 on any warning, not only on errors. Default: off.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one 'file:line: severity: message [CODE]' line per finding; json: an object with every finding.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODE",
    help="Leave out findings with this code, e.g. PB110 for lists that give no venues. Repeatable. "
    "Default: none left out.",
)
@click.option(
    "--encoding",
    default=None,
    metavar="CODEC",
    callback=check_codec,
    help="Text encoding of the inputs, as a Python codec name (e.g. latin-1). Default: utf-8.",
)
def check(
    input_paths: tuple[str, ...], strict: bool, output_format: str, ignore: tuple[str, ...], encoding: str | None
) -> None:
    """Check the paper lists INPUT... (default: papers.md) for skipped lines, duplicate papers, papers without
    venue or year, invalid links and empty headings.

    Exit status: 0 when no finding is an error (under --strict: no error and no warning); 1 otherwise,
    when an input cannot be read or stdout cannot be written; 2 on a usage error; 141 when stdout is a
    broken pipe (as after '| head -1'), with no message.
    """
    from paperbib.check import check_files
    from paperbib.diagnostics import Severity

    with reported_errors():
        report = check_files(list(input_paths) or [DEFAULT_INPUT], encoding=encoding, ignore=ignore)
    if output_format == "json":
        document = {
            "files": report.files,
            "papers": report.papers,
            "unreadable": report.unreadable,
            "findings": [
                {
                    "file": finding.location.path,
                    "line": finding.location.line,
                    "severity": finding.severity.value,
                    "code": finding.code.value,
                    "message": finding.message,
                }
                for finding in report.findings
            ],
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(str(finding))
    counts = [
        plural(report.papers, "paper"),
        plural(report.count(Severity.ERROR), "error"),
        plural(report.count(Severity.WARNING), "warning"),
        plural(report.count(Severity.INFO), "note"),
    ]
    click.echo(f"checked {plural(len(report.files), 'file')}: {', '.join(counts)}", err=True)
    for message in report.unreadable:
        click.echo(f"Error: {message}", err=True)
    if report.failed(strict):
        raise SystemExit(1)
