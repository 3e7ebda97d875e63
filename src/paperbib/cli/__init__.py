"""The ``paperbib`` command. Subcommands live in their own modules and are imported on first use."""

from __future__ import annotations

import atexit
import importlib
import logging
import os
import signal
import sys
import threading
from typing import Any, NoReturn

import click

from paperbib import __version__

# Command name -> "module:function"; a module is imported only when its command runs or is listed in help.
COMMANDS = {
    "check": "paperbib.cli.check:check",
    "cite": "paperbib.cli.cite:cite",
    "enrich": "paperbib.cli.enrich:enrich",
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

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command line; stdout failures are reported by ``common.guarded_stdout``."""
        from paperbib.cli.common import guarded_stdout

        _exit_on_termination()
        with guarded_stdout():
            return super().main(*args, **kwargs)


def _exit_on_termination() -> None:
    """Turn SIGTERM and SIGHUP into SystemExit, so that a file being written is removed, as after Ctrl-C.

    Python's default action for these signals ends the process at once, which leaves the temporary
    file of an atomic write behind. The exit status is 128 plus the signal number, as the shell
    reports it. A signal that the parent set to be ignored (nohup) stays ignored.
    """
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can be set only in the main thread

    def leave(number: int, frame: object) -> None:
        # The text not yet written goes nowhere: a reader that stopped reading would otherwise hold
        # the run in the flushes on the way out.
        from paperbib.cli.common import silence

        silence(sys.stdout)
        raise SystemExit(128 + number)

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:
            signal.signal(number, leave)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paperbib")
@click.option("-v", "--verbose", is_flag=True, help="Log debugging details on stderr. Default: off.")
def main(verbose: bool) -> None:
    """Turn awesome-style markdown paper lists into BibTeX, CSL-JSON and formatted references.

    Output on stdout is UTF-8 whatever the locale or PYTHONIOENCODING. When stdout is closed or full,
    a command prints one error line and exits with status 1; after a broken pipe (as with '| head -1')
    it stops with status 141 and no message.
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="paperbib: %(levelname)s: %(message)s",
    )


def run() -> NoReturn:
    """Run the ``paperbib`` command, then end the process without tearing the interpreter down.

    A normal exit frees every object one by one, about 25 ms after an export of 10,000 papers,
    while the operating system frees the memory of the process at once. The exit functions still
    run and the output is flushed, as at a normal exit; a flush that fails gives status 120, as in
    Python. An exception other than SystemExit ends the process the normal way, with its traceback.
    """
    try:
        main()
        code: object = 0
    except SystemExit as stop:
        code = stop.code
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue  # Python sets no stream for a file descriptor that was closed at start
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 120
    os._exit(status)
