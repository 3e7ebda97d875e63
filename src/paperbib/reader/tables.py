"""GFM tables of papers: column roles from the header names, then one entry per row."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from paperbib.model import Link
from paperbib.reader.authors import looks_like_authors, parse_authors
from paperbib.reader.entries import GENERIC_LABELS, Entry, parse_entry, preclean
from paperbib.reader.links import BADGE, IMAGE, scan_links
from paperbib.reader.sections import is_resource_section
from paperbib.reader.venue_text import parse_venue_text
from paperbib.venues import Catalogue

TITLE = "title"
VENUE = "venue"
YEAR = "year"
AUTHORS = "authors"
LINKS = "links"
OTHER = "other"

_DELIMITER_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")
# Header words, matched against the lowercased header text. The first role that matches wins.
_ROLE_PATTERNS = (
    (TITLE, re.compile(r"\b(?:title|paper|papers|name|method|model)\b")),
    (VENUE, re.compile(r"\b(?:venue|conference|conf|journal|issue|publication|published|publisher|pub|where)\b")),
    (YEAR, re.compile(r"\b(?:year|date|time)\b")),
    (AUTHORS, re.compile(r"\bauthors?\b")),
    (LINKS, re.compile(r"\b(?:code|codes|link|links|release|github|repo|repository|project|pdf|url|resources?)\b")),
)


@dataclass(frozen=True)
class TableHeader:
    roles: tuple[str, ...]
    names: tuple[str, ...]
    resource: bool = False  # the first column names datasets, tools or libraries, not papers

    @property
    def has_title(self) -> bool:
        return TITLE in self.roles


def split_row(line: str) -> list[str]:
    """Split a table row at pipes that are not escaped and not inside a link, code span or HTML tag."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    cells: list[str] = []
    current: list[str] = []
    depth_square = depth_round = 0
    in_code = False
    in_tag = False
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2] if text[i + 1] != "|" else "|")
            i += 2
            continue
        if char == "`":
            in_code = not in_code
        elif not in_code:
            if char == "<":
                in_tag = True
            elif char == ">":
                in_tag = False
            elif char == "[":
                depth_square += 1
            elif char == "]":
                depth_square = max(0, depth_square - 1)
            elif char == "(" and i > 0 and text[i - 1] == "]":
                depth_round += 1
            elif char == ")" and depth_round:
                depth_round -= 1
            elif char == "|" and not in_tag and depth_square == 0 and depth_round == 0:
                cells.append("".join(current))
                current = []
                i += 1
                continue
        current.append(char)
        i += 1
    last = "".join(current)
    if last.strip():
        cells.append(last)
    return [cell.strip() for cell in cells]


def is_delimiter_row(line: str, header: str) -> bool:
    """True when ``line`` is the ``| --- | :-: |`` row below ``header``, with as many cells as the header."""
    cells = split_row(line)
    if not cells or "-" not in line or not all(_DELIMITER_CELL.match(cell) for cell in cells):
        return False
    return len(cells) == len(split_row(header))


def parse_header(line: str) -> TableHeader:
    names = tuple(preclean(cell) for cell in split_row(line))
    roles: list[str] = []
    for name in names:
        lowered = re.sub(r"[*_`]", "", name).lower()
        role = next((role for role, pattern in _ROLE_PATTERNS if pattern.search(lowered)), OTHER)
        if role == TITLE and TITLE in roles:
            role = LINKS  # "| Title | Venue | Paper | Code |": the second column is the paper link
        elif role in roles and role != LINKS:
            role = OTHER
        roles.append(role)
    if TITLE not in roles and roles and not is_resource_section(names[0]):
        # "| Method | ..." tables name the title column in other words; the first column then contains it.
        roles[0] = TITLE if roles[0] == OTHER else roles[0]
    # A "Title & Authors" column keeps the title role: the authors follow a <br> in the same cell.
    resource = bool(names) and TITLE not in roles[1:] and is_resource_section(names[0]) and roles[0] != TITLE
    if resource:
        roles[0] = TITLE
    return TableHeader(tuple(roles), names, resource)


def parse_row(
    cells: list[str], header: TableHeader, references: Mapping[str, str], catalogue: Catalogue
) -> Entry | None:
    """Return the entry of one row, or None when the title cell is empty. Raises LinkSyntaxError for a broken link."""
    entry: Entry | None = None
    extra_links: list[Link] = []
    venue_cell = year_cell = authors_cell = ""
    for index, cell in enumerate(cells):
        role = header.roles[index] if index < len(header.roles) else OTHER
        if role == TITLE and entry is None:
            entry = parse_entry(cell, references, catalogue)
        elif role == VENUE:
            venue_cell = cell
        elif role == YEAR:
            year_cell = cell
        elif role == AUTHORS:
            authors_cell = cell
        elif role == LINKS:
            for token in scan_links(preclean(cell), references):
                if token.style in (IMAGE, BADGE) or not token.url:
                    continue
                extra_links.append(Link(token.label, token.url))
    if entry is None or not entry.title:
        return entry
    known = {link.url for link in entry.links}
    entry.links.extend(link for link in extra_links if link.url not in known)
    _read_venue_cell(venue_cell, entry)
    year_text = preclean(year_cell)
    year_match = re.search(r"(?:19|20)\d{2}", year_text)
    if year_match:
        entry.year = int(year_match.group())
        entry.has_tag = True
    authors_text = preclean(authors_cell)
    if authors_text and looks_like_authors(authors_text):
        entry.authors = parse_authors(authors_text)
    return entry


def _read_venue_cell(cell: str, entry: Entry) -> None:
    text = preclean(cell)
    if not text or text.strip() in ("-", "—", "N/A", "n/a"):
        return
    tokens = scan_links(text)
    for token in reversed(tokens):
        label = token.label if token.style not in (IMAGE, BADGE) else ""
        if label.lower() in GENERIC_LABELS:
            label = ""
        text = text[: token.start] + label + text[token.end :]
    # "NeurIPS <br> Spotlight": the venue comes first, the rest is a note.
    first, *others = (part.strip() for part in re.split(r"<br\s*/?>", text, flags=re.IGNORECASE))
    entry.notes.extend(part for part in others if part)
    parsed = parse_venue_text(first)
    entry.has_tag = True
    if parsed.venue is not None:
        entry.venue = parsed.venue
    if parsed.year is not None:
        entry.year = parsed.year
    if parsed.note:
        entry.notes.append(parsed.note)
