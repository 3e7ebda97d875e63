"""Parsing the ``[[label](url)]`` link groups of a paper bullet."""

from __future__ import annotations

import re

from paperbib.messages import shorten
from paperbib.model import Link


class LinkSyntaxError(ValueError):
    """A link group that starts like ``[[label](`` but is not closed."""


def parse_link_group(text: str, start: int) -> tuple[Link, int]:
    """Parse ``[[label](url)]`` at ``start``; return the link and the index after the group.

    Brackets in the label and parentheses in the URL may nest. Raises LinkSyntaxError when the
    group is not closed.
    """
    if not text.startswith("[[", start):
        raise LinkSyntaxError("expected '[['")
    label_end = match_bracket(text, start + 1, "[", "]")
    if label_end is None:
        raise LinkSyntaxError("link label is not closed with ']'")
    label = text[start + 2 : label_end]
    if not text.startswith("(", label_end + 1):
        raise LinkSyntaxError(f"link [{label}] has no '(url)' after it")
    url_end = match_bracket(text, label_end + 1, "(", ")")
    if url_end is None:
        raise LinkSyntaxError(f"URL of link [{shorten(label)}] is not closed with ')'")
    url = text[label_end + 2 : url_end].strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    if not text.startswith("]", url_end + 1):
        raise LinkSyntaxError(f"link [{shorten(label)}] is not closed with ']]'")
    return Link(label.strip(), url), url_end + 2


_BRACKET_EVENTS = {
    ("[", "]"): re.compile(r"[\\\[\]]"),
    ("(", ")"): re.compile(r"[\\()]"),
}


def match_bracket(text: str, open_index: int, opening: str, closing: str) -> int | None:
    """Return the index of the bracket that closes ``text[open_index]``, honouring backslash escapes."""
    events = _BRACKET_EVENTS.get((opening, closing))
    if events is None:
        events = re.compile("[" + re.escape("\\" + opening + closing) + "]")
    depth = 0
    i = open_index
    # Jump from one backslash or bracket to the next instead of looking at every character.
    while True:
        found = events.search(text, i)
        if found is None:
            return None
        i = found.start()
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == opening:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return i
        i += 1
