"""Step: derive identifiers (arXiv, DOI, OpenReview, ...) from each record's links."""

from __future__ import annotations

from paperbib.identifiers import derive_identifiers
from paperbib.model import Record, evolve


def identify(records: list[Record]) -> list[Record]:
    return [evolve(record, ids=derive_identifiers(record.links)) for record in records]
