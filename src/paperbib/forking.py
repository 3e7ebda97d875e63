"""Computing one part of a job in a forked child process while this process computes another.

A forked child starts with a copy of this process's memory, so it needs no input: the caller
hands it a function without arguments that returns bytes (or a list of byte strings, sent one after
the other as one message), and the parent collects the bytes
later. The child never returns into the caller's frames. It leaves with ``os._exit``, so no
``finally`` block, ``atexit`` handler or buffered output of the parent runs or is written twice.
Forking works on Linux only, and only in a process without other threads, because a fork does not
copy them. Where it cannot fork, ``start`` returns None and the caller computes the part itself.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import struct
import sys
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)

# Exit status of a child whose function raised an exception (or received SystemExit).
_FAILED = 1
_CHUNK = 1 << 20
# The child's message starts with its length, so that a cut message is recognised.
_LENGTH = struct.Struct("!Q")
# The message of a child: bytes, or byte strings that are sent one after the other as one message.
Message = bytes | bytearray | list[bytes]


def can_fork() -> bool:
    """True where a forked child can compute part of a job: Linux, one thread, more than one core."""
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return False
    if "multiprocessing" in sys.modules:
        # A daemonic multiprocessing worker may not have children of its own.
        import multiprocessing

        if multiprocessing.current_process().daemon:
            return False
    return _usable_cores() > 1


# Linux's load figures; the fourth field counts the scheduling entities that run or wait for a core.
LOADAVG = "/proc/loadavg"


def core_free() -> bool:
    """True unless other processes run on every core at this moment, as ``/proc/loadavg`` counts them.

    A child that has to wait for a core makes a job slower than one process: exports of 10,000
    generated papers took 40 to 50 ms longer with a child while another program kept one of two
    cores busy. True where the file cannot be read.
    """
    try:
        with open(LOADAVG, encoding="ascii") as file:
            # The fourth field is "runnable/total" scheduling entities, this process included.
            running = int(file.read().split()[3].partition("/")[0])
    except (OSError, ValueError, IndexError):
        return True
    return running < _usable_cores()


def child_helps() -> bool:
    """True when a forked child can take part of a job and would not wait for a core: see both checks."""
    return can_fork() and core_free()


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class ForkedCall:
    """A function running in a forked child; ``result`` waits for it and returns its bytes."""

    def __init__(self, pid: int, reader: int, requests: int | None = None) -> None:
        self.pid = pid
        self._reader = reader
        # The pipe to a child that waits for a request after its first result (see ``start``'s ``follow``).
        self._requests = requests
        self._first_read = False
        self._sender: threading.Thread | None = None
        self._done = False

    def ask(self, request: bytes) -> None:
        """Send ``request`` to the child's response function (see ``start``); ``result`` then returns its response.

        Call it after ``result`` has returned the child's first result. A thread writes the request,
        so that this process goes on while the child is still busy and the pipe is full. When the
        child is gone, ``result`` returns None and the caller computes the response itself.
        """
        if self._requests is None or not self._first_read:
            raise RuntimeError("the child takes no request now")
        requests, self._requests = self._requests, None
        self._sender = threading.Thread(target=_send, args=(requests, request), name="paperbib-request", daemon=True)
        self._sender.start()

    def result(self) -> bytearray | None:
        """Return the bytes that the child's function returned; None when the child failed.

        Reads the child's message, then reaps the child, unless the child now waits for a request
        (see ``ask``); after ``ask``, returns the child's response. A failure is logged, not raised:
        the caller computes the child's part itself. An exception while this process waits, such as
        the SystemExit of a termination signal, stops the child before it is raised.
        """
        if self._done:
            return None
        try:
            data = self._read()
        except BaseException:
            self.cancel()
            raise
        self._first_read = True
        if data is not None and self._requests is not None:
            return data  # the child now waits for ``ask``, or for ``cancel``
        status = self._close()
        # The length header distinguishes a complete message from a cut one, even when the exit status is
        # unknown because something else reaped the child (SIGCHLD ignored, or a handler of the host).
        if data is not None and status in (0, None):
            return data
        if status is None:
            logger.debug("the child process sent an incomplete result; its part is computed here")
        elif status == _FAILED:
            logger.debug("the child process did not compute its part (exit status 1); its part is computed here")
        elif status < 0:
            logger.warning("the child process was killed by signal %d; its part is computed here", -status)
        else:
            logger.warning("the child process failed (exit status %d); its part is computed here", status)
        return None

    def _read(self) -> bytearray | None:
        """Read the child's message: its length in 8 bytes, then the bytes. None for a cut message."""
        return _read_message(self._reader)

    def cancel(self) -> None:
        """Stop the child, if it still runs, and reap it; its result is dropped."""
        if self._done:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self._close()

    def _close(self) -> int | None:
        """Close the pipes and reap the child; return its exit status, None when it was reaped elsewhere."""
        self._done = True
        os.close(self._reader)
        if self._sender is not None:
            # The child has read the request, or has exited and the write failed: either way the thread ends.
            self._sender.join()
            self._sender = None
        if self._requests is not None:
            os.close(self._requests)
            self._requests = None
        try:
            _, wait_status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return None
        return os.waitstatus_to_exitcode(wait_status)


