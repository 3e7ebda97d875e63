"""Atomic file writes: the output appears complete or not at all."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from paperbib.errors import PaperbibError


def write_atomic(path: str, data: bytes | str) -> None:
    """Write ``data`` to ``path`` as :func:`atomic_writer` does, with text encoded as UTF-8."""
    with atomic_writer(path) as stream:
        for chunk in utf8_chunks(data):
            stream.write(chunk)


@contextlib.contextmanager
def atomic_writer(path: str) -> Iterator[BinaryIO]:
    """Open ``path`` for binary writing through a temporary file in the same folder, renamed over ``path``.

    The rename happens when the ``with`` block ends normally. When the block raises, the temporary
    file is removed and ``path`` is left untouched, so the output appears complete or not at all.
    An existing file keeps its permissions. A symbolic link is followed, so its target gets the
    new content. A device or a named pipe (``/dev/null``, ``/dev/stdout``, a FIFO) cannot be
    replaced by a rename, so it is written to directly. An OSError in the block or in the rename,
    such as a full disk, raises PaperbibError with the path and the reason. Other exceptions of
    the block pass through unchanged.
    """
    path = os.path.realpath(path)
    if os.path.exists(path) and not os.path.isdir(path) and not os.path.isfile(path):
        try:
            with open(path, "wb") as stream:
                yield stream
        except OSError as error:
            raise PaperbibError(f"{path}: cannot write: {error.strerror or error}") from None
        return
    folder = os.path.dirname(path)
    if os.path.isdir(path):
        raise PaperbibError(f"{path}: is a directory, expected an output file name")
    if not os.path.isdir(folder):
        raise PaperbibError(f"{path}: cannot write: folder {folder} does not exist")
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    temporary = None
    try:
        handle, temporary = _create_temporary(folder, os.path.basename(path))
    except OSError as error:
        # The file itself may exist and even be writable (as in /proc), so name the step that failed.
        raise PaperbibError(
            f"{path}: cannot write: cannot create a temporary file in {folder} ({error.strerror or error}); "
            "write to a file in another folder"
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise PaperbibError(f"{path}: cannot write: {error.strerror or error}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _create_temporary(folder: str, name: str) -> tuple[int, str]:
    """Create and open a new file ``.NAME.RANDOM.tmp`` in ``folder``, readable by its owner only.

    This is what ``tempfile.mkstemp`` does, without importing tempfile, which imports shutil and
    random: about 3 ms of every export's start.
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(temporary, flags, 0o600), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", folder)


@contextlib.contextmanager
def atomic_text_writer(path: str) -> Iterator[TextIO]:
    """Open ``path`` for UTF-8 text as :func:`atomic_writer` does, with ``\\n`` written as it is."""
    with atomic_writer(path) as binary, utf8_text(binary) as text:
        yield text


@contextlib.contextmanager
def utf8_text(binary: BinaryIO) -> Iterator[TextIO]:
    """Wrap ``binary`` as a UTF-8 text stream, flushed at the end and then detached, so ``binary`` stays open."""
    text = io.TextIOWrapper(binary, encoding="utf-8", newline="")  # type: ignore[arg-type]
    try:
        yield text
    finally:
        text.detach()  # flushes first


def check_destination(path: str) -> None:
    """Raise PaperbibError unless ``path`` can be written by write_atomic: no folder, no missing parent.

    Callers that write several files check them all first, so that a bad second path cannot leave
    the first file already replaced.
    """
    resolved = os.path.realpath(path)
    if os.path.isdir(resolved):
        raise PaperbibError(f"{path}: is a directory, expected an output file name")
    folder = os.path.dirname(resolved)
    if not os.path.isdir(folder):
        raise PaperbibError(f"{path}: cannot write: folder {folder} does not exist")


# Characters encoded at a time: large output is never held twice, as text and as bytes.
_CHUNK_CHARACTERS = 1 << 20


def utf8_chunks(data: bytes | str) -> Iterator[bytes]:
    """Yield ``data`` as UTF-8 bytes, encoding text one slice at a time."""
    if isinstance(data, bytes):
        yield data
        return
    for start in range(0, len(data), _CHUNK_CHARACTERS):
        yield data[start : start + _CHUNK_CHARACTERS].encode("utf-8")
