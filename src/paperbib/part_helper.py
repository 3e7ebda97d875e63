"""A forked child that read the last part of a long list and keeps its records for one more job.

The reader starts it (``read_markdown``'s ``follow``) and the caller sends it one request, for
example to write the entries of those records: the child owns them in its own memory, where this
process would first have to copy every memory page it touches after a new fork.
"""

from __future__ import annotations

from dataclasses import dataclass

from paperbib.forking import ForkedCall
from paperbib.model import Record


@dataclass(eq=False)
class PartHelper:
    """The child and this process's copies of its records, in the child's order."""

    call: ForkedCall
    records: list[Record]

    def ask(self, request: bytes) -> bool:
        """Send the child its one request; False when the child is gone."""
        return self.call.ask(request)

    def answer(self) -> bytearray | None:
        """Wait for the answer to ``ask``; None when the child failed."""
        return self.call.result()

    def close(self) -> None:
        """Stop the child unless it has answered; a helper that is not needed must be closed."""
        self.call.cancel()