def start(
    function: Callable[[], Message], follow: Callable[[], Callable[[bytes], Message]] | None = None
) -> ForkedCall | None:
    """Run ``function`` in a forked child; None when this process cannot fork or no core is idle.

    The child writes the length and the returned bytes to a pipe and exits with status 0. When
    ``function`` raises, or the parent stops reading, the child exits with status 1 and writes
    nothing to stderr. ``function`` must not write to stdout or stderr: the parent owns them.

    With ``follow``, the child stays after sending its result: it calls ``follow``, which may work
    ahead while the parent reads the result, and which returns the function of the response. Then
    the child waits for one request (``ForkedCall.ask``) and sends the response to it. What
    ``function`` computed stays in the child's memory, so the response can build on it. The child
    exits without a response when the parent cancels the call or exits.
    """
    if not child_helps():
        return None
    reader, writer = os.pipe()
    request_reader, request_writer = os.pipe() if follow is not None else (-1, -1)
    # Objects that exist now are never collected in the child, so its collector leaves their
    # memory pages shared with the parent instead of touching every one of them. A host that has
    # frozen objects itself manages freezing, and unfreeze would undo its work.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        pid = os.fork()
    except OSError as error:
        if freeze:
            gc.unfreeze()
        for descriptor in (reader, writer, request_reader, request_writer):
            if descriptor >= 0:
                os.close(descriptor)
        logger.debug("cannot fork: %s", error)
        return None
    if pid == 0:  # the child
        # NOTE: a child outlives a parent killed with SIGKILL until its next write to the pipe fails, or,
        # with ``follow``, until ``follow`` returns and the request pipe is found closed: up to a few
        # seconds, with the parent's stdout open. prctl(PR_SET_PDEATHSIG) would end it at once, but
        # loading ctypes for it took about 18 ms of the child's time.
        status = _FAILED
        try:
            os.close(reader)
            if follow is not None:
                os.close(request_writer)
            logging.disable(logging.CRITICAL)
            _write_message(writer, function())
            if follow is not None:
                respond = follow()
                request = _read_message(request_reader)
                if request is not None:
                    _write_message(writer, respond(request))
            status = 0
        except BaseException:  # the child must never unwind into the parent's frames
            status = _FAILED
        finally:
            os._exit(status)
    if freeze:
        gc.unfreeze()
    os.close(writer)
    if follow is None:
        return ForkedCall(pid, reader)
    os.close(request_reader)
    return ForkedCall(pid, reader, request_writer)


def _send(descriptor: int, message: bytes) -> None:
    """Write ``message`` to the pipe ``descriptor`` and close it; a child that has exited is ignored."""
    try:
        _write_message(descriptor, message)
    except OSError as error:  # BrokenPipeError when the child has exited: result() reports it
        logger.debug("cannot send the request to the child process: %s", error)
    finally:
        os.close(descriptor)


def _write_message(descriptor: int, message: Message) -> None:
    """Write the length of ``message`` in eight bytes, then ``message``.

    The parts of a list are written in order, and each is dropped from the list once written.
    """
    parts = message if isinstance(message, list) else [message]
    # Eight bytes, less than PIPE_BUF, are written whole.
    os.write(descriptor, _LENGTH.pack(sum(len(part) for part in parts)))
    parts.reverse()
    while parts:
        data = memoryview(parts.pop())
        while data:
            data = data[os.write(descriptor, data[:_CHUNK]) :]


def _read_message(descriptor: int) -> bytearray | None:
    """Read a message of ``_write_message``; None when the pipe ends before the message does."""
    header = _read_exactly(descriptor, bytearray(_LENGTH.size))
    if header is None:
        return None
    (length,) = _LENGTH.unpack(header)
    # Read into one buffer of the final size, so that a large message is never held twice.
    return _read_exactly(descriptor, bytearray(length))


def _read_exactly(descriptor: int, buffer: bytearray) -> bytearray | None:
    view = memoryview(buffer)
    position = 0
    while position < len(buffer):
        count = os.readv(descriptor, [view[position : position + _CHUNK]])
        if count == 0:
            return None
        position += count
    return buffer
