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


def make_formatter(style: str, output_format: str, locale: str | None = None) -> Formatter:
    """Build the formatter; an unknown style is a usage error (exit 2) that names the closest styles."""
    from paperbib.errors import PaperbibError
    from paperbib.formatting import Formatter, StyleNotFoundError

    try:
        return Formatter(style, output_format, locale)
    except StyleNotFoundError as error:
        raise click.BadParameter(str(error), param_hint="--style") from None
    except PaperbibError as error:
        # An unreadable .csl file or an unknown --locale.
        raise click.UsageError(str(error)) from None
