"""Entries that a helper writes ahead, while this process still runs the steps.

The child that read the last part of a list (see ``parts.entries_writer``) has its records before
their keys and venues are final. It writes the entry of each record with the key that the record
gets when no other paper has the same one (``keys.first_key``) and with the venue of the catalogue.
After the request, an entry written ahead is used only when its record got that key and that venue
and the options are the same. Any other entry is written again. This needs an exporter whose entries
stand alone (``standalone_entries``): the text of an entry after the first depends on its record only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from paperbib.diagnostics import Diagnostic
from paperbib.exporters.base import ExportOptions, PartedExporter, TextOutput, _Pieces
from paperbib.model import Record, VenueInfo
from paperbib.steps.keys import KeyFormat, first_key
from paperbib.steps.resolve_venues import resolve_venues
from paperbib.venues import Catalogue

logger = logging.getLogger(__name__)


def writes_standalone_entries(exporter: object) -> bool:
    """True when the exporter declares that an entry after the first depends on its record only."""
    return getattr(exporter, "standalone_entries", False) is True


@dataclass(frozen=True, slots=True)
class _Entry:
    """The text and diagnostics of one entry, and the key and venue it was written with."""

    key: str
    venue: VenueInfo | None
    text: str
    diagnostics: list[Diagnostic]


class AheadEntries:
    """The entries of a helper's own records, written with their likely keys and venues."""

    def __init__(self, exporter: PartedExporter, options: ExportOptions, records: list[Record]) -> None:
        self.exporter = exporter
        self.options = options
        self.records = records
        self.entries: dict[int, _Entry] = {}
        self.used = 0  # entries written ahead that ``write_entries`` wrote out

    @classmethod
    def write(
        cls,
        exporter: PartedExporter,
        options: ExportOptions,
        records: list[Record],
        catalogue: Catalogue,
        key_format: KeyFormat | None,
        words: dict[str, str] | None = None,
    ) -> AheadEntries:
        """Write the entry of each of ``records``; they get the catalogue's venues and their first keys.

        ``words`` maps titles to their key words (see ``keys.first_key``).

        A record whose entry raises an error is left out: written again after the request, it raises
        the error there.
        """
        ahead = cls(exporter, options, records)
        resolve_venues(records, catalogue, copy=False)
        # An entry at position 1, after the first, as almost every entry of a helper is.
        pair = [records[0], records[0]]
        for index, record in enumerate(records):
            record.key = first_key(record, key_format, words)
            pair[1] = record
            pieces = _Pieces()
            try:
                diagnostics = exporter.write_entries(pair, 1, 2, options, pieces)
            except Exception as error:  # the entry is written again after the request, and fails there
                logger.debug("entry %d not written ahead: %s", index, error)
                continue
            ahead.entries[index] = _Entry(record.key, record.venue_info, "".join(pieces), diagnostics)
        return ahead

    def write_entries(
        self, records: Sequence[Record], start: int, stop: int, options: ExportOptions, out: TextOutput
    ) -> list[Diagnostic]:
        """Write what ``exporter.write_entries`` writes, with the entries written ahead that still apply."""
        if options != self.options:
            return self.exporter.write_entries(records, start, stop, options, out)
        own = {id(record): index for index, record in enumerate(self.records)}
        diagnostics: list[Diagnostic] = []
        # Consecutive entries that are not written ahead are written as one slice.
        pending: int | None = None
        for position in range(start, stop):
            record = records[position]
            # The first entry of the list may differ from one after it, so it is never written ahead.
            index = own.get(id(record)) if position > 0 else None
            entry = self.entries.get(index) if index is not None else None
            if entry is None or entry.key != record.key or entry.venue != record.venue_info:
                if pending is None:
                    pending = position
                continue
            if pending is not None:
                diagnostics += self.exporter.write_entries(records, pending, position, options, out)
                pending = None
            out.write(entry.text)
            diagnostics += entry.diagnostics
            self.used += 1
            # Once written out, the entry is held by ``out`` alone, which may drop it.
            del self.entries[index]
        if pending is not None:
            diagnostics += self.exporter.write_entries(records, pending, stop, options, out)
        return diagnostics
