"""Step: keep only the records of the requested venues and years."""

from __future__ import annotations

from collections.abc import Collection

from paperbib.model import Record
from paperbib.venues import Catalogue, default_catalogue, lookup_form


def filter_records(
    records: list[Record],
    venues: Collection[str] = (),
    years: Collection[int] = (),
    catalogue: Catalogue | None = None,
) -> list[Record]:
    """Keep records whose venue matches one of ``venues`` and whose year is one of ``years``.

    An empty collection means no filter. A venue matches by any name the catalogue lists for it
    (``NIPS`` selects NeurIPS papers), or by its name as written in the list, in any case.
    """
    catalogue = catalogue or default_catalogue()
    wanted = set()
    for venue in venues:
        known = catalogue.find(venue)
        wanted.add(lookup_form(known.id if known else venue))
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
