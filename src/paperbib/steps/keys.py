"""Step: give every record a venue-year citation key such as ``iclr2024-model-tells-discard``.

Keys are lowercase ASCII and match ``[a-z0-9]+([-_:][a-z0-9]+)*``, which bibtex, biber and pandoc
all accept. A key depends only on the record itself: the venue, the year and the first
significant words of the title. When papers of the same venue and year would share a key, those
papers (and only those) get more title words, and then a short hash of their own paper link or
arXiv ID. So adding, removing or reordering other papers never changes a key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import replace

from paperbib.model import Record
from paperbib.text import split_math

TITLE_WORDS = 3
EXTENDED_TITLE_WORDS = 8
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_:][a-z0-9]+)*$")

# Function words skipped in keys, as reference managers do for short titles.
STOPWORDS = frozenset(
    (
        "a an the of for and or nor but in on at to by with via from into onto over under "
        "is are be as its it this that these those we you your our what when where how why which "
        "do does can not no using towards toward through than up"
    ).split()
)


def assign_keys(records: list[Record]) -> list[Record]:
    base = [_key(record, TITLE_WORDS) for record in records]
    groups: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(base):
        groups[key].append(index)
    keys = list(base)
    for members in groups.values():
        if len(members) == 1:
            continue
        extended = {index: _key(records[index], EXTENDED_TITLE_WORDS) for index in members}
        counts: dict[str, int] = defaultdict(int)
        for key in extended.values():
            counts[key] += 1
        for index, key in extended.items():
            keys[index] = key if counts[key] == 1 else f"{key}-{_identity_hash(records[index])}"
    keys = _number_remaining(records, keys)
    _check_pattern(records, keys)
    return [replace(record, key=key) for record, key in zip(records, keys, strict=True)]


# Removed without a word break, so "Don't" gives "dont", "Q&A" gives "qa" and "Bit-Flips" gives "bitflips".
_JOINING = frozenset("'’‘&-\u2010\u2011")


def title_words(title: str) -> list[str]:
    """ASCII words of a title for keys: math removed, quotes and hyphens dropped, other scripts transliterated."""
    from anyascii import anyascii

    text = "".join(chunk for is_math, chunk in split_math(title) if not is_math)
    pieces: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char in _JOINING:
            continue
        category = unicodedata.category(char)
        if category[0] not in "LN":
            pieces.append(" ")
        elif char.isascii():
            pieces.append(char)
        elif category == "Lo":
            # Han and similar scripts transliterate to one syllable per character.
            pieces.append(" " + anyascii(char) + " ")
        else:
            pieces.append(anyascii(char))
    return re.findall(r"[a-z0-9]+", "".join(pieces).lower())


def venue_prefix(record: Record) -> str:
    if record.venue_info is not None:
        venue = record.venue_info.id
    elif record.ids.arxiv:
        venue = "arxiv"
    else:
        venue = ""
    year = str(record.year) if record.year is not None else ""
    return re.sub(r"[^a-z0-9]", "", f"{venue}{year}".lower())


def _key(record: Record, word_count: int) -> str:
    words = title_words(record.title)
    significant = [word for word in words if word not in STOPWORDS] or words
    parts = [part for part in (venue_prefix(record), *significant[:word_count]) if part]
    if len(parts) <= 1:
        parts.append(_identity_hash(record))
    return "-".join(parts)


def _identity_hash(record: Record) -> str:
    """Six hex digits from what identifies the paper itself (link or arXiv ID, and title), never its position."""
    identity = f"{record.ids.arxiv_base or record.paper_url or ''}\n{record.title}"
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:6]


def _number_remaining(records: list[Record], keys: list[str]) -> list[str]:
    """Append -2, -3, ... to keys that are still shared.

    This happens only for papers whose venue, year, title words, link and title all agree after
    normalisation, e.g. two titles that differ only in a math span. Their order comes from their
    content, and from their line only when the content is equal.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        groups[key].append(index)
    numbered = list(keys)
    for key, members in groups.items():
        if len(members) == 1:
            continue
        members.sort(key=lambda index: (records[index].title, records[index].paper_url or "", records[index].location))
        for position, index in enumerate(members[1:], start=2):
            numbered[index] = f"{key}-{position}"
    return numbered


def _check_pattern(records: list[Record], keys: list[str]) -> None:
    for record, key in zip(records, keys, strict=True):
        if not KEY_PATTERN.match(key):
            raise AssertionError(f"generated key {key!r} for {record.location} has invalid characters")
