"""The --style option of ``format`` and ``cite``, with style errors as usage errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from paperbib.formatting import Formatter

# Kept here rather than imported, so that --help does not import the formatting engines.
OUTPUT_FORMATS = ("text", "html", "markdown", "latex", "rst")


def style_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "-s",
        "--style",
        default="apa",
        show_default=True,
        metavar="STYLE",
        help="CSL style name or alias, pybtex style (plain, unsrt, alpha, unsrtalpha) or .csl file.",
    )(function)


def output_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--to FORMAT`` and ``-o/--output FILE`` as export has them, and the old ``--file FILE`` (hidden).

    ``format`` and ``cite`` once took the format as ``--output FORMAT``. ``-o/--output`` collects
    every value it is given, so that ``resolve_output`` can reject a format name given as a file.
    """
    from paperbib.cli.common import output_file_option

    function = click.option("--file", "legacy_file", default=None, metavar="FILE", hidden=True)(function)
    function = output_file_option(function, multiple=True)
    return click.option(
        "--to",
        "output_format",
        type=click.Choice(OUTPUT_FORMATS),
        default=None,
        help="Output format. text and html put one entry per line. Default: text.",
    )(function)


def resolve_output(
    output_format: str | None, outputs: tuple[str, ...], legacy_file: str | None
) -> tuple[str, str | None]:
    """Return the output format and file from ``--to``, ``-o/--output`` and the deprecated ``--file``.

    A file name that is a format name (``-o html``, or ``--output html`` as the format was once
    given) is a usage error, because click cannot tell ``-o`` from ``--output``. Writing a file
    called html where HTML on stdout was meant would go unnoticed. ``-o ./html`` names such a file.
    """
    from paperbib.cli.common import deprecation_note

    files = list(outputs)
    for value in files:
        if value in OUTPUT_FORMATS:
            raise click.UsageError(
                f"-o/--output names the output file, and {value!r} is a format name: write --to {value}"
                f" for {value} output, or -o ./{value} for a file called {value}"
            )
    if legacy_file is not None:
        deprecation_note("--file FILE", "-o/--output FILE")
        files.append(legacy_file)
    if len(files) > 1:
        raise click.UsageError(f"{len(files)} output files given ({', '.join(files)}); give one -o/--output FILE")
    return output_format or "text", files[0] if files else None


def make_formatter(
    style: str, output_format: str, locale: str | None = None, reference_list: bool = False
) -> Formatter:
    """Build the formatter; an unknown style is a usage error (exit 2) that names the closest styles.

    With ``reference_list``, a CSL style without a ``<bibliography>`` element is a usage error too.
    """
    from paperbib.errors import PaperbibError
    from paperbib.formatting import Formatter, StyleNotFoundError

    try:
        formatter = Formatter(style, output_format, locale)
    except StyleNotFoundError as error:
        raise click.BadParameter(str(error), param_hint="--style") from None
    except PaperbibError as error:
        # An unreadable .csl file or an unknown --locale.
        raise click.UsageError(str(error)) from None
    if reference_list and not getattr(formatter.engine, "has_bibliography", True):
        raise click.BadParameter(
            f"{style}: this style defines no reference list; use 'paperbib cite' or another style",
            param_hint="--style",
        )
    return formatter
