"""The pybtex engine: BibTeX-like reference lists (plain, unsrt, alpha, unsrtalpha) from records.

Field values come from the same mapping as the CSL-JSON export (``csl_item``) and the entry type
from the BibTeX export, so the three outputs agree. Values are plain Unicode: pybtex parses field
values as LaTeX, so braces protect the words that case changes would corrupt (as in the BibTeX
export) and LaTeX-active characters travel as placeholders that ``MarkerBackend`` restores.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pybtex.database import BibliographyData, Entry, Person
from pybtex.plugin import find_plugin

from paperbib.errors import PaperbibError
from paperbib.exporters.bibtex import entry_type
from paperbib.exporters.csl_json import csl_item
from paperbib.formatting.csl_engine import RenderedEntry, UnknownKeyError
from paperbib.formatting.markup import BLOCK_BREAK, strip_markers
from paperbib.formatting.nocase import needs_protection
from paperbib.formatting.punctuation import clean_punctuation
from paperbib.formatting.pybtex_backend import MarkerBackend, encode_placeholders, strip_placeholders
from paperbib.model import Record
from paperbib.text import split_math

STYLE_GROUP = "pybtex.style.formatting"
_TOKENS = re.compile(r"(\s+)")


class PybtexEngine:
    """Formats records with one of paperbib's author-tolerant pybtex styles."""

    def __init__(self, style_name: str) -> None:
        self.style_name = style_name
        try:
            style_class = find_plugin(STYLE_GROUP, f"paperbib-{style_name}")
        except Exception as error:  # pybtex raises its own PluginNotFound
            raise PaperbibError(
                f"pybtex style paperbib-{style_name} is not installed ({error}); reinstall paperbib"
            ) from None
        self.style = style_class()
        self.backend = MarkerBackend()

    def bibliography(self, records: Sequence[Record]) -> list[RenderedEntry]:
        data = bibliography_data(records)
        urls = {record.key: _links(record) for record in records}
        entries = []
        for formatted in self.style.format_bibliography(data):
            text = f"[{formatted.label}]{BLOCK_BREAK}{formatted.text.render(self.backend)}"
            entries.append(RenderedEntry(formatted.key, clean_punctuation(text, False), urls[formatted.key]))
        return entries

    def citation(self, records: Sequence[Record], keys: Sequence[str]) -> str:
        """The labels of ``keys`` as in the reference list, e.g. ``[1], [3]``."""
        data = bibliography_data(records)
        labels = {formatted.key: formatted.label for formatted in self.style.format_bibliography(data)}
        for key in keys:
            if key not in labels:
                raise UnknownKeyError(key, [])
        return ", ".join(f"[{labels[key]}]" for key in keys)


def bibliography_data(records: Sequence[Record]) -> BibliographyData:
    data = BibliographyData()
    for record in records:
        data.add_entry(record.key, pybtex_entry(record))
    return data


def pybtex_entry(record: Record) -> Entry:
    """One pybtex entry; text fields are protected and encoded, URLs and identifiers stay raw."""
    item = csl_item(record)
    kind = entry_type(record)
    fields: list[tuple[str, str]] = [("title", field_value(item["title"]))]
    container = item.get("container-title")
    if container:
        if kind == "article":
            fields.append(("journal", field_value(container)))
        elif kind in ("inproceedings", "incollection", "proceedings"):
            fields.append(("booktitle", field_value(container)))
        else:
            fields.append(("howpublished", field_value(container)))
    if record.year is not None:
        fields.append(("year", str(record.year)))
    for csl_name, bibtex_name in (("publisher", "publisher"), ("collection-title", "series"), ("volume", "volume")):
        if item.get(csl_name) and not (bibtex_name == "publisher" and item[csl_name] == "arXiv"):
            fields.append((bibtex_name, field_value(str(item[csl_name]))))
    if item.get("DOI"):
        fields.append(("doi", item["DOI"]))
    if item.get("URL"):
        fields.append(("url", item["URL"]))
    if record.ids.arxiv:
        fields.append(("eprint", record.ids.arxiv))
    if not record.authors:
        # pybtex sorts and labels author-less entries by this field, as BibTeX does.
        fields.append(("key", field_value(record.title)))
    persons = {"author": [_person(author.family, author.given, author.literal) for author in record.authors]}
    return Entry(kind, fields, persons=persons if record.authors else None)


def field_value(text: str) -> str:
    """Plain text as a pybtex field value: words to keep as written in braces, the rest encoded."""
    text = strip_placeholders(strip_markers(text))
    math_ranges = []
    offset = 0
    for is_math, chunk in split_math(text):
        if is_math:
            math_ranges.append((offset, offset + len(chunk)))
        offset += len(chunk)
    out = []
    position = 0
    for token in _TOKENS.split(text):
        start, end = position, position + len(token)
        position = end
        encoded = encode_placeholders(token)
        has_math = any(low < end and start < high for low, high in math_ranges)
        if token and not token.isspace() and (has_math or needs_protection(token)):
            encoded = "{" + encoded + "}"
        out.append(encoded)
    return "".join(out)


def _person(family: str, given: str, literal: str) -> Person:
    if literal:
        return Person(last=encode_placeholders(literal))
    return Person(first=encode_placeholders(given), last=encode_placeholders(family))


def _links(record: Record) -> tuple[str, ...]:
    item = csl_item(record)
    links = []
    if item.get("DOI"):
        links.append(f"https://doi.org/{item['DOI']}")
    if item.get("URL"):
        links.append(str(item["URL"]))
    return tuple(links)
