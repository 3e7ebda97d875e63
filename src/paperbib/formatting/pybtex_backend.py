"""A pybtex backend that writes paperbib's marked text, so pybtex output goes through the same writers.

pybtex's own backends (text, HTML, LaTeX, Markdown) each escape differently and have no
reStructuredText form. This backend writes formatting as the markers of ``markup`` and decodes
the placeholders that ``pybtex_engine`` puts in field values, and ``writers`` escapes the result.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from pybtex.backends import BaseBackend

from paperbib.formatting.markup import CLOSE, OPEN, Style

# Characters that pybtex's LaTeX field parser would read as markup (comments, commands, math,
# groups, ties) are stored as private-use placeholders and restored when written.
PLACEHOLDER_BASE = 0xF100
LATEX_ACTIVE = "\\{}$%&#_~^"
_DECODE = {PLACEHOLDER_BASE + ord(char): char for char in LATEX_ACTIVE}

_TAG_STYLES = {"em": Style.ITALIC, "i": Style.ITALIC, "strong": Style.BOLD, "b": Style.BOLD}


def encode_placeholders(text: str) -> str:
    """Replace LaTeX-active characters of plain text with placeholders that pybtex leaves alone."""
    return "".join(chr(PLACEHOLDER_BASE + ord(char)) if char in LATEX_ACTIVE else char for char in text)


def strip_placeholders(text: str) -> str:
    return text.translate(dict.fromkeys(_DECODE))


class MarkerBackend(BaseBackend):
    default_suffix = ".txt"
    symbols = MappingProxyType({"ndash": "\u2013", "newblock": " ", "nbsp": "\u00a0"})

    def format_str(self, str_: str) -> str:
        return str_.translate(_DECODE)

    def format_tag(self, tag_name: str, text: str) -> str:
        style = _TAG_STYLES.get(tag_name)
        if style is None or not text:
            return text
        return OPEN[style] + text + CLOSE[style]

    def format_href(self, url: str, text: str, external: bool = False) -> str:
        # Writers make links from the entry's own URLs, so that only http(s) URLs become links.
        return text

    def write_entry(self, key: str, label: str, text: str) -> Any:
        raise NotImplementedError("paperbib formats entries one by one; use render() instead of files")
