"""BibTeX export for classic bibtex with pdflatex, which biber also reads.

Each record becomes one entry with a fixed field order and spacing, so that exporting an unchanged
list twice gives identical bytes. Links other than the paper and arXiv links go into ``annote``,
a field that the standard BibTeX styles do not print and that biblatex's data model knows.
"""

from __future__ import annotations

from collections.abc import Sequence

from paperbib import __version__
from paperbib.diagnostics import Code, Diagnostic, Severity
from paperbib.errors import ExportError
from paperbib.exporters.base import ExportOptions, ExportResult
from paperbib.latex import LATEX, brace_depth_ok, convert_value, escape_text, title_to_latex
from paperbib.model import Record
from paperbib.urls import main_url, normalise_url

# Links already written as url, eprint or doi are not repeated in annote.
_MAIN_LINK_KINDS = {"paper", "arxiv", "pdf"}


class BibtexExporter:
    name = "bibtex"
    description = "BibTeX (.bib) for bibtex/pdflatex; biber reads it too"
    suffix = ".bib"

    def export(self, records: Sequence[Record], options: ExportOptions) -> ExportResult:
        diagnostics: list[Diagnostic] = []
        header = f"% Written by paperbib {__version__}"
        if options.source_name:
            header += f" from {options.source_name}"
        chunks = [header.replace("@", "(at)") + "\n"]
        for record in records:
            fields = bibtex_fields(record, options, diagnostics)
            chunks.append(format_entry(entry_type(record), record.key, fields))
        return ExportResult("\n".join(chunks), diagnostics)


def entry_type(record: Record) -> str:
    if record.venue_info is not None:
        return record.venue_info.entry_type
    if record.ids.arxiv:
        return "misc"
    return "inproceedings" if record.venue else "misc"


def bibtex_fields(record: Record, options: ExportOptions, diagnostics: list[Diagnostic]) -> list[tuple[str, str]]:
    """The (name, value) pairs of one entry, in output order, values already in BibTeX syntax."""
    fields: list[tuple[str, str]] = []

    def text(value: str) -> str:
        conversion = convert_value(value, options.bib_encoding)
        if conversion.dropped:
            characters = " ".join(f"U+{ord(char):04X}" for char in dict.fromkeys(conversion.dropped))
            diagnostics.append(
                Diagnostic(
                    record.location,
                    Severity.WARNING,
                    Code.UNMAPPED_CHARACTER,
                    f"{record.key}: dropped characters with no LaTeX form: {characters}",
                )
            )
        if conversion.needs_unicode_engine and options.bib_encoding == LATEX:
            diagnostics.append(
                Diagnostic(
                    record.location,
                    Severity.INFO,
                    Code.NEEDS_UNICODE_ENGINE,
                    f"{record.key}: kept non-Latin text as UTF-8; typeset it with xelatex or lualatex",
                )
            )
        return conversion.value

    title = text(record.title)
    fields.append(("title", title))
    if record.authors:
        fields.append(
            (
                "author",
                " and ".join(_bibtex_name(author.family, author.given, author.literal) for author in record.authors),
            )
        )
    info = record.venue_info
    if info is not None:
        container = info.booktitle if options.booktitle == "long" else info.short_booktitle
        if info.entry_type == "article":
            fields.append(("journal", text(container)))
        elif info.entry_type in ("inproceedings", "incollection", "proceedings"):
            fields.append(("booktitle", text(container)))
        elif info.kind != "preprint":
            fields.append(("howpublished", text(container)))
    elif record.venue:
        fields.append(("booktitle" if entry_type(record) == "inproceedings" else "howpublished", text(record.venue)))
    if record.year is not None:
        fields.append(("year", str(record.year)))
    if info is not None:
        if info.publisher:
            fields.append(("publisher", text(info.publisher)))
        if info.series:
            fields.append(("series", text(info.series)))
        if info.volume:
            fields.append(("volume", text(info.volume)))
    if record.ids.doi:
        fields.append(("doi", _verbatim(record.ids.doi)))
    url = main_url(record)
    if url:
        fields.append(("url", _verbatim(url)))
    if record.ids.arxiv:
        fields.append(("eprint", record.ids.arxiv))
        fields.append(("archivePrefix", "arXiv"))
        if "/" in record.ids.arxiv:
            fields.append(("primaryClass", record.ids.arxiv.split("/")[0]))
    if not record.authors:
        # Styles sort and label author-less entries by this field instead of warning "need key".
        fields.append(("key", title))
    other_links = [
        f"{link.label}: {normalised}"
        for link in record.links
        if link.kind not in _MAIN_LINK_KINDS and (normalised := normalise_url(link.url)) and normalised != url
    ]
    if other_links:
        fields.append(("annote", escape_text("; ".join(other_links))))
    if record.note:
        fields.append(("note", text(record.note)))
    for name, value in fields:
        if not brace_depth_ok(value):
            raise ExportError(f"{record.location}: {record.key}: field {name} has unbalanced braces: {value!r}")
    return fields


def format_entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    lines = [f"@{kind}{{{key},"]
    lines.extend(f"  {name} = {{{value}}}," for name, value in fields)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _verbatim(url: str) -> str:
    """A URL for classic BibTeX with the url or hyperref package: only ``%`` needs a backslash.

    Braces would unbalance the field, so they are percent-encoded, which resolves to the same link.
    """
    return url.replace("{", "%7B").replace("}", "%7D").replace("%", r"\%")


def _bibtex_name(family: str, given: str, literal: str) -> str:
    if literal:
        return "{" + title_to_latex(literal).value + "}"
    family_latex = title_to_latex(family).value
    if given:
        return f"{family_latex}, {title_to_latex(given).value}"
    return family_latex
