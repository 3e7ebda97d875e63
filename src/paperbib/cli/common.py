"""Options, output and error handling shared by the subcommands."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import click

from paperbib.diagnostics import Diagnostic, Severity
from paperbib.errors import PaperbibError

DEFAULT_INPUT = "papers.md"


def input_argument(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("input_path", metavar="[INPUT]", default=DEFAULT_INPUT, required=False)(function)


def read_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options that choose which papers are read: filters and input encoding."""
    options = [
        click.option(
            "--venue",
            "venues",
            multiple=True,
            metavar="VENUE",
            help="Keep only papers of this venue (catalogue id or name, any case). Repeatable. Default: all.",
        ),
        click.option(
            "--year",
            "years",
            multiple=True,
            type=click.IntRange(1000, 9999),
            metavar="YEAR",
            help="Keep only papers of this year. Repeatable. Default: all.",
        ),
        click.option(
            "--encoding",
            default=None,
            metavar="CODEC",
            help="Text encoding of INPUT, as a Python codec name (e.g. latin-1). Default: utf-8.",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            help="Print only errors and skipped lines on stderr, not warnings. Default: off.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@contextlib.contextmanager
def reported_errors() -> Iterator[None]:
    """Turn paperbib's own errors into one-line click errors (exit status 1) without a traceback."""
    try:
        yield
    except PaperbibError as error:
        raise click.ClickException(str(error)) from None


def print_diagnostics(diagnostics: Sequence[Diagnostic], quiet: bool = False) -> None:
    for diagnostic in diagnostics:
        if quiet and diagnostic.severity is not Severity.ERROR:
            continue
        click.echo(str(diagnostic), err=True)


def write_output(text: str, output: str | None) -> None:
    """Write UTF-8 ``text`` to the file ``output`` atomically, or to stdout when it is None or ``-``."""
    from paperbib.atomic import utf8_chunks, write_atomic

    if output is None or output == "-":
        stream = click.get_binary_stream("stdout")
        for chunk in utf8_chunks(text):
            stream.write(chunk)
        stream.flush()
    else:
        write_atomic(output, text)
