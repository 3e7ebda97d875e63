"""Step: give every record a venue-year citation key such as ``iclr2024-model-tells-discard``.

Keys are lowercase ASCII and match ``[a-z0-9]+([-_:][a-z0-9]+)*``, which bibtex, biber and pandoc
all accept. A key depends only on the record itself: the venue, the year and the first
significant words of the title. When papers of the same venue and year would share a key, those
papers (and only those) get more title words, and then a short hash of their own paper link or
arXiv ID. So adding, removing or reordering other papers never changes a key.

A key format (``--key-format``) replaces the venue-year form with a small formula. Its fields
are listed in ``KEY_FIELDS``, and docs/keys.md describes the language.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from paperbib.errors import PaperbibError
from paperbib.model import Record, evolve
from paperbib.text import split_math
from paperbib.transliterate import to_ascii

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


class KeyFormatError(PaperbibError, ValueError):
    """A key format that cannot be used: unknown field, bad word count or characters not allowed in keys."""


# Field name -> its value in a key. The help of --key-format and docs/keys.md list the same fields.
KEY_FIELDS = {
    "venue": "catalogue id (iclr, neurips...), a slug of the name of a venue not in the catalogue, "
    "arxiv for a preprint without venue, else empty",
    "year": "four-digit year, empty when the list gives none",
    "title": "first N significant title words joined by '-' ({title:N}, default 3)",
    "arxiv": "arXiv ID without version, '.' and '/' written as '-', empty without one",
    "hash": "six hex digits from the paper's arXiv ID, paper link or title",
}
_FIELD = re.compile(r"\{([a-z]+)(?::([0-9]+))?\}")
_LITERAL = re.compile(r"^[a-z0-9_:-]*$")
_SEPARATOR_RUNS = re.compile(r"([-_:])[-_:]+")
MAX_TITLE_WORDS = 20


@dataclass(frozen=True)
class KeyFormat:
    """A parsed key formula: literal text and (field, word count) pairs, in order."""

    formula: str
    parts: tuple[str | tuple[str, int], ...]


def parse_key_format(formula: str) -> KeyFormat:
    """Parse a formula such as ``{venue}{year}-{title:3}``; raises KeyFormatError naming the problem.

    Literal text may contain ``a-z``, ``0-9``, ``-``, ``_`` and ``:``, the characters of a valid key.
    A field that is empty for a paper leaves no doubled or trailing separator behind.
    """
    parts: list[str | tuple[str, int]] = []
    position = 0
    for match in _FIELD.finditer(formula):
        parts.append(_literal(formula, formula[position : match.start()], position))
        name, count = match.group(1), match.group(2)
        if name not in KEY_FIELDS:
            raise KeyFormatError(
                f"key format {formula!r}: unknown field {{{name}}}; known fields: "
                + ", ".join(f"{{{field}}}" for field in KEY_FIELDS)
            )
        if count is not None and name != "title":
            raise KeyFormatError(f"key format {formula!r}: only {{title}} takes a word count, not {{{name}:{count}}}")
        words = TITLE_WORDS if count is None else int(count)
        if not 1 <= words <= MAX_TITLE_WORDS:
            raise KeyFormatError(f"key format {formula!r}: word count {words} is outside 1-{MAX_TITLE_WORDS}")
        parts.append((name, words))
        position = match.end()
    parts.append(_literal(formula, formula[position:], position))
    if not any(isinstance(part, tuple) for part in parts):
        raise KeyFormatError(f"key format {formula!r} has no field, so every paper would get the same key")
    return KeyFormat(formula, tuple(part for part in parts if part != ""))


def _literal(formula: str, text: str, offset: int) -> str:
    if _LITERAL.match(text):
        return text
    bad = next(index for index, char in enumerate(text) if not _LITERAL.match(char))
    raise KeyFormatError(
        f"key format {formula!r}: character {text[bad]!r} at position {offset + bad + 1} is not allowed in keys; "
        "use fields in braces, a-z, 0-9, '-', '_' or ':'"
    )


def format_key(record: Record, key_format: KeyFormat, title_words_extra: int = 0) -> str:
    """Return the key that ``key_format`` gives ``record``, or its identity hash when every field is empty."""
    pieces: list[str] = []
    for part in key_format.parts:
        if isinstance(part, str):
            pieces.append(part)
        else:
            pieces.append(_field_value(record, part[0], part[1] + title_words_extra))
    key = _SEPARATOR_RUNS.sub(r"\1", "".join(pieces)).strip("-_:")
    return key or identity_hash(record)


def _field_value(record: Record, name: str, words: int) -> str:
    if name == "venue":
        return venue_id(record)
    if name == "year":
        return str(record.year) if record.year is not None else ""
    if name == "title":
        return "-".join(_significant_words(record)[:words])
    if name == "arxiv":
        return re.sub(r"[^a-z0-9]+", "-", (record.ids.arxiv_base or "").lower())
    return identity_hash(record)


def assign_keys(
    records: list[Record],
    key_format: KeyFormat | None = None,
    copy: bool = True,
    words: dict[str, str] | None = None,
) -> list[Record]:
    """Give every record a unique key: the venue-year default, or ``key_format`` when given.

    With ``copy=False`` the records are changed in place, for a caller that owns them; otherwise
    they are copied. ``words`` maps titles to their ``significant_words`` joined by "-", computed ahead.
    """
    if key_format is not None:
        return _with_keys(records, _formatted_keys(records, key_format), copy)
    base = [_key(record, TITLE_WORDS, words) for record in records]
    keys = list(base)
    for members in _shared_key_groups(base):
        extended = {index: _key(records[index], EXTENDED_TITLE_WORDS) for index in members}
        counts: dict[str, int] = defaultdict(int)
        for key in extended.values():
            counts[key] += 1
        for index, key in extended.items():
            keys[index] = key if counts[key] == 1 else f"{key}-{identity_hash(records[index])}"
    keys = _number_remaining(records, keys)
    _check_pattern(records, keys)
    return _with_keys(records, keys, copy)


def first_key(record: Record, key_format: KeyFormat | None = None, words: dict[str, str] | None = None) -> str:
    """Return the key that ``assign_keys`` gives ``record`` when no other record of its list has the same one.

    ``words`` maps titles to their key words, as for ``assign_keys``.
    """
    if key_format is not None:
        return format_key(record, key_format)
    return _key(record, TITLE_WORDS, words)


def _shared_key_groups(keys: list[str]) -> list[list[int]]:
    """Return the indexes of each key that more than one record has, in order of first use.

    Most keys are unique, so Counter, which counts in C, finds the few shared ones first.
    """
    shared = {key for key, count in Counter(keys).items() if count > 1}
    if not shared:
        return []
    groups: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        if key in shared:
            groups[key].append(index)
    return list(groups.values())


def _with_keys(records: list[Record], keys: list[str], copy: bool) -> list[Record]:
    if copy:
        return [evolve(record, key=key) for record, key in zip(records, keys, strict=True)]
    for record, key in zip(records, keys, strict=True):
        record.key = key
    return records


# Removed without a word break, so "Don't" gives "dont", "Q&A" gives "qa" and "Bit-Flips" gives "bitflips".
_JOINING = frozenset("'’‘&-\u2010\u2011")


def title_words(title: str) -> list[str]:
    """ASCII words of a title for keys: math removed, quotes and hyphens dropped, other scripts transliterated."""
    text = "".join(chunk for is_math, chunk in split_math(title) if not is_math) if "$" in title else title
    if text.isascii():
        # NFC changes no ASCII text. Every ASCII character other than those in _JOINING maps to
        # itself or to a separator, so the per-character mapping below reduces to dropping those.
        # str.replace finds an absent character with one memchr, where str.translate with a table
        # looks up each distinct character of the title.
        return _WORD.findall(text.replace("'", "").replace("&", "").replace("-", "").lower())
    text = unicodedata.normalize("NFC", text)
    return _WORD.findall(text.translate(_KEY_CHARACTERS).lower())


class _KeyCharacters(dict[int, str]):
    """A ``str.translate`` table that fills itself with ``_key_character`` on first use of a character.

    It keeps at most ``_KEY_CHARACTERS_KEPT`` characters, so text in many scripts cannot grow it without bound.
    """

    def __missing__(self, code: int) -> str:
        value = _key_character(chr(code))
        if len(self) < _KEY_CHARACTERS_KEPT:
            self[code] = value
        return value


_KEY_CHARACTERS_KEPT = 4096


_WORD = re.compile(r"[a-z0-9]+")
_KEY_CHARACTERS = _KeyCharacters()


@lru_cache(maxsize=4096)
def _key_character(char: str) -> str:
    """Return the ASCII text that ``char`` adds to key words: itself, a separator or a transliteration."""
    if char in _JOINING:
        return ""
    category = unicodedata.category(char)
    if category[0] not in "LN":
        return " "
    if char.isascii():
        return char
    if category == "Lo":
        # Han and similar scripts transliterate to one syllable per character.
        return " " + to_ascii(char) + " "
    return to_ascii(char)


def venue_id(record: Record) -> str:
    """Return the venue part of a key: the catalogue id (a slug for unknown venues), ``arxiv`` or empty."""
    if record.venue_info is not None:
        return _venue_slug(record.venue_info.id)
    return "arxiv" if record.ids.arxiv else ""


_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=1024)
def _venue_slug(venue: str) -> str:
    """Return ``venue`` in lowercase without the characters that keys do not allow, cached because
    a list names a few venues many times."""
    return _NOT_ALPHANUMERIC.sub("", venue.lower())


def venue_prefix(record: Record) -> str:
    year = str(record.year) if record.year is not None else ""
    return venue_id(record) + year


def significant_words(title: str) -> list[str]:
    """Return the words of ``title`` for keys without stop words; all its words when every one is a stop word."""
    words = title_words(title)
    return [word for word in words if word not in STOPWORDS] or words


def _significant_words(record: Record, known: dict[str, str] | None = None) -> list[str]:
    """Return the key words of the record's title, looked up in ``known`` (joined by "-") when it has them."""
    joined = known.get(record.title) if known else None
    if joined is None:
        return significant_words(record.title)
    return joined.split("-") if joined else []


