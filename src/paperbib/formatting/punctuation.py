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
_QUOTE_CLOSE = "\u201d"
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
# Characters that may sit between two marks: style markers and closing quotes.
_BETWEEN = "([" + "".join(sorted(_CLOSING | _OPENING)) + "]*)"
_AFTER_QUESTION = re.compile(r"([?!\u2026])" + _BETWEEN + r"[.,]")
_DOUBLE_PERIOD = re.compile(r"(?<!\.)\." + _BETWEEN + r"\.(?!\.)")
_ELLIPSIS_PERIOD = re.compile(r"(?<!\.)\.\.\." + _BETWEEN + r"[.,](?!\.)")


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
    """Drop a period or comma that a style put after a ``?``, ``!``, ``.`` or an ellipsis.

    The marks may be separated by style markers and closing quotes, so ``Heads?”.`` and
    ``Heads?.”`` both become ``Heads?”``. Two periods become one and four become three, so an
    ellipsis (``...``) is kept whole.
    """
    text = _AFTER_QUESTION.sub(r"\1\2", text)
    text = _DOUBLE_PERIOD.sub(r".\1", text)
    return _ELLIPSIS_PERIOD.sub(r"...\1", text)


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
