"""The fast path for the most common bullet: a plain title, ``[[label](https://...)]`` link groups and
optional text after them, as in ``Title [[paper](https://...)] [[code](https://...)] Authors``.

One regular expression splits such a line into title, links and trailing text. ``read_segments``
then reads them with the same code as the full path, so the fast path replaces only ``preclean``,
``_take_leading_venue``, ``scan_links``, ``_take_title`` and ``_collect_after_title``. The pattern
accepts only text on which those functions are known to give that split:

- no ``[``, ``]`` or ``<`` outside the link groups, so there is no other link, image, HTML tag or
  ``<br>``, and no ``://`` there, so there is no bare URL. A backslash there only hides the next
  character from the link scanner, and none of the characters left can start a link;
- no ``&nbsp;``, so ``preclean`` changes nothing;
- no ``*``, no character reference such as ``&amp;`` and no ``_`` that can delimit emphasis in the
  title, so titles whose emphasis and references ``clean_entry_title`` removes and decodes take the
  full path;
- a title that does not start with ``*`` or ``_`` (a bold venue tag) and is followed by white
  space, so no leading venue tag or ``2019-VENUE-`` prefix matches;
- URLs that start with ``http://`` or ``https://`` and have no white space, parentheses, brackets,
  angle brackets or backslashes, so every link is external and its URL is taken as written;
- nothing but spaces or tabs between the link groups, and white space before the trailing text.

Any other line returns None here and takes the full path. tests/test_fast_paths.py compares the
records of both paths.
"""

from __future__ import annotations

import re

from paperbib.model import Link
from paperbib.reader.entries import NOTE_ONLY, Entry, read_segments
from paperbib.text import may_contain_inline_markup
from paperbib.venues import Catalogue

_LINK = r"\[\[[^\[\]\\]+\]\(https?://[^\s()\[\]<>\\]+\)\]"
# The title cannot contain "[", so it ends before the first link group. Because it is greedy, it
# keeps the white space before the group but one character. The checks below ignore that white
# space, and the strip removes it.
_PLAIN_ENTRY = re.compile(
    rf"(?P<title>[^\s*_\[\]<][^\[\]<]*)\s+(?P<links>{_LINK}(?:[ \t]*{_LINK})*)(?:\s+(?P<rest>[^\[\]<]*))?"
)
# A label has no "]" and a URL no ")", so in a links group that _PLAIN_ENTRY accepted, each label
# ends at the next "]" and each URL at the next ")". These one-character classes scan faster than
# those of _LINK.
_GROUP_LINK = re.compile(r"\[\[([^\]]*)\]\(([^)]*)\)")


def parse_plain_entry(content: str, catalogue: Catalogue) -> Entry | None:
    """Read ``content`` (a stripped bullet text) when it has the plain shape; None when it has another shape.

    For a line of the plain shape the result equals ``parse_entry(content, ...)``.
    """
    match = _PLAIN_ENTRY.fullmatch(content)
    if match is None:
        return None
    title, rest = match.group("title", "rest")
    if "://" in title or "&nbsp;" in content or (rest is not None and "://" in rest):
        return None
    if may_contain_inline_markup(title):
        return None
    entry = Entry(
        title="", links=[Link(label.strip(), url) for label, url in _GROUP_LINK.findall(match.group("links"))]
    )
    segments = [title.strip()]
    if rest is not None:
        rest = rest.strip()
        if not NOTE_ONLY.match(rest):
            segments.append(rest)
    return read_segments(entry, segments, False, catalogue)
