"""A forked child that read the last part of a long list and keeps its records for one more job.

The reader starts it (``read_markdown``'s ``follow``), and the caller sends it one request, for
example to write the entries of those records. The child has them in its own memory. A child
forked later would share this process's memory pages, and copy each page that it touches.
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

    def ask(self, request: bytes) -> None:
        """Send the child its one request; a thread writes it while this process goes on."""
        self.call.ask(request)

    def response(self) -> bytearray | None:
        """Wait for the response to ``ask``; None when the child failed."""
        return self.call.result()

    def close(self) -> None:
        """Stop the child unless it has sent its response. A helper that is not needed must be closed."""
        self.call.cancel()
