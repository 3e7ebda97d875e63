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

    ``format`` and ``cite`` once took the format as ``--output FORMAT``; ``resolve_output`` keeps
    that spelling working, so ``-o/--output`` collects every value it is given.
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
    """Return the output format and file from ``--to``, ``-o/--output`` and the deprecated spellings.

    Without ``--to``, an ``--output`` value that is a format name (``--output html``) is the old
    spelling of ``--to``; ``-o ./html`` names a file called html.
    """
    from paperbib.cli.common import deprecation_note

    files = list(outputs)
    if output_format is None:
        old_formats = [value for value in files if value in OUTPUT_FORMATS]
        if old_formats:
            output_format = old_formats[-1]
            deprecation_note(
                f"--output {output_format} as the output format", f"--to {output_format} (-o/--output names the file)"
            )
            files = [value for value in files if value not in OUTPUT_FORMATS]
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
