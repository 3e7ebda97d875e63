"""CSL-JSON export, the format Zotero, pandoc and citeproc processors read.

Titles are written exactly as the list gives them. ``note`` carries ``arXiv: <id>`` and the other
links as ``label: url`` lines, which Zotero keeps in its Extra field.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from paperbib.diagnostics import Diagnostic
from paperbib.exporters.base import ExportOptions, ExportResult, TextOutput, export_by_writing, write_whole
from paperbib.exporters.json_text import INDENT, DumpedJSON, dumps_indented
from paperbib.model import Record
from paperbib.urls import main_url, names_other_arxiv_version, normalise_url

_NOTE_SKIPPED_KINDS = {"paper", "arxiv"}


class CslJsonExporter:
    name = "csl-json"
    description = "CSL-JSON for Zotero, pandoc and citeproc processors"
    suffix = ".json"
    # The text of an entry after the first depends on its record only (see paperbib.exporters.ahead).
    standalone_entries = True

    def export(self, records: Sequence[Record], options: ExportOptions) -> ExportResult:
        return export_by_writing(self, records, options)

    def write(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> list[Diagnostic]:
        # The same text as json.dumps(items, ensure_ascii=False, indent=2), written one item at a
        # time so that only one item is in memory at once.
        return write_whole(self, records, options, out)

    def write_head(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> None:
        out.write("[" if records else "[]")

    def write_entries(
        self, records: Sequence[Record], start: int, stop: int, options: ExportOptions, out: TextOutput
    ) -> list[Diagnostic]:
        # Each item starts with the comma after the item before it, none before the first.
        separator = "\n" if start == 0 else ",\n"
        for record in records[start:stop]:
            item = csl_item(record, options)
            if record.year is not None and "issued" in item:
                item["issued"] = _dumped_issued(record.year)  # the same value, dumped once per year
            out.write(separator + INDENT + dumps_indented(item, INDENT))
            separator = ",\n"
        return []

    def write_tail(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> None:
        out.write("\n]\n" if records else "\n")


@lru_cache(maxsize=1024)
def _dumped_issued(year: int) -> DumpedJSON:
    """Dump the ``issued`` date of an item once per year: a nested list takes three calls of dumps_indented."""
    return DumpedJSON(dumps_indented({"date-parts": [[year]]}, INDENT * 2))


def csl_item(record: Record, options: ExportOptions | None = None) -> dict[str, Any]:
    """Build one CSL-JSON item. Keys that have no value are left out, never written empty."""
    options = options or ExportOptions()
    info = record.venue_info
    item: dict[str, Any] = {"id": record.key, "citation-key": record.key, "type": csl_type(record)}
    item["title"] = record.title
    if record.authors:
        # CSL-JSON has no "et al." marker, so the "others" name of a truncated list is left out.
        names = [author for author in record.authors if author.literal != "others"]
        if names:
            item["author"] = [_csl_name(author.family, author.given, author.literal) for author in names]
    if info is not None and info.kind != "preprint":
        container = info.booktitle if options.booktitle == "long" else info.short_booktitle
        item["container-title"] = container
        event = event_title(record)
        if event:
            item["event-title"] = event
    elif record.venue and info is None:
        item["container-title"] = record.venue
    if record.year is not None:
        item["issued"] = {"date-parts": [[record.year]]}
    # The catalogue's publisher and volume win over those fetched by paperbib enrich.
    publisher = (info.publisher if info is not None else "") or record.publisher
    if publisher:
        item["publisher"] = publisher
    if info is not None and info.series:
        item["collection-title"] = info.series
    volume = (info.volume if info is not None else "") or record.volume
    if volume:
        item["volume"] = volume
    if record.pages:
        item["page"] = record.pages
    if is_preprint(record):
        item["publisher"] = "arXiv"
        if record.ids.arxiv:
            item["number"] = record.ids.arxiv
    url = main_url(record)
    if url:
        item["URL"] = url
    if record.ids.doi:
        item["DOI"] = record.ids.doi
    note = _note(record, url)
    if note:
        item["note"] = note
    return item


def event_title(record: Record) -> str | None:
    """The conference as an event, e.g. ``International Conference on Learning Representations (ICLR 2024)``."""
    info = record.venue_info
    if info is None or info.kind != "conference":
        return None
    year_text = f" {record.year}" if record.year is not None else ""
    return f"{info.name} ({info.short}{year_text})" if info.known else info.name


def csl_type(record: Record) -> str:
    if is_preprint(record):
        return "article"
    if record.venue_info is not None:
        return record.venue_info.csl_type
    return "paper-conference" if record.venue else "article"


def is_preprint(record: Record) -> bool:
    """True for an arXiv preprint: the arXiv venue, or no venue but an arXiv link."""
    if record.venue_info is not None:
        return record.venue_info.kind == "preprint"
    return record.venue is None and record.ids.arxiv is not None


def _note(record: Record, url: str | None) -> str:
    lines = []
    if record.ids.arxiv:
        lines.append(f"arXiv: {record.ids.arxiv}")
    for link in record.links:
        if link.kind in _NOTE_SKIPPED_KINDS and not names_other_arxiv_version(record, link):
            continue
        normalised = normalise_url(link.url)
        if normalised is None or normalised == url:
            continue
        lines.append(f"{link.label}: {normalised}")
    if record.note:
        lines.append(record.note)
    return "\n".join(lines)


def _csl_name(family: str, given: str, literal: str) -> dict[str, str]:
    if literal:
        return {"literal": literal}
    name = {"family": family}
    if given:
        name["given"] = given
    return name
