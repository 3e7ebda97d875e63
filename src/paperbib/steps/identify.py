"""Step: derive identifiers (arXiv, DOI, OpenReview, ...) from each record's links."""

from __future__ import annotations

from paperbib.identifiers import derive_identifiers
from paperbib.model import Record, evolve


def identify(records: list[Record], copy: bool = True) -> list[Record]:
    """Set the identifiers of each record. With ``copy=False`` the records are changed in place, for a
    caller that owns them; otherwise each record is copied."""
    if copy:
        return [evolve(record, ids=derive_identifiers(record.links)) for record in records]
    for record in records:
        record.ids = derive_identifiers(record.links)
    return records
