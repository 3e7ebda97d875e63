"""The intermediate markup between a formatting engine and the output writers.

citeproc-py builds each entry by concatenating strings, and its own formatters write HTML or reST
directly, without escaping the input. paperbib instead gives citeproc-py a formatter that wraps
italic, bold and the other CSL font settings in private-use characters. An entry then parses into
runs of plain text with a set of styles, and each writer escapes the text for its format. Input
text never contains these characters because ``strip_markers`` removes them first.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Style(enum.Enum):
    ITALIC = "italic"
    BOLD = "bold"
    SMALL_CAPS = "small-caps"
    SUPERSCRIPT = "superscript"
    SUBSCRIPT = "subscript"


OPEN = {
    Style.ITALIC: "\ue000",
    Style.BOLD: "\ue002",
    Style.SMALL_CAPS: "\ue004",
    Style.SUPERSCRIPT: "\ue006",
    Style.SUBSCRIPT: "\ue008",
}
CLOSE = {
    Style.ITALIC: "\ue001",
    Style.BOLD: "\ue003",
    Style.SMALL_CAPS: "\ue005",
    Style.SUPERSCRIPT: "\ue007",
    Style.SUBSCRIPT: "\ue009",
}
# Ends a CSL display="left-margin" block, such as the "[1]" label of a numbered style.
BLOCK_BREAK = "\ue00a"

_BY_MARKER = {marker: style for style, marker in OPEN.items()} | {marker: style for style, marker in CLOSE.items()}
MARKERS = frozenset(_BY_MARKER) | {BLOCK_BREAK}
_MARKER_TABLE = dict.fromkeys(ord(marker) for marker in MARKERS)
_OPENING = frozenset(OPEN.values())
_SPLIT_AT_MARKERS = re.compile("([" + "".join(sorted(MARKERS)) + "])")


def strip_markers(text: str) -> str:
    """Remove marker characters from input text so that they cannot fake formatting."""
    if text.isascii():
        # The markers are private-use characters. CPython stores whether a string is ASCII, so this test is cheap.
        return text
    return text.translate(_MARKER_TABLE)


@dataclass(frozen=True)
class Run:
    """A piece of an entry: text with its font styles, or a break between display blocks."""

    text: str
    styles: frozenset[Style] = frozenset()
    block_break: bool = False


def parse_runs(marked: str) -> list[Run]:
    """Split marked text into runs; unbalanced markers are ignored rather than trusted."""
    runs: list[Run] = []
    active: list[Style] = []
    # re.split with a group alternates text (even indexes) and single markers (odd indexes).
    for index, piece in enumerate(_SPLIT_AT_MARKERS.split(marked)):
        if index % 2 == 0:
            if piece:
                runs.append(Run(piece, frozenset(active)))
        elif piece == BLOCK_BREAK:
            runs.append(Run(" ", block_break=True))
        elif piece in _OPENING:
            active.append(_BY_MARKER[piece])
        else:
            style = _BY_MARKER[piece]
            if style in active:
                active.reverse()
                active.remove(style)
                active.reverse()
    return runs


def plain_text(marked: str) -> str:
    """The text of a marked string without any markup, block breaks becoming spaces."""
    return "".join(" " if char == BLOCK_BREAK else char for char in marked if char not in _BY_MARKER)


class _Wrapper(str):
    """A string wrapped in one style's markers, the way citeproc-py's formatter classes are called."""

    style: Style

    def __new__(cls, text: object) -> _Wrapper:
        return super().__new__(cls, OPEN[cls.style] + str(text) + CLOSE[cls.style])


class MarkerFormatter:
    """A citeproc-py formatter (the interface of ``citeproc.formatter.html``) that writes markers."""

    class Italic(_Wrapper):
        style = Style.ITALIC

    Oblique = Italic

    class Bold(_Wrapper):
        style = Style.BOLD

    class SmallCaps(_Wrapper):
        style = Style.SMALL_CAPS

    class Superscript(_Wrapper):
        style = Style.SUPERSCRIPT

    class Subscript(_Wrapper):
        style = Style.SUBSCRIPT

    # Light weight and underlining have no counterpart in plain text or Markdown, so they are dropped.
    Light = str
    Underline = str

    @staticmethod
    def preformat(text: object) -> str:
        # Escaping happens in the writers, after punctuation clean-up, so text passes unchanged.
        return str(text)
