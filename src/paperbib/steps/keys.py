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
from functools import lru_cache

from paperbib.model import Record, evolve
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
    _check_unique(records, keys)
    return [evolve(record, key=key) for record, key in zip(records, keys, strict=True)]


def title_words(title: str) -> list[str]:
    """ASCII words of a title for keys: math removed, quotes dropped, other scripts transliterated."""
    text = "".join(chunk for is_math, chunk in split_math(title) if not is_math)
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        # Every ASCII character other than ' and & maps to itself or to a separator, so the
        # per-character mapping below reduces to dropping those two.
        return _WORD.findall(text.replace("'", "").replace("&", "").lower())
    return _WORD.findall("".join(_key_character(char) for char in text).lower())


_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=4096)
def _key_character(char: str) -> str:
    """The ASCII text that ``char`` contributes to key words: itself, a separator or a transliteration."""
    from anyascii import anyascii

    if char in "'’‘&":
        return ""
    category = unicodedata.category(char)
    if category[0] not in "LN":
        return " "
    if char.isascii():
        return char
    if category == "Lo":
        # Han and similar scripts transliterate to one syllable per character.
        return " " + anyascii(char) + " "
    return anyascii(char)


def venue_prefix(record: Record) -> str:
    if record.venue_info is not None:
        venue = record.venue_info.id
    elif record.ids.arxiv:
        venue = "arxiv"
    else:
        venue = ""
    return _prefix(venue, record.year)


@lru_cache(maxsize=4096)
def _prefix(venue: str, year: int | None) -> str:
    year_text = str(year) if year is not None else ""
    return re.sub(r"[^a-z0-9]", "", f"{venue}{year_text}".lower())


def _key(record: Record, word_count: int) -> str:
    words = title_words(record.title)
    significant = [word for word in words if word not in STOPWORDS] or words
    parts = [part for part in (venue_prefix(record), *significant[:word_count]) if part]
    if len(parts) <= 1:
        parts.append(_identity_hash(record))
    return "-".join(parts)


def _identity_hash(record: Record) -> str:
    """Six hex digits from what identifies the paper itself, never from its position."""
    identity = record.ids.arxiv_base or record.paper_url or record.title
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:6]


def _check_unique(records: list[Record], keys: list[str]) -> None:
    seen: dict[str, Record] = {}
    for record, key in zip(records, keys, strict=True):
        if not KEY_PATTERN.match(key):
            raise AssertionError(f"generated key {key!r} for {record.location} has invalid characters")
        if key in seen:
            raise AssertionError(f"generated key {key!r} twice: {seen[key].location} and {record.location}")
        seen[key] = record
