"""Reading year and venue from headings such as ``# 2024``, ``## ICLR-2024`` or ``## ICLR'24``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from paperbib.reader.venue_text import two_digit_year

_YEAR = r"(?:19|20)\d{2}"
_YEAR_ONLY = re.compile(rf"^(?P<year>{_YEAR})$")
# The year is split off at the last separator, so "S&P-2023" keeps "S&P" as the venue.
_VENUE_YEAR = re.compile(rf"^(?P<venue>.*?\S)[\s\-_–—,']*(?P<year>{_YEAR})$")
_VENUE_SHORT_YEAR = re.compile(r"^(?P<venue>.*?\S)\s*['’‘](?P<yy>\d{2})$")
_ANCHOR = re.compile(r"<a\s[^>]*>\s*</a>", re.IGNORECASE)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class HeadingContext:
    level: int
    text: str
    year: int | None
    venue: str | None


def heading_text(raw: str) -> str:
    """Plain heading text: closing ``#`` marks, emphasis, HTML anchors and link targets removed."""
    text = re.sub(r"\s+#+\s*$", "", raw.strip())
    text = _ANCHOR.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = text.replace("**", "").replace("__", "")
    return " ".join(text.split())


def parse_heading(level: int, raw: str) -> HeadingContext:
    """Read year and venue from one heading.

    A heading that is only a year sets the year. ``VENUE-YEAR`` and its spellings set both. Any
    other heading below level 1 names a venue whose year comes from the enclosing heading. Other
    level-1 headings (a document title, ``Under Review``) set neither, so they end the year above.
    """
    text = heading_text(raw)
    match = _YEAR_ONLY.match(text)
    if match:
        return HeadingContext(level, text, int(match.group("year")), None)
    match = _VENUE_YEAR.match(text)
    if match:
        return HeadingContext(level, text, int(match.group("year")), match.group("venue"))
    match = _VENUE_SHORT_YEAR.match(text)
    if match:
        return HeadingContext(level, text, two_digit_year(int(match.group("yy"))), match.group("venue"))
    if level == 1 or not text:
        return HeadingContext(level, text, None, None)
    return HeadingContext(level, text, None, text)