def _key(record: Record, word_count: int, known: dict[str, str] | None = None) -> str:
    # Title words are never empty, so only the venue prefix can be.
    prefix = venue_prefix(record)
    parts = _significant_words(record, known)[:word_count]
    if prefix:
        parts.insert(0, prefix)
    if len(parts) <= 1:
        parts.append(identity_hash(record))
    return "-".join(parts)


def _formatted_keys(records: list[Record], key_format: KeyFormat) -> list[str]:
    """Keys from a formula; papers that share one get five more title words, then their identity hash."""
    keys = [format_key(record, key_format) for record in records]
    for extra_words, with_hash in ((EXTENDED_TITLE_WORDS - TITLE_WORDS, False), (0, True)):
        for members in _shared_key_groups(keys):
            for index in members:
                if with_hash:
                    keys[index] = f"{keys[index]}-{identity_hash(records[index])}"
                else:
                    keys[index] = format_key(records[index], key_format, extra_words)
    keys = _number_remaining(records, keys)
    _check_pattern(records, keys)
    return keys


def identity_hash(record: Record) -> str:
    """Six hex digits from what identifies the paper itself (link or arXiv ID, and title), never its position."""
    # Imported here because hashlib loads OpenSSL, which takes milliseconds, and most keys need no hash.
    import hashlib

    identity = f"{record.ids.arxiv_base or record.paper_url or ''}\n{record.title}"
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:6]


def _number_remaining(records: list[Record], keys: list[str]) -> list[str]:
    """Append -2, -3, ... to keys that are still shared.

    This happens only for papers whose venue, year, title words, link and title all agree after
    normalisation, e.g. two titles that differ only in a math span. Their order comes from their
    content, and from their line only when the content is equal.
    """
    numbered = list(keys)
    for members in _shared_key_groups(keys):
        key = keys[members[0]]
        members.sort(key=lambda index: (records[index].title, records[index].paper_url or "", records[index].location))
        for position, index in enumerate(members[1:], start=2):
            numbered[index] = f"{key}-{position}"
    return numbered


def _check_pattern(records: list[Record], keys: list[str]) -> None:
    for record, key in zip(records, keys, strict=True):
        if not KEY_PATTERN.match(key):
            raise AssertionError(f"generated key {key!r} for {record.location} has invalid characters")
