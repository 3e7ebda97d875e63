"""A pybtex input plugin, so that pybtex and its users read markdown paper lists as bibliographies.

pyproject.toml registers :class:`MarkdownParser` as the ``markdown`` plugin of the
``pybtex.database.input`` entry-point group and for the ``.md`` suffix in
``pybtex.database.input.suffixes``, the group that ``pybtex.plugin.find_plugin`` (pybtex 0.26)
searches for a file name. pybtex's plugin page names ``pybtex.database.output.suffixes`` there,
which is the group for writers. Then ``pybtex-convert papers.md papers.bib``,
``pybtex-format --style paperbib papers.md papers.html`` and
``pybtex.database.parse_file("papers.md")`` run paperbib's reader, venue catalogue and keys.

Field values are the ones ``paperbib export --to bibtex`` writes, in BibTeX syntax with LaTeX
macros, because that is what pybtex stores for a ``.bib`` file. Findings about the list (skipped
lines, unknown venues) go to the ``paperbib.pybtex_plugin`` logger. paperbib's input errors
become ``PybtexError``, which the pybtex commands print as one line.
"""

from __future__ import annotations

import logging
from typing import Any

from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input import BaseParser
from pybtex.exceptions import PybtexError

from paperbib.diagnostics import Diagnostic, Severity
from paperbib.errors import PaperbibError
from paperbib.exporters.base import ExportOptions
from paperbib.exporters.bibtex import bibtex_fields, bibtex_name, entry_type
from paperbib.messages import plural
from paperbib.model import Record
from paperbib.pipeline import Bibliography, load, process
from paperbib.reader.markdown_list import read_markdown
from paperbib.source import Source, decode
from paperbib.urls import main_url, verbatim_field

logger = logging.getLogger(__name__)


class MarkdownParser(BaseParser):
    """Read an awesome-style markdown list into pybtex's ``BibliographyData``."""

    default_suffix = ".md"
    unicode_io = True

    def __init__(self, encoding: str | None = None, **kwargs: Any) -> None:
        super().__init__(encoding=encoding, **kwargs)
        # pybtex fills in its default encoding; paperbib's own default (UTF-8, BOM dropped) applies
        # unless the caller chose one.
        self.requested_encoding = encoding

    def parse_file(self, filename: Any, file_suffix: str | None = None) -> BibliographyData:
        if not isinstance(filename, str):
            self.filename = getattr(filename, "name", "<stream>")
            return self.parse_stream(filename)
        if file_suffix is not None:
            filename = filename + file_suffix
        self.filename = filename
        try:
            bibliography = load(filename, encoding=self.requested_encoding)
        except PaperbibError as error:
            raise PybtexError(str(error)) from None
        return self._add(bibliography)

    def parse_stream(self, stream: Any) -> BibliographyData:
        data = stream.read()
        name = str(self.filename)
        try:
            if isinstance(data, str):
                data = data.encode("utf-8")
            result = read_markdown(Source(name, decode(data, name, self.requested_encoding)))
        except PaperbibError as error:
            raise PybtexError(str(error)) from None
        return self._add(process(result.records, result.diagnostics))

    def _add(self, bibliography: Bibliography) -> BibliographyData:
        diagnostics = list(bibliography.diagnostics)
        for record in bibliography.records:
            self.data.add_entry(record.key, to_entry(record, diagnostics))
        for diagnostic in diagnostics:
            _log(diagnostic)
        if not bibliography.records:
            # As in paperbib export: an empty bibliography from a list is a mistake, not a result.
            skipped = plural(len(bibliography.skipped), "line")
            raise PybtexError(f"{self.filename}: no papers found ({skipped} skipped)")
        return self.data


def to_entry(record: Record, diagnostics: list[Diagnostic]) -> Entry:
    """Convert one record to a pybtex entry: its BibTeX fields, with authors as ``Person`` objects.

    ``url`` and ``doi`` hold the raw link, because pybtex's styles use ``url`` unchanged as the
    link target. A ``.bib`` file written by ``pybtex-convert`` therefore has a raw ``%`` in URLs,
    as biblatex expects; ``paperbib export --to bibtex`` writes ``\\%`` for classic BibTeX.
    """
    raw = {"doi": record.ids.doi, "url": main_url(record)}
    fields = []
    for name, value in bibtex_fields(record, ExportOptions(), diagnostics):
        if name == "author":
            continue
        raw_value = raw.get(name)
        fields.append((name, verbatim_field(raw_value) if raw_value else value))
    persons = {"author": [Person(bibtex_name(author)) for author in record.authors]} if record.authors else None
    return Entry(entry_type(record), fields=fields, persons=persons)


def _log(diagnostic: Diagnostic) -> None:
    level = logging.INFO if diagnostic.severity is Severity.INFO else logging.WARNING
    logger.log(level, "%s", diagnostic)
