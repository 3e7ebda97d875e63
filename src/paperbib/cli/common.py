"""Options, output and error handling shared by the subcommands."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

import click

from paperbib.diagnostics import Diagnostic, Severity
from paperbib.errors import PaperbibError

if TYPE_CHECKING:
    from paperbib.model import Record
    from paperbib.pipeline import Bibliography

DEFAULT_INPUT = "papers.md"

# Exit status after a broken pipe on stdout (``paperbib list | head -1``): 128 + SIGPIPE, the status
# the shell reports for cat or grep in the same place. Nothing is printed.
BROKEN_PIPE_STATUS = 141


class StdoutError(Exception):
    """A failed write to stdout. Not an OSError, so that only ``guarded_stdout`` handles it."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error


class _StdoutBytes(io.RawIOBase):
    """The bytes of stdout, passed on to ``target`` and flushed at once.

    The first failed write raises StdoutError. Later writes are dropped, so that flushing the text
    left in buffers while the error is reported does not fail a second time.
    """

    def __init__(self, target: BinaryIO | None) -> None:
        super().__init__()
        self.target = target
        self.failed = False

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.target is not None and self.target.isatty()

    def fileno(self) -> int:
        if self.target is None:
            raise io.UnsupportedOperation("stdout is closed")
        return self.target.fileno()

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        size = view.nbytes
        if self.failed:
            return size
        try:
            if self.target is None:
                raise OSError(errno.EBADF, "stdout is closed")
            _write_all(self.target, view)
        except OSError as error:
            self.failed = True
            raise StdoutError(error) from None
        return size


# Bytes written to stdout in one call: the capacity of a Linux pipe.
_WRITE_CHUNK = 1 << 16


def _write_all(target: BinaryIO, view: memoryview) -> None:
    """Write every byte of ``view`` to ``target`` and flush it; raise OSError when it takes no more.

    An unbuffered stdout (``python -u``, PYTHONUNBUFFERED) is a raw file, whose write may take only
    part of the bytes, as when the file size limit is reached, and returns None when a non-blocking
    pipe is full. A buffered one raises BlockingIOError then. Either way this waits until the pipe
    takes more bytes.
    """
    while view:
        try:
            # A pipe's worth at a time, so that this Python loop, where a signal handler can run, gets
            # control back between the writes to a full pipe.
            written = target.write(view[:_WRITE_CHUNK])
        except BlockingIOError as error:
            written = error.characters_written or None
        if written is None:
            _wait_writable(target)
            continue
        if written == 0:
            raise OSError(errno.EIO, "stdout takes no more bytes")
        view = view[written:]
    while True:
        try:
            target.flush()
            return
        except BlockingIOError:
            _wait_writable(target)


def _wait_writable(target: BinaryIO) -> None:
    import select

    select.select([], [target.fileno()], [])


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Run a command with stdout as UTF-8 text, and report a failed write to stdout in one place.

    stdout is UTF-8 whatever the locale or PYTHONIOENCODING sets, as ``format`` output always was.
    A broken pipe ends the run quietly with BROKEN_PIPE_STATUS. A closed stdout (``>&-``) or a
    failed write (``> /dev/full``) prints one ``Error:`` line and exits with status 1.
    """
    original = sys.stdout
    target = None if original is None else getattr(original, "buffer", None)
    if original is not None and target is None:
        # A text-only stream such as io.StringIO, put in place by a caller that reads the text back.
        yield
        return
    guarded = io.TextIOWrapper(
        io.BufferedWriter(_StdoutBytes(target), buffer_size=1 << 16),
        encoding="utf-8",
        line_buffering=bool(original is not None and original.line_buffering),
    )
    sys.stdout = guarded
    try:
        try:
            yield
        finally:
            guarded.flush()
    except StdoutError as failure:
        silence(original)
        if failure.error.errno == errno.EPIPE:
            sys.exit(BROKEN_PIPE_STATUS)
        reason = "stdout is closed" if failure.error.errno == errno.EBADF else failure.error.strerror
        click.echo(f"Error: cannot write to stdout: {reason}; the output is lost", err=True)
        sys.exit(1)
    finally:
        sys.stdout = original


def silence(stream: TextIO | None) -> None:
    """Point the file descriptor of ``stream`` at /dev/null, so that Python's flush at exit writes nowhere."""
    if stream is None:
        return
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError):
        return  # not a real file, as under click's CliRunner
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


