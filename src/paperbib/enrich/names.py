"""Splitting the full names that arXiv, DBLP and OpenReview give into given and family names."""

from __future__ import annotations

import re

from paperbib.model import Author

# Lowercase particles that belong to the family name ("Ludwig van Beethoven" -> family "van Beethoven").
_PARTICLES = frozenset("van von der den de del della di da dos das du le la ter ten zu".split())
_DBLP_HOMONYM = re.compile(r"\s+\d{4}$")


def split_name(full_name: str) -> Author | None:
    """Split ``Given Names Family`` at the last word, keeping lowercase particles with the family name.

    A single word becomes a family name alone. Returns None for an empty name.
    NOTE: suffixes such as "Jr." stay in the family name. Names written family-first, as some
    CJK names are, are split wrongly, because the services give no way to tell.
    """
    words = " ".join(full_name.split()).split(" ")
    words = [word for word in words if word]
    if not words:
        return None
    if len(words) == 1:
        return Author(family=words[0])
    start = len(words) - 1
    while start > 1 and words[start - 1] in _PARTICLES:
        start -= 1
    return Author(family=" ".join(words[start:]), given=" ".join(words[:start]))


def strip_dblp_homonym(name: str) -> str:
    """Drop the four-digit number DBLP appends to tell people of the same name apart ("Wei Zhang 0001")."""
    return _DBLP_HOMONYM.sub("", name.strip())
