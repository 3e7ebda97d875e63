"""Records to the CSL items that citeproc-py reads, built on the CSL-JSON exporter's mapping."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from paperbib.exporters.base import ExportOptions
from paperbib.exporters.csl_json import csl_item
from paperbib.formatting.markup import strip_markers
from paperbib.formatting.nocase import protect_case
from paperbib.model import Record

# Variables that CSL styles may print in title case or sentence case.
CASED_VARIABLES = ("title", "container-title", "collection-title", "event-title")

# CSL-JSON keys that citeproc-py 0.11 does not know; it warns about each and never prints them.
_UNSUPPORTED = ("citation-key",)


def citeproc_items(records: Sequence[Record], options: ExportOptions | None = None) -> list[dict[str, Any]]:
    """Build one CSL item per record, with case protection and without paperbib's marker characters."""
    return [citeproc_item(record, options) for record in records]


def citeproc_item(record: Record, options: ExportOptions | None = None) -> dict[str, Any]:
    item = csl_item(record, options)
    for key in _UNSUPPORTED:
        item.pop(key, None)
    for role in ("author", "editor"):
        if role in item:
            item[role] = [split_particle(name) for name in item[role]]
    for key, value in item.items():
        if isinstance(value, str):
            value = strip_markers(value)
            item[key] = protect_case(value) if key in CASED_VARIABLES else value
    return item


def split_particle(name: dict[str, str]) -> dict[str, str]:
    """Move leading lowercase words of a family name into CSL's ``non-dropping-particle``.

    ``van der Berg`` sorts under B, as pandoc and citeproc-js parse such names from CSL-JSON.
    """
    family = name.get("family", "")
    words = family.split(" ")
    particle: list[str] = []
    while len(words) > 1 and words[0][:1].islower():
        particle.append(words.pop(0))
    if not particle:
        return name
    return {**name, "family": " ".join(words), "non-dropping-particle": " ".join(particle)}
