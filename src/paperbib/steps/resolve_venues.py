"""Step: attach catalogue facts to each record; venues missing from the catalogue get one warning each."""

from __future__ import annotations

from paperbib.diagnostics import Code, Diagnostic, Severity
from paperbib.messages import quote
from paperbib.model import Record, VenueInfo, evolve
from paperbib.venues import Catalogue, lookup_form


def resolve_venues(
    records: list[Record], catalogue: Catalogue, copy: bool = True
) -> tuple[list[Record], list[Diagnostic]]:
    """Attach each record's VenueInfo. With ``copy=False`` the records are changed in place, for a
    caller that owns them; otherwise each record with a venue is copied."""
    diagnostics: list[Diagnostic] = []
    warned: set[str] = set()
    resolved = []
    # VenueInfo is immutable, so papers of one venue and year share one instance.
    infos: dict[tuple[str, int | None], VenueInfo] = {}
    for record in records:
        if record.venue is None:
            resolved.append(record)
            continue
        info = infos.get((record.venue, record.year))
        if info is None:
            info = infos[(record.venue, record.year)] = catalogue.info(record.venue, record.year)
        if not info.known and lookup_form(record.venue) not in warned:
            warned.add(lookup_form(record.venue))
            diagnostics.append(
                Diagnostic(
                    record.location,
                    Severity.WARNING,
                    Code.UNKNOWN_VENUE,
                    f"venue {quote(record.venue)} is not in the venue catalogue; its name is used as the booktitle",
                )
            )
        if copy:
            record = evolve(record, venue_info=info)
        else:
            record.venue_info = info
        resolved.append(record)
    return resolved, diagnostics
