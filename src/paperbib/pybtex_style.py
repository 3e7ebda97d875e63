"""A pybtex formatting style for paper lists, whose entries usually have no authors.

pybtex's built-in styles (``unsrt``, ``plain``, ``alpha``) require ``author`` for
``@inproceedings`` and ``@article`` entries and stop with "missing author" otherwise. This style
is ``unsrt`` with every name list optional, so an entry without authors starts with its title.
It is registered as ``paperbib`` in the ``pybtex.style.formatting`` group:
``pybtex-format --style paperbib papers.md papers.html``.
"""

from __future__ import annotations

from typing import Any

from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import optional


class Style(UnsrtStyle):
    def format_names(self, role: str, as_sentence: bool = True) -> Any:
        return optional[super().format_names(role, as_sentence)]
