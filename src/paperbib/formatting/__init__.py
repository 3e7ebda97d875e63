"""Formatted reference lists and in-text citations in CSL styles (citeproc-py) and pybtex styles.

What an entry contains is decided by a style and its engine: ``csl_engine`` with the corrections
in ``csl_model``, or ``pybtex_engine``. How it is written is decided by a writer (``writers``).
Engines hand entries to writers as marked text (``markup``), cleaned up by ``punctuation``.
"""

from __future__ import annotations

from paperbib.formatting.csl_engine import CslEngine, RenderedEntry, UnknownKeyError
from paperbib.formatting.formatter import OUTPUT_FORMATS, FormattedList, Formatter
from paperbib.formatting.styles import ALIASES, PYBTEX_STYLES, StyleNotFoundError, resolve_style

__all__ = [
    "ALIASES",
    "OUTPUT_FORMATS",
    "PYBTEX_STYLES",
    "CslEngine",
    "FormattedList",
    "Formatter",
    "RenderedEntry",
    "StyleNotFoundError",
    "UnknownKeyError",
    "resolve_style",
]
