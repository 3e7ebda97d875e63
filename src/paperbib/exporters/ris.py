"""RIS export, the tagged format that Zotero, EndNote and Mendeley import.

Each record becomes ``TY  - CPAPER`` (conference paper), ``JOUR`` (journal article) or ``GEN``
(preprint or unknown kind), then one ``TAG  - value`` line per field and ``ER  - ``. The tags are
those of the RIS specification as Zotero's importer reads them: ``T1`` title, ``T2`` proceedings
or journal title, ``T3`` series, ``PY`` year, ``UR`` link, ``DO`` DOI and one ``N1`` note per
arXiv ID, extra link and list note. Values are UTF-8 on a single line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from paperbib.diagnostics import Diagnostic
from paperbib.exporters.base import ExportOptions, ExportResult, TextOutput, export_by_writing, write_whole
from paperbib.exporters.bibtex import extra_links
from paperbib.exporters.csl_json import is_preprint
from paperbib.model import Record
from paperbib.urls import main_url

_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")


class RisExporter:
    name = "ris"
    description = "RIS (.ris) for Zotero, EndNote and Mendeley"
    suffix = ".ris"
    # The text of an entry after the first depends on its record only (see paperbib.exporters.ahead).
    standalone_entries = True

    def export(self, records: Sequence[Record], options: ExportOptions) -> ExportResult:
        return export_by_writing(self, records, options)

    def write(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> list[Diagnostic]:
        return write_whole(self, records, options, out)

    def write_head(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> None:
        pass

    def write_entries(
        self, records: Sequence[Record], start: int, stop: int, options: ExportOptions, out: TextOutput
    ) -> list[Diagnostic]:
        separator = "" if start == 0 else "\n"  # a blank line between records, none before the first
        for record in records[start:stop]:
            out.write(separator + _format(ris_type(record), ris_fields(record, options)))
            separator = "\n"
        return []

    def write_tail(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> None:
        pass


def ris_type(record: Record) -> str:
    if is_preprint(record):
        return "GEN"
    info = record.venue_info
    if info is not None:
        return "JOUR" if info.kind == "journal" else "CPAPER"
    return "CPAPER" if record.venue else "GEN"


def ris_fields(record: Record, options: ExportOptions) -> list[tuple[str, str]]:
    """Return the (tag, value) pairs of one record after its ``TY`` line, in output order."""
    fields: list[tuple[str, str]] = [("ID", record.key), ("T1", record.title)]
    for author in record.authors:
        if author.literal:
            fields.append(("AU", author.literal))
        else:
            fields.append(("AU", f"{author.family}, {author.given}" if author.given else author.family))

    info = record.venue_info
    if info is not None and info.kind != "preprint":
        fields.append(("T2", info.booktitle if options.booktitle == "long" else info.short_booktitle))
    elif info is None and record.venue:
        fields.append(("T2", record.venue))
    if info is not None and info.series:
        fields.append(("T3", info.series))
    if record.year is not None:
        fields.append(("PY", str(record.year)))
    if info is not None and info.volume:
        fields.append(("VL", info.volume))

    if is_preprint(record):
        fields.append(("PB", "arXiv"))
    elif info is not None and info.publisher:
        fields.append(("PB", info.publisher))
    url = main_url(record)
    if url:
        fields.append(("UR", url))
    if record.ids.doi:
        fields.append(("DO", record.ids.doi))

    if record.ids.arxiv:
        fields.append(("N1", f"arXiv: {record.ids.arxiv}"))
    fields.extend(("N1", link) for link in extra_links(record, url))
    if record.note:
        fields.append(("N1", record.note))
    return [(tag, _one_line(value)) for tag, value in fields]


def _one_line(value: str) -> str:
    """Replace each line break, with the white space around it, by a space, because it would end the value."""
    # Four substring tests are much cheaper than the regular expression on a value without breaks.
    if "\n" in value or "\r" in value or "\u2028" in value or "\u2029" in value:
        value = _LINE_BREAKS.sub(" ", value)
    return value.strip()


def _format(kind: str, fields: list[tuple[str, str]]) -> str:
    lines = [f"TY  - {kind}"]
    lines.extend(f"{tag}  - {value}" for tag, value in fields)
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"
