"""BibTeX export for classic bibtex with pdflatex, which biber also reads.

Each record becomes one entry with a fixed field order and spacing, so that exporting an unchanged
list twice gives identical bytes. Links other than the paper and arXiv links go into ``annote``,
a field that the standard BibTeX styles do not print and that biblatex's data model contains.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

from paperbib import __version__
from paperbib.diagnostics import Code, Diagnostic, Severity
from paperbib.errors import ExportError
from paperbib.exporters.base import ExportOptions, ExportResult, TextOutput, export_by_writing, write_whole
from paperbib.exporters.kept_fields import merge_kept_fields
from paperbib.latex import LATEX, ConvertedValue, brace_depth_ok, convert_value, escape_text
from paperbib.model import Author, Record
from paperbib.urls import main_url, names_other_arxiv_version, normalise_url

# Links already written as url, eprint or doi are not repeated in annote.
_MAIN_LINK_KINDS = {"paper", "arxiv", "pdf"}


class BibtexExporter:
    name = "bibtex"
    description = "BibTeX (.bib) for bibtex/pdflatex; biber reads it too"
    suffix = ".bib"
    # The text of an entry after the first depends on its record only (see paperbib.exporters.ahead).
    standalone_entries = True
    updatable = True
    # Every field bibtex_fields may write except author and note, which users also add by hand.
    generated_fields = frozenset(
        "title journal booktitle howpublished year publisher series volume doi url "
        "eprint archivePrefix primaryClass key annote".split()
    )

    def export(self, records: Sequence[Record], options: ExportOptions) -> ExportResult:
        return export_by_writing(self, records, options)

    def write(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> list[Diagnostic]:
        return write_whole(self, records, options, out)

    def write_head(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> None:
        header = f"% Written by paperbib {__version__}"
        if options.source_name:
            # The file name only, so that the output does not depend on where the list was read from.
            header += f" from {os.path.basename(options.source_name)}"
        out.write(header.replace("@", "(at)") + "\n")

    def write_entries(
        self, records: Sequence[Record], start: int, stop: int, options: ExportOptions, out: TextOutput
    ) -> list[Diagnostic]:
        diagnostics: list[Diagnostic] = []
        kept_fields = options.kept_fields
        for record in records[start:stop]:
            fields = bibtex_fields(record, options, diagnostics)
            if kept_fields:
                fields = merge_kept_fields(fields, kept_fields.get(record.key, ()), self.generated_fields)
            # A blank line before each entry.
            out.write("\n" + format_entry(entry_type(record), record.key, fields))
        return diagnostics

    def write_tail(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> None:
        pass


def entry_type(record: Record) -> str:
    if record.venue_info is not None:
        return record.venue_info.entry_type
    if record.ids.arxiv:
        return "misc"
    return "inproceedings" if record.venue else "misc"


def bibtex_fields(record: Record, options: ExportOptions, diagnostics: list[Diagnostic]) -> list[tuple[str, str]]:
    """Return the (name, value) pairs of one entry in output order, values already in BibTeX syntax."""
    fields: list[tuple[str, str]] = []
    encoding = options.bib_encoding

    def text(value: str, protect_words: bool = True) -> str:
        conversion = convert_value(value, encoding, protect_words)
        if conversion.dropped or conversion.needs_unicode_engine:
            _report_conversion(record, conversion, encoding, diagnostics)
        return conversion.value

    def name(value: str) -> str:
        conversion = braced_name(value, encoding)
        if conversion.dropped or conversion.needs_unicode_engine:
            _report_conversion(record, conversion, encoding, diagnostics)
        return conversion.value

    title = text(record.title)
    if not title:
        diagnostics.append(
            Diagnostic(
                record.location,
                Severity.WARNING,
                Code.UNMAPPED_CHARACTER,
                f"{record.key}: the title is empty in BibTeX: none of its characters has a LaTeX form",
            )
        )
    fields.append(("title", title))
    if record.authors:
        fields.append(
            (
                "author",
                " and ".join(bibtex_name(author) for author in record.authors),
            )
        )
    info = record.venue_info
    if info is not None:
        container = info.booktitle if options.booktitle == "long" else info.short_booktitle
        if info.entry_type == "article":
            fields.append(("journal", name(container)))
        elif info.entry_type in ("inproceedings", "incollection", "proceedings"):
            fields.append(("booktitle", name(container)))
        elif info.kind != "preprint":
            fields.append(("howpublished", name(container)))
    elif record.venue:
        fields.append(("booktitle" if entry_type(record) == "inproceedings" else "howpublished", name(record.venue)))
    if record.year is not None:
        fields.append(("year", str(record.year)))
    # The catalogue's publisher and volume win over those fetched by paperbib enrich.
    publisher = (info.publisher if info is not None else "") or record.publisher
    # An arXiv preprint is identified by eprint and archivePrefix; @misc has no publisher field in biblatex.
    if publisher and not (info is not None and info.kind == "preprint"):
        fields.append(("publisher", name(publisher)))
    if info is not None and info.series:
        fields.append(("series", name(info.series)))
    volume = (info.volume if info is not None else "") or record.volume
    if volume:
        fields.append(("volume", text(volume)))
    if record.pages:
        fields.append(("pages", text(_page_range(record.pages))))
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
    if not record.authors and title:
        # Styles sort and label author-less entries by this field instead of warning "need key".
        fields.append(("key", title))
    other_links = extra_links(record, url)
    if other_links:
        fields.append(("annote", escape_text("; ".join(other_links))))
    if record.note:
        fields.append(("note", text(record.note)))
    check_braces(record, fields)
    return fields


@lru_cache(maxsize=4096)
def braced_name(value: str, encoding: str) -> ConvertedValue:
    """Convert a venue, publisher or series name, braced whole because styles must not change its case.

    Cached because a list repeats the names of its few venues on every paper.
    """
    conversion = convert_value(value, encoding, protect_words=False)
    return conversion._replace(value="{" + conversion.value + "}")


def _report_conversion(
    record: Record, conversion: ConvertedValue, encoding: str, diagnostics: list[Diagnostic]
) -> None:
    """Add the findings of one converted field value: dropped characters, and text that needs xelatex."""
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
    if conversion.needs_unicode_engine and encoding == LATEX:
        diagnostics.append(
            Diagnostic(
                record.location,
                Severity.INFO,
                Code.NEEDS_UNICODE_ENGINE,
                f"{record.key}: kept non-Latin text as UTF-8; typeset it with xelatex or lualatex",
            )
        )


def check_braces(record: Record, fields: list[tuple[str, str]]) -> None:
    """Raise ExportError when a field value would end its entry early or leave it open."""
    for name, value in fields:
        if ("{" not in value and "}" not in value) or value in _BALANCED_VALUES:
            continue
        if not brace_depth_ok(value):
            raise ExportError(f"{record.location}: {record.key}: field {name} has unbalanced braces: {value!r}")
        if len(_BALANCED_VALUES) >= _BALANCED_VALUES_SIZE:
            _BALANCED_VALUES.clear()
        _BALANCED_VALUES.add(value)


# Values with braces that check_braces found balanced. The braced venue, publisher and series names
# repeat on every paper of a venue, and a set look-up is cheaper than counting their braces again.
_BALANCED_VALUES: set[str] = set()
_BALANCED_VALUES_SIZE = 4096


def extra_links(record: Record, url: str | None) -> list[str]:
    """``label: url`` for each link that is not already written as the url, eprint or doi field."""
    return [
        f"{link.label}: {normalised}"
        for link in record.links
        if (link.kind not in _MAIN_LINK_KINDS or names_other_arxiv_version(record, link))
        and (normalised := normalise_url(link.url))
        and normalised != url
    ]


def format_entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    body = "".join([f"  {name} = {{{value}}},\n" for name, value in fields])
    return f"@{kind}{{{key},\n{body}}}\n"


def _page_range(pages: str) -> str:
    """Write the range ``12-34`` as BibTeX's ``12--34``; other forms (``e1234``, ``12:1-12:20``) stay as they are."""
    first, sep, last = pages.partition("-")
    if sep and first.strip().isdigit() and last.strip().lstrip("-").isdigit():
        return f"{first.strip()}--{last.strip().lstrip('-')}"
    return pages


def _verbatim(url: str) -> str:
    """A URL for classic BibTeX with the url or hyperref package: only ``%`` needs a backslash.

    Braces would unbalance the field, so they are percent-encoded, which resolves to the same link.
    """
    return url.replace("{", "%7B").replace("}", "%7D").replace("%", r"\%")


def bibtex_name(author: Author) -> str:
    """Write one name of an author list: ``Family, Given``, or a literal name in braces so it is not split."""
    if author.literal == "others":
        # BibTeX's own marker for a truncated list: "and others" prints as "et al.".
        return "others"
    if author.literal:
        return "{" + convert_value(author.literal).value + "}"
    family_latex = convert_value(author.family).value
    if author.given:
        return f"{family_latex}, {convert_value(author.given).value}"
    return family_latex
