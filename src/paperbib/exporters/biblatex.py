"""BibLaTeX export for biber: UTF-8 text, ISO dates, event titles and typed eprints.

Field names follow the biblatex manual (version 3.x): ``journaltitle`` rather than ``journal``,
``date`` rather than ``year``, ``eprinttype``/``eprint``/``eprintclass`` rather than BibTeX's
``archivePrefix``/``primaryClass``, and ``annotation`` for the list's other links. Text keeps its
Unicode characters, because biber reads UTF-8 and converts it for the engine in use. ``url`` and
``doi`` are verbatim fields in biblatex, so they are written raw, with no ``\\%``.
"""

from __future__ import annotations

from collections.abc import Sequence

from paperbib import __version__
from paperbib.diagnostics import Diagnostic
from paperbib.exporters.base import ExportOptions, ExportResult, TextOutput, export_by_writing, write_whole
from paperbib.exporters.bibtex import check_braces, extra_links, format_entry
from paperbib.exporters.csl_json import event_title, is_preprint
from paperbib.exporters.kept_fields import merge_kept_fields
from paperbib.latex import UTF8, convert_value, escape_text
from paperbib.model import Author, Record
from paperbib.urls import main_url, verbatim_field


class BiblatexExporter:
    name = "biblatex"
    description = "BibLaTeX (.bib) for biber, with UTF-8 text, date, eventtitle and eprint fields"
    suffix = ".bib"
    # The text of an entry after the first depends on its record only (see paperbib.exporters.ahead).
    standalone_entries = True
    updatable = True
    # Every field biblatex_fields may write except author and note, which users also add by hand.
    generated_fields = frozenset(
        "title journaltitle booktitle howpublished eventtitle date publisher series volume doi url "
        "eprinttype eprint eprintclass annotation".split()
    )

    def export(self, records: Sequence[Record], options: ExportOptions) -> ExportResult:
        return export_by_writing(self, records, options)

    def write(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> list[Diagnostic]:
        return write_whole(self, records, options, out)

    def write_head(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> None:
        header = f"% Written by paperbib {__version__} for biblatex and biber (UTF-8)"
        if options.source_name:
            header += f" from {options.source_name}"
        out.write(header.replace("@", "(at)") + "\n")

    def write_entries(
        self, records: Sequence[Record], start: int, stop: int, options: ExportOptions, out: TextOutput
    ) -> list[Diagnostic]:
        kept_fields = options.kept_fields
        for record in records[start:stop]:
            fields = biblatex_fields(record, options)
            if kept_fields:
                fields = merge_kept_fields(fields, kept_fields.get(record.key, ()), self.generated_fields)
            # A blank line before each entry.
            out.write("\n" + format_entry(entry_type(record), record.key, fields))
        return []

    def write_tail(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> None:
        pass


def entry_type(record: Record) -> str:
    """``online`` for arXiv preprints; otherwise the catalogue's type, which biblatex shares with BibTeX."""
    if is_preprint(record):
        return "online"
    if record.venue_info is not None:
        return record.venue_info.entry_type
    return "inproceedings" if record.venue else "misc"


def biblatex_fields(record: Record, options: ExportOptions) -> list[tuple[str, str]]:
    """Return the (name, value) pairs of one entry in output order, with values in BibLaTeX syntax."""

    def text(value: str) -> str:
        return convert_value(value, UTF8).value

    fields: list[tuple[str, str]] = [("title", text(record.title))]
    if record.authors:
        fields.append(("author", " and ".join(_name(author) for author in record.authors)))
    info = record.venue_info
    kind = entry_type(record)
    if info is not None and info.kind != "preprint":
        container = info.booktitle if options.booktitle == "long" else info.short_booktitle
        fields.append(("journaltitle" if kind == "article" else "booktitle", text(container)))
    elif info is None and record.venue:
        fields.append(("booktitle" if kind == "inproceedings" else "howpublished", text(record.venue)))
    event = event_title(record)
    if event:
        fields.append(("eventtitle", text(event)))
    if record.year is not None:
        fields.append(("date", str(record.year)))
    if info is not None:
        # biblatex's data model has no publisher for @article (nor for an arXiv @misc).
        if info.publisher and info.kind != "preprint" and info.entry_type != "article":
            publisher = text(info.publisher)
            if " and " in publisher:
                # publisher is a list field in biblatex: braces keep "A and B" one name.
                publisher = "{" + publisher + "}"
            fields.append(("publisher", publisher))
        if info.series:
            fields.append(("series", text(info.series)))
        if info.volume:
            fields.append(("volume", text(info.volume)))
    if record.ids.doi:
        fields.append(("doi", verbatim_field(record.ids.doi)))
    url = main_url(record)
    if url:
        fields.append(("url", verbatim_field(url)))
    if record.ids.arxiv:
        fields.append(("eprinttype", "arxiv"))
        fields.append(("eprint", record.ids.arxiv))
        if "/" in record.ids.arxiv:
            # Only old-style IDs (cs/0112017) name their archive; new-style IDs do not.
            fields.append(("eprintclass", record.ids.arxiv.split("/")[0]))
    other_links = extra_links(record, url)
    if other_links:
        fields.append(("annotation", escape_text("; ".join(other_links))))
    if record.note:
        fields.append(("note", text(record.note)))
    check_braces(record, fields)
    return fields


def _name(author: Author) -> str:
    if author.literal:
        return "{" + convert_value(author.literal, UTF8).value + "}"
    family = convert_value(author.family, UTF8).value
    if author.given:
        return f"{family}, {convert_value(author.given, UTF8).value}"
    return family
