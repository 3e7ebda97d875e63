"""Wording helpers for messages to users: counted nouns and values quoted at a readable length."""

from __future__ import annotations

# Characters of an input value that a message repeats; a 24 KB URL would otherwise fill the terminal.
MAX_QUOTED_CHARACTERS = 80


def plural(count: int, noun: str) -> str:
    """Return ``count`` with ``noun`` in the singular or the plural: ``1 entry``, ``2 entries``, ``0 papers``."""
    if count == 1:
        return f"{count} {noun}"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return f"{count} {noun[:-1]}ies"
    return f"{count} {noun}s"


def shorten(value: str, limit: int = MAX_QUOTED_CHARACTERS) -> str:
    """Return ``value`` cut to ``limit`` characters, the last one ``…``, with its full length after it."""
    if len(value) <= limit:
        return value
    return f"{value[: limit - 1]}… ({len(value)} characters)"


def quote(value: str, limit: int = MAX_QUOTED_CHARACTERS) -> str:
    """Return ``value`` quoted as ``repr`` does, cut to ``limit`` characters with ``…`` and its full length."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[: limit - 1] + '…'!r} ({len(value)} characters)"
