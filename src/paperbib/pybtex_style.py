"""A pybtex formatting style for paper lists, whose entries often lack authors or a year.

pybtex's built-in styles (``unsrt``, ``plain``, ``alpha``) require ``author`` and ``year`` for
``@inproceedings`` and ``@article`` entries and stop with "missing author" or "missing year"
otherwise. This style is ``unsrt`` with every name list optional, so an entry without authors
starts with its title, and with ``n.d.`` (no date) printed for an entry without a year. It is
registered as ``paperbib`` in the ``pybtex.style.formatting`` group:
``pybtex-format --style paperbib papers.md papers.html``.
"""

from __future__ import annotations

from typing import Any

from pybtex.database import Entry
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import optional

NO_DATE = "n.d."


class Style(UnsrtStyle):
    def format_names(self, role: str, as_sentence: bool = True) -> Any:
        return optional[super().format_names(role, as_sentence)]

    def format_entry(self, label: str, entry: Entry, bib_data: Any = None) -> Any:
        if "year" not in entry.fields:
            # A copy, so the bibliography data itself keeps no invented year.
            dated = Entry(entry.type, fields={**entry.fields, "year": NO_DATE}, persons=entry.persons)
            dated.key = entry.key
            entry = dated
        return super().format_entry(label, entry, bib_data)
