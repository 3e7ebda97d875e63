"""``paperbib styles``: the style names that --style accepts, with their titles."""

from __future__ import annotations

import click


@click.command()
@click.option(
    "--search",
    "word",
    default=None,
    metavar="WORD",
    help="Show only styles whose name or title contains WORD (any case). Default: all.",
)
def styles(word: str | None) -> None:
    """List the available styles: aliases, pybtex styles, then every CSL style, one per line.

    Each line is NAME, a tab and the title; an alias also names the style it stands for.

    Exit status: 0 on success; 1 when no style matches or stdout cannot be written; 2 on a usage
    error; 141 when stdout is a broken pipe, with no message.
    """
    from paperbib.cli.common import write_output
    from paperbib.formatting.styles import ALIASES, PYBTEX_STYLES, all_style_names, renamed_styles, style_title

    needle = (word or "").casefold()
    lines = []
    for alias, target in sorted(ALIASES.items()):
        lines.append((alias, f"alias of {target}: {style_title(target)}"))
    for name in PYBTEX_STYLES:
        lines.append((name, f"pybtex {name} style (BibTeX-like), accepting entries without authors"))
    renamed = renamed_styles()
    for name in all_style_names():
        if name in ALIASES or name in PYBTEX_STYLES:
            continue
        if name in renamed:
            lines.append((name, f"renamed to {renamed[name]}: {style_title(renamed[name])}"))
        else:
            lines.append((name, style_title(name)))
    matching_lines = [
        f"{name}\t{title}\n" for name, title in lines if needle in name.casefold() or needle in title.casefold()
    ]
    if not matching_lines:
        raise click.ClickException(f"no style name or title contains {word!r}")
    write_output("".join(matching_lines), None)
