"""Running a per-item step of the CSL engine on two cores: half here, half in a forked child.

Sorting keys, disambiguation citations and reference list entries are each computed item by
item, once the whole list is registered. The child is forked, so it starts with the parent's
registered list and parsed style and needs no input, and it sends back only picklable results
(strings and numbers). Forking works on Linux only, and only in a process without other
threads, which a fork would not copy; elsewhere everything runs in this process.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from paperbib.forking import child_helps

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

# Shorter lists run in one process. NOTE: an estimate of where forking starts to pay off, not
# a measured break-even point.
PARALLEL_MIN_ITEMS = 200

# Exit status of a child whose function raised an exception.
_RAISED = 1


def split_map(function: Callable[[list[Item]], list[Result]], items: Sequence[Item]) -> list[Result]:
    """Return ``function(items)``, computed for the second half of ``items`` in a forked child.

    ``function`` takes a list and returns a list, and ``function(a + b)`` must equal
    ``function(a) + function(b)``: what it returns for an item depends only on that item and on
    state that both processes had at the fork. When the child fails, this process computes the
    child's half too and logs the failure.
    """
    items = list(items)
    if len(items) < PARALLEL_MIN_ITEMS or not child_helps():
        return function(items)
    middle = len(items) // 2
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_send_results, args=(sender, function, items[middle:]), daemon=True)
    child.start()
    sender.close()
    tail: list[Result] | None = None
    try:
        head = function(items[:middle])
        tail = receiver.recv()
    except EOFError:
        pass
    finally:
        # When the parent's half failed, closing the pipe ends the child at its send.
        receiver.close()
        child.join()
    if tail is None:
        # Status 1 is an error raised by ``function``, which the parent now raises itself.
        level = logging.DEBUG if child.exitcode == _RAISED else logging.WARNING
        logger.log(level, "a child process failed (exit status %s); computing its half here", child.exitcode)
        tail = function(items[middle:])
    return head + tail


def _send_results(sender: Any, function: Callable[[list[Any]], list[Any]], items: list[Any]) -> None:
    """Compute ``function(items)`` in the child process and send the results to the parent.

    On an error the child exits with status 1 and no traceback: the parent computes the same
    half again and raises the error itself. A closed pipe means that the parent's half failed.
    """
    try:
        sender.send(function(items))
    except Exception:
        sys.exit(_RAISED)
    finally:
        sender.close()
