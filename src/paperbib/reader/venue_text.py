"""Reading a venue and a year from the short texts that lists write, such as ``CVPR'25`` or ``NeurIPS, 2024``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from paperbib.venues import Catalogue

_YEAR = r"(?:19|20)\d{2}"
# "ICLR 2024", "NeurIPS, 2024", "Arxiv 2024.07", "ICLR-2024", "IJCAI 2024 (Survey Track)"
_VENUE_FULL_YEAR = re.compile(
    rf"^(?P<venue>.*?[^\s,\-_–—'’(])[\s,\-_–—']*\(?(?P<year>{_YEAR})(?:[./-](?P<month>\d{{1,2}}))?\)?(?P<rest>.*)$"
)
# "CVPR'25", "CAS '18", "NeurIPSW'24"
_VENUE_SHORT_YEAR = re.compile(r"^(?P<venue>.*?\S)\s*['’‘](?P<yy>\d{2})\b(?P<rest>.*)$")
_DIGIT = re.compile(r"\d")
_YEAR_ONLY = re.compile(rf"^\(?(?P<year>{_YEAR})(?:[./-]\d{{1,2}})?\)?$")
_MARKUP = re.compile(r"\*\*|__|`|<[^>]+>")
_QUALIFIER = re.compile(
    r"\b(?:reject(?:ed)?|rejection|withdrawn|submitted|submission|under review|in review|to appear)\b", re.IGNORECASE
)
_WORKSHOP = re.compile(r"\bworkshops?\b", re.IGNORECASE)


@dataclass(frozen=True)
class VenueText:
    """A venue as a list writes it, split into name, year and any extra words.

    ``venue`` is None when the text names no venue: only a year, or a rejected or submitted paper,
    whose words are then in ``note``.
    """

    venue: str | None
    year: int | None
    note: str = ""


def two_digit_year(yy: int) -> int:
    """Return the year that a two-digit ``'YY`` suffix names; lists use it for 1951 to 2050."""
    return 2000 + yy if yy <= 50 else 1900 + yy


def clean_venue_text(text: str) -> str:
    text = _MARKUP.sub(" ", text)
    return " ".join(text.replace("\u00a0", " ").split()).strip(" .,;:-–—[]")


def parse_venue_text(text: str) -> VenueText:
    """Split ``text`` into venue, year and note; the text is plain or has bold, code or HTML markup.

    ``ICCV'23 Workshop`` gives venue ``ICCV Workshop``, so it resolves to the workshop, not the
    conference. ``ICLR reject`` gives no venue and the note ``ICLR reject``.
    """
    cleaned = clean_venue_text(text)
    if not cleaned:
        return VenueText(None, None)
    match = _YEAR_ONLY.match(cleaned)
    if match:
        return VenueText(None, int(match.group("year")))
    venue, year, rest = cleaned, None, ""
    # Both year patterns need a digit, and most texts after a title (author lists) have none.
    if _DIGIT.search(cleaned):
        match = _VENUE_SHORT_YEAR.match(cleaned)
        if match and not re.search(_YEAR, match.group("venue")):
            venue, year, rest = match.group("venue"), two_digit_year(int(match.group("yy"))), match.group("rest")
        else:
            match = _VENUE_FULL_YEAR.match(cleaned)
            if match:
                venue, year, rest = match.group("venue"), int(match.group("year")), match.group("rest")
    venue = venue.strip(" ,-–—'’")
    rest = rest.strip(" .,;")
    note = ""
    if rest:
        if _WORKSHOP.fullmatch(rest):
            venue = f"{venue} Workshop"
        else:
            note = rest.strip("()").strip()
    if _QUALIFIER.search(venue):
        return VenueText(None, year, " ".join(part for part in (venue, note) if part))
    return VenueText(venue or None, year, note)


_VENUE_WORDS = re.compile(
    r"\b(?:workshops?|conference|symposium|journal|transactions|proceedings|letters)\b", re.IGNORECASE
)
_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z][A-Za-z0-9&+\-/.]*$")


def names_venue_kind(name: str) -> bool:
    """True when ``name`` contains a word such as Workshop, Conference or Journal."""
    return bool(_VENUE_WORDS.search(name))


def is_venue_like(name: str, catalogue: Catalogue) -> bool:
    """True when ``name`` is a catalogue venue, names a kind of venue, or is an acronym such as ``IJCNN``."""
    if not name or len(name) > 80:
        return False
    if catalogue.find(name) is not None:
        return True
    words = name.split()
    if len(words) > 6:
        return False
    if _VENUE_WORDS.search(name):
        return True
    return len(words) <= 2 and all(_ACRONYM.match(word) for word in words)
