"""Step: keep only the records of the requested venues and years."""

from __future__ import annotations

from collections.abc import Collection

from paperbib.model import Record
from paperbib.venues import lookup_form


def filter_records(records: list[Record], venues: Collection[str] = (), years: Collection[int] = ()) -> list[Record]:
    """Keep records whose venue matches one of ``venues`` and whose year is one of ``years``.

    An empty collection means no filter. A venue matches by its catalogue id, its short name or its
    name as written in the list, compared case-insensitively.
    """
    wanted = {lookup_form(venue) for venue in venues}
    kept = []
    for record in records:
        if years and record.year not in years:
            continue
        if wanted and not _venue_names(record) & wanted:
            continue
        kept.append(record)
    return kept


def _venue_names(record: Record) -> set[str]:
    names = set()
    if record.venue:
        names.add(lookup_form(record.venue))
    if record.venue_info:
        names.add(lookup_form(record.venue_info.id))
        names.add(lookup_form(record.venue_info.short))
    return names