def input_argument(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("input_path", metavar="[INPUT]", default=DEFAULT_INPUT, required=False)(function)


def check_codec(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import codecs

    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(
                f"unknown encoding {value!r}; use a Python codec name such as utf-8 or latin-1"
            ) from None
    return value


def check_file_name(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Reject an empty file name, which would otherwise name the current folder."""
    values = value if isinstance(value, tuple) else (value,)
    if "" in values:
        raise click.BadParameter("empty file name; give a file name, or '-' for stdout")
    return value


def output_file_option(function: Callable[..., Any], multiple: bool = False) -> Callable[..., Any]:
    """Add ``-o/--output FILE``, the same in every command that writes a file.

    ``multiple`` collects every value, for commands that must tell an old second meaning apart.
    """
    return click.option(
        "-o",
        "--output",
        "output",
        default=None,
        multiple=multiple,
        metavar="FILE",
        callback=check_file_name,
        help="Write to FILE (atomically: it is replaced only when the command succeeds). Default: stdout.",
    )(function)


def deprecation_note(old: str, new: str) -> None:
    """Print the one-line note for an option spelling that still works but will be removed."""
    click.echo(f"paperbib: deprecated: {old}; write {new} instead", err=True)


def read_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options that choose which papers are read: filters and input encoding."""
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
            callback=check_codec,
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
    """Turn paperbib's errors and a lack of memory into one-line click errors (exit status 1), without a traceback."""
    try:
        yield
    except PaperbibError as error:
        raise click.ClickException(str(error)) from None
    except MemoryError:
        # Raised when a limit (ulimit -v, a container) or the machine runs out. The frames that held the
        # data are gone by now, so there is memory for the message.
        raise click.ClickException(
            "out of memory: this list needs more memory than the process may use; raise the limit "
            "(ulimit -v), or run on one core with taskset -c 0, which needs less"
        ) from None


def print_diagnostics(diagnostics: Sequence[Diagnostic], quiet: bool = False) -> None:
    """Print findings on stderr; ``quiet`` (-q) leaves out warnings and notes, but never a skipped line."""
    for diagnostic in diagnostics:
        if quiet and diagnostic.severity is not Severity.ERROR and not diagnostic.skipped:
            continue
        click.echo(str(diagnostic), err=True)


def write_output(text: str, output: str | None) -> None:
    """Write UTF-8 ``text`` to the file ``output`` atomically, or to stdout when it is None or ``-``."""
    from paperbib.atomic import utf8_chunks, write_atomic

    if output is None or output == "-":
        stream = sys.stdout.buffer
        for chunk in utf8_chunks(text):
            stream.write(chunk)
        stream.flush()
    else:
        write_atomic(output, text)


@contextlib.contextmanager
def open_output(output: str | None) -> Iterator[TextIO]:
    """Open the UTF-8 text stream that ``write_output`` would write to, for output written piece by piece.

    A file is replaced only when the ``with`` block ends normally (see ``atomic.atomic_writer``).
    Stdout gets the text as it is written.
    """
    from paperbib.atomic import atomic_text_writer, utf8_text

    if output is None or output == "-":
        sys.stdout.flush()
        with utf8_text(sys.stdout.buffer) as stream:
            yield stream
        sys.stdout.buffer.flush()
    else:
        with atomic_text_writer(output) as stream:
            yield stream


def check_not_input(input_path: str, output: str | None) -> None:
    """Reject ``-o`` naming the input list itself, which the export would overwrite."""
    if output is None or output == "-" or input_path == "-":
        return
    try:
        same = os.path.samefile(input_path, output)
    except OSError:
        return
    if same:
        raise click.UsageError(f"-o {output} is the input list itself; choose another output file")


def select_records(bibliography: Bibliography, venues: Sequence[str], years: Sequence[int]) -> list[Record]:
    """Apply --venue and --year; an empty selection is an error, so that no output file is emptied.

    A --venue value that names no venue of the list gets the closest venue names in the message.
    """
    from paperbib.steps.filters import filter_records
    from paperbib.venues import default_catalogue, lookup_form

    records = filter_records(bibliography.records, venues, years)
    if records:
        return records
    present = sorted(
        {
            record.venue_info.short if record.venue_info else record.venue
            for record in bibliography.records
            if record.venue
        }
    )
    catalogue = default_catalogue()
    hints = []
    for venue in venues:
        known = catalogue.find(venue)
        if known is None or lookup_form(known.short) not in {lookup_form(name) for name in present}:
            import difflib  # only for a venue filter that matches nothing

            close = difflib.get_close_matches(venue.lower(), [name.lower() for name in present], n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            hints.append(f"--venue {venue!r} matches no paper{hint}")
    if not venues and not years:
        raise click.ClickException(f"{bibliography.source_name}: no papers found")
    detail = "; ".join(hints) or "no paper matches --venue/--year"
    raise click.ClickException(
        f"{bibliography.source_name}: {detail} (venues in the list: {', '.join(present) or 'none'}); nothing written"
    )
