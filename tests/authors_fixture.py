"""Records with authors for formatting tests, built from tests/fixtures/formatting/authors.json.

The markdown reader takes no author names from paper lists, so these records are built directly
and then go through the same steps as read records (venues, keys).
"""

from __future__ import annotations

import json
from pathlib import Path

from paperbib.model import Author, Link, Location, Record
from paperbib.pipeline import process

AUTHORS_JSON = Path(__file__).resolve().parent / "fixtures" / "formatting" / "authors.json"


def load_author_records(path: Path = AUTHORS_JSON) -> list[Record]:
    data = json.loads(path.read_text(encoding="utf-8"))
    records = []
    for index, spec in enumerate(data["records"], start=1):
        authors = [
            Author(literal=name[0]) if len(name) > 2 else Author(family=name[0], given=name[1])
            for name in spec["authors"]
        ]
        records.append(
            Record(
                title=spec["title"],
                location=Location(str(path), index),
                links=[Link("paper", spec["url"])],
                year=spec["year"],
                venue=spec["venue"],
                authors=authors,
            )
        )
    return process(records, []).records
