"""The interface every metadata source follows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from paperbib.enrich.result import LookupResult
from paperbib.model import Record


@dataclass(frozen=True)
class LookupRequest:
    """One paper to look up; ``key`` is what the source is asked for and what the cache stores it under."""

    key: str
    record: Record


class Source(Protocol):
    name: ClassVar[str]

    def request_for(self, record: Record) -> LookupRequest | None:
        """Return the lookup for ``record``, or None when the record gives nothing this source can search by."""
        ...

    def fetch(self, requests: Sequence[LookupRequest]) -> Iterator[tuple[LookupRequest, LookupResult]]:
        """Look up every request and yield each result as soon as it is known.

        A request that fails gives a FAILED result instead of an exception.
        """
        ...
