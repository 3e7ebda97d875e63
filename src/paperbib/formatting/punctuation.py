"""Punctuation clean-up of formatted entries: quotes, doubled marks and dangling separators.

citeproc-py 0.11 appends a style's period or comma after whatever the title ends with, so a title
``Why Heads?`` gives ``Why Heads?.`` and, with quotes, ``“Why Heads?”.``. It also leaves the
delimiter before a missing year (``in Workshop, ``). The functions here work on marked text (see
``markup``) and look through style markers and closing quotes, which sit between the marks.
"""

from __future__ import annotations

import re

from paperbib.formatting.markup import BLOCK_BREAK, CLOSE, OPEN

_CLOSING = frozenset(CLOSE.values()) | {"\u201d", "\u2019"}
_OPENING = frozenset(OPEN.values())
_TERMINAL = frozenset(".?!\u2026")
_QUOTE_CLOSE = "\u201d"
_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def clean_punctuation(marked: str, punctuation_in_quote: bool) -> str:
    """Apply every clean-up rule to one entry or citation."""
    text = _SPACES.sub(" ", marked)
    if punctuation_in_quote:
        text = move_into_quotes(text)
    text = drop_doubled_marks(text)
    return strip_dangling_separator(text)


def move_into_quotes(text: str) -> str:
    """Put a period or comma that follows a closing quote inside it (American usage: ``.”``).

    CSL locales ask for this with ``punctuation-in-quote``; en-US does.
    """
    chars = list(text)
    for index in range(1, len(chars)):
        if chars[index] in ".," and chars[index - 1] == _QUOTE_CLOSE:
            chars[index - 1], chars[index] = chars[index], chars[index - 1]
    return "".join(chars)


def drop_doubled_marks(text: str) -> str:
    """Drop a period or comma placed after a ``?``, ``!``, ``.`` or ellipsis that ends a field.

    The previous mark is found through style markers and closing quotes, so ``Heads?”.`` and
    ``Heads?.”`` both become ``Heads?”``. An ellipsis inside a title is never shortened.
    """
    out: list[str] = []
    for char in text:
        if char in ".," and _previous_visible(out) in _TERMINAL:
            if char == "," and _previous_visible(out) == ".":
                out.append(char)
            continue
        out.append(char)
    return "".join(out)


def strip_dangling_separator(text: str) -> str:
    """Remove a delimiter left at the end when the field after it was empty (``in Workshop, ``)."""
    stripped = text.rstrip(" " + BLOCK_BREAK)
    while True:
        core = stripped.rstrip("".join(CLOSE.values()))
        tail = stripped[len(core) :]
        if core and core[-1] in ",;:":
            stripped = core[:-1].rstrip(" ") + tail
            continue
        break
    return stripped


def _previous_visible(chars: list[str]) -> str:
    for char in reversed(chars):
        if char in _CLOSING or char in _OPENING:
            continue
        return char
    return ""
