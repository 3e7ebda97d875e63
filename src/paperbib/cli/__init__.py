"""The ``paperbib`` command. Subcommands live in their own modules and are imported on first use."""

from __future__ import annotations

import importlib
import logging

import click

from paperbib import __version__

# Command name -> "module:function"; a module is imported only when its command runs or is listed in help.
COMMANDS = {
    "cite": "paperbib.cli.cite:cite",
    "export": "paperbib.cli.export:export",
    "format": "paperbib.cli.format_command:format_command",
    "list": "paperbib.cli.list_command:list_command",
    "styles": "paperbib.cli.styles:styles",
}


class LazyGroup(click.Group):
    """A click group that imports each subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paperbib")
@click.option("-v", "--verbose", is_flag=True, help="Log debugging details on stderr. Default: off.")
def main(verbose: bool) -> None:
    """Turn awesome-style markdown paper lists into BibTeX, CSL-JSON and formatted references."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="paperbib: %(levelname)s: %(message)s",
    )
