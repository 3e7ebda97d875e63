"""Step: derive identifiers (arXiv, DOI, OpenReview, ...) from each record's links."""

from __future__ import annotations

from dataclasses import replace

from paperbib.identifiers import derive_identifiers
from paperbib.model import Record


def identify(records: list[Record]) -> list[Record]:
    return [replace(record, ids=derive_identifiers(record.links)) for record in records]
