"""The line reader for awesome-style lists: headings set venue and year; bullets, numbered items and table rows
are papers.

The reader works line by line with regular expressions, without a Markdown parser, to stay fast on long
lists: the 100,000-paper list of benchmarks/generate.py reads in about 3 s of CPU time (Python 3.11, a
2-core machine shared with other jobs), because most of its bullets take the fast path of plain_entry.py.
Every line gets a LineRole, and every line that looks like a paper but does not become one gets a Diagnostic.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

from paperbib import forking, model_codec
from paperbib.diagnostics import Code, Diagnostic, Severity
from paperbib.forking import Message
from paperbib.identifiers import arxiv_id_in_url, arxiv_year, is_valid_arxiv_id
from paperbib.messages import quote, shorten
from paperbib.model import Link, Location, Record
from paperbib.part_helper import PartHelper
from paperbib.reader.authors import looks_like_authors, parse_authors
from paperbib.reader.entries import Entry, arxiv_id_of, parse_entry, preclean
from paperbib.reader.headings import HeadingContext, heading_text, parse_heading
from paperbib.reader.inline import LinkSyntaxError
from paperbib.reader.links import IMAGE, LinkToken, reference_label, scan_links
from paperbib.reader.plain_entry import parse_plain_entry
from paperbib.reader.sections import (
    is_badge_line,
    is_local_url,
    is_navigation,
    is_news_line,
    is_prose_section,
    is_resource_section,
)
from paperbib.reader.tables import TableHeader, is_delimiter_row, parse_header, parse_row, split_row
from paperbib.reader.venue_text import is_venue_like, names_venue_kind, parse_venue_text
from paperbib.source import Source
from paperbib.text import remove_control_characters, remove_emphasis
from paperbib.urls import is_valid_url
from paperbib.venues import Catalogue, default_catalogue

_HEADING = re.compile(r"^ {0,3}(?P<marks>#{1,6})(?:[ \t]+(?P<text>.*))?$")
# "  - ##### Quantization": a heading written inside a list item.
_ITEM_HEADING = re.compile(r"^[ \t]*[-*+][ \t]+(?P<marks>#{1,6})[ \t]+(?P<text>.*)$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,4}[.)])(?:[ \t]+(?P<content>.*))?$")
# A line that holds only the title of the link definition above it: "title", 'title' or (title).
_DEFINITION_TITLE = re.compile(r"""^ {0,3}(?:"[^"]*"|'[^']*'|\([^)]*\))\s*$""")
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\]]+)\]:\s*<?(?P<url>[^\s>]*)>?")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(?P<text>[^*_]+?)(?:\*\*|__)\s*:?\s*$")
_YEAR_LINE = re.compile(r"^\s*(?P<text>(?:19|20)\d{2})\s*:?\s*$")
_SUMMARY = re.compile(r"<summary>(?P<text>.*?)</summary>", re.IGNORECASE)
_DETAILS_END = re.compile(r"</details>", re.IGNORECASE)
_HTML_LINE = re.compile(r"^\s*</?[a-zA-Z][^>]*>.*$")
_PLACEHOLDER = re.compile(r"^(?:\.{2,}|…|-+|tbd|todo|to be added|coming soon|none|n/a)\.?$", re.IGNORECASE)
_ABBREVIATION = re.compile(r"^\S{1,30}$")
_PSEUDO_LEVEL = 7  # bold year lines and <summary> sit below every real heading


# Input shorter than this many lines is read in one process. On generated lists, two processes took
# as long as one at about 1,000 lines and 12% less at 1,800 lines (2-core machine, Python 3.11).
PARALLEL_MIN_LINES = 2000
_MARGIN_BULLETS = ("- ", "* ", "+ ")

logger = logging.getLogger(__name__)


class _NoSplit(Exception):
    """The child cannot read from the chosen line on its own."""


class _OpenAbove:
    """The paper open above the child's first line, which only the parent has read.

    Lines below may continue that paper until a new bullet or heading closes it. The child reads
    the part with this in place of the paper, and any use of it stops the child. Only its indent is
    known to be at least 0, so a bullet at the margin does not continue it.
    """

    indent = 0

    def __getattr__(self, name: str) -> object:
        raise _NoSplit(f"a line of the child's part continues the paper open above it (it needs {name})")


@dataclass(slots=True)
class _LineState:
    """The position of the line loop: the next line, and the code block, HTML comment or table open there."""

    number: int
    fence: str | None = None
    in_comment: bool = False
    table: TableHeader | None = None


class LineRole(enum.Enum):
    """The role of one input line. Every line has exactly one."""

    BLANK = "blank"
    HEADING = "heading"
    PAPER = "paper"  # a paper, or a line that continues one (links, title or authors of a multi-line entry)
    SKIPPED = "skipped"  # looks like a paper but is not one; a Diagnostic at this line gives the reason
    PROSE = "prose"  # text, placeholders, news, badges, reference definitions
    NAVIGATION = "navigation"  # table-of-contents links
    CODE = "code"  # fenced code and HTML comments
    TABLE = "table"  # a table's header and delimiter rows
    HTML = "html"


@dataclass
class HeadingInfo:
    """A heading and what its section holds, sub-sections included."""

    location: Location
    level: int
    text: str
    papers: int = 0
    content: bool = False  # anything but blank lines, headings and placeholders

    @property
    def empty(self) -> bool:
        return self.papers == 0 and not self.content


_ROLES = tuple(LineRole)
_ROLE_NUMBERS = {role: number for number, role in enumerate(_ROLES)}


@dataclass
class ReadResult:
    """The result of a reader: the papers in document order, and every finding about the input."""

    records: list[Record] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    roles: list[LineRole] = field(default_factory=list)  # roles[i] is the role of line i + 1
    headings: list[HeadingInfo] = field(default_factory=list)
    prepared: list[Any] = field(default_factory=list)  # what ``prepare`` returned for each part, in order
    # The child that read the last part, when ``read_markdown`` was given ``follow``; the caller closes it.
    helper: PartHelper | None = None

    @property
    def skipped(self) -> list[Diagnostic]:
        return [diagnostic for diagnostic in self.diagnostics if diagnostic.skipped]


@dataclass
class _Section:
    context: HeadingContext
    info: HeadingInfo
    resource: bool
    prose: bool


@dataclass
class _Open:
    """The last paper read, which indented lines below it may continue."""

    record: Record
    indent: int
    abbreviation: bool
    children: int = 0


def read_markdown(
    source: Source,
    catalogue: Catalogue | None = None,
    fast_path: bool = True,
    prepare: Callable[[list[Record]], object] | None = None,
    follow: Callable[[list[Record], list[Any]], Callable[[bytes], Message]] | None = None,
) -> ReadResult:
    """Read every paper of ``source``; fenced code and HTML comments are not read.

    ``fast_path=False`` reads plain bullets with the full entry parser too, which gives the same
    result; it exists to compare the two. ``prepare`` is called on the records read, possibly a part
    at a time and in a forked child, so it must change the records only and depend on nothing else.
    What it returns, unless None, is added to ``ReadResult.prepared``; ``marshal`` must be able to
    write it.

    With ``follow``, a forked child that read the last part of a long list stays, and
    ``ReadResult.helper`` is that child. Once its part is sent, the child calls ``follow`` with its
    own records of the part and what ``prepare`` returned for them, and ``follow`` returns the
    function of the response to one request:
    ``PartHelper.ask`` sends the request and ``PartHelper.response`` returns the response. The
    caller closes the helper.
    """
    return _Reader(source, catalogue or default_catalogue(), fast_path, prepare, follow).read()


class _Reader:
    def __init__(
        self,
        source: Source,
        catalogue: Catalogue,
        fast_path: bool = True,
        prepare: Callable[[list[Record]], object] | None = None,
        follow: Callable[[list[Record], list[Any]], Callable[[bytes], Message]] | None = None,
    ) -> None:
        self.source = source
        self.catalogue = catalogue
        self.fast_path = fast_path
        self.prepare = prepare
        self.follow = follow
        self.lines = source.lines()
        self.result = ReadResult(roles=[LineRole.BLANK] * len(self.lines))
        has_control_characters = source.has_control_characters()
        if has_control_characters:
            self._remove_control_characters()
        self.stack: list[_Section] = []
        # The year, venue and resource section that the stack gives; None after the stack changes.
        self.context: tuple[int | None, str | None, _Section | None] | None = None
        self.definition_lines: set[int] = set()  # lines that continue a [label]: url definition
        # Every definition line contains "]:", which most lists do not, unless the removal of a control
        # character joined the two.
        has_definitions = "]:" in source.text or has_control_characters
        self.references = self._collect_references() if has_definitions else {}
        self.open: _Open | None = None
        self.entries: dict[int, Entry] = {}
        # The ids of preprint records whose year comes from a heading, not from their own line.
        self.heading_years: set[int] = set()

    def _remove_control_characters(self) -> None:
        """Remove control characters from every line, with a warning for each line that had some.

        They have no printable form, CSL-JSON would write them as ``\u0000`` escapes and LaTeX
        would print the rest of a terminal escape sequence such as ``[31m``.
        """
        for index, line in enumerate(self.lines):
            cleaned, removed = remove_control_characters(line)
            if not removed:
                continue
            self.lines[index] = cleaned
            distinct = dict.fromkeys(removed)
            codes = " ".join(f"U+{ord(char):04X}" for char in distinct)
            message = f"removed control {'character' if len(distinct) == 1 else 'characters'} {codes} from the line"
            if len(removed) > len(distinct):
                message += f" ({len(removed)} in all)"
            if "\x1b" in distinct:
                message += ", with the terminal escape sequences that ESC starts"
            self.result.diagnostics.append(
                Diagnostic(
                    Location(self.source.name, index + 1),
                    Severity.WARNING,
                    Code.CONTROL_CHARACTER,
                    message,
                )
            )

    def _collect_references(self) -> dict[str, str]:
        """Return the list's ``[label]: url`` definitions, leaving out fenced code and HTML comments.

        As in CommonMark, the URL may stand on the line after the label, and a title in quotes or
        parentheses on the line after the URL. Those lines are added to ``definition_lines``, so
        that they are not read as text of the paper above them.
        """
        references: dict[str, str] = {}
        lines = self.lines
        fence: str | None = None
        in_comment = False
        for index, line in enumerate(lines):
            if fence is not None:
                if line.strip().startswith(fence):
                    fence = None
                continue
            if in_comment:
                in_comment = "-->" not in line
                continue
            fence_match = _FENCE.match(line)
            if fence_match:
                fence = fence_match.group("fence")
                continue
            stripped = line.strip()
            if stripped.startswith("<!--"):
                in_comment = "-->" not in stripped[4:]
                continue
            if "]:" not in line:
                continue
            match = _REFERENCE_DEFINITION.match(line)
            if not match or match.group("label") == "//":
                continue
            url, last = match.group("url"), index
            if not url and not line[match.end() :].strip() and index + 1 < len(lines) and lines[index + 1].strip():
                url = lines[index + 1].split()[0].strip("<>")
                last = index + 1
                self.definition_lines.add(last)
            if last + 1 < len(lines) and _DEFINITION_TITLE.match(lines[last + 1]):
                self.definition_lines.add(last + 1)
            references.setdefault(reference_label(match.group("label")), url)
        return references

    # -- the line loop -------------------------------------------------------------------------------

    def read(self) -> ReadResult:
        """Read every line; with a forked child reading the second part of long input."""
        split = self._split_line()
        # NOTE: two processes need more memory than one: for an export of 100,000 generated papers the
        # larger peaked at 322 MB (BibTeX) and 349 MB (CSL-JSON), one process at 271 MB. So an export that
        # just fits a memory limit in one process can fail with an out-of-memory error in two.
        call = None
        if split is not None:
            follow = None if self.follow is None else partial(self._follow_in_child, self.follow)
            call = forking.start(partial(self._read_second_part, split), follow)
        try:
            state = self._read_lines(_LineState(0), split if call is not None else None)
            records = self.result.records
            # Finish the records that no later line can change while the child reads: all but the open one.
            settled = len(records) - (self.open is not None and bool(records) and records[-1] is self.open.record)
            finished = self._finish_part(records[:settled])
            if call is not None:
                data = call.result()
                second_part = None if data is None else model_codec.loads(data)
                del data  # about 450 bytes a record of the child, no longer needed once loaded
                if second_part is not None and self._fits(second_part, state):
                    finished += self._finish_part(records[settled:])
                    copies = self._take_second_part(second_part, state, finished)
                    if self.follow is not None:
                        self.result.helper, call = PartHelper(call, copies), None
                    return self.result
                # Read the rest here after all, and keep the diagnostics of the lines before those of _finish.
                self._read_lines(state, None)
            finished += self._finish_part(records[settled:])
        finally:
            if call is not None:
                call.cancel()
        self.result.diagnostics.extend(finished)
        return self.result

    def _finish_part(self, records: list[Record]) -> list[Diagnostic]:
        """Finish ``records`` (see ``_finish``) and hand them to ``prepare``; return the diagnostics about them."""
        diagnostics: list[Diagnostic] = []
        self._finish(records, diagnostics.append)
        if self.prepare is not None:
            prepared = self.prepare(records)
            if prepared is not None:
                self.result.prepared.append(prepared)
        return diagnostics

    def _read_lines(self, state: _LineState, stop: int | None, papers: bool = True) -> _LineState:
        """Read from the line that ``state`` is at up to ``stop`` (a line index; None for the end of the input).

        A bullet or table row that continues on the next lines is read whole, so the returned state may
        be past ``stop``. With ``papers=False`` only headings, code blocks, comments and tables are
        followed: bullets, table rows and text lines are passed over, and get no roles.
        """
        fence, in_comment, table = state.fence, state.in_comment, state.table
        roles = self.result.roles
        lines = self.lines
        name = self.source.name
        number = state.number
        end = len(lines) if stop is None else stop
        while number < end:
            line = lines[number]
            index = number
            number += 1
            if fence is not None:
                roles[index] = LineRole.CODE
                if line.strip().startswith(fence):
                    fence = None
                continue
            if in_comment:
                roles[index] = LineRole.CODE
                in_comment = "-->" not in line
                continue
            stripped = line.strip()
            if not stripped:
                roles[index] = LineRole.BLANK
                table = None
                continue
            fence_match = _FENCE.match(line)
            if fence_match:
                fence = fence_match.group("fence")
                roles[index] = LineRole.CODE
                self._mark_content()
                continue
            if stripped.startswith("<!--"):
                roles[index] = LineRole.CODE
                in_comment = "-->" not in stripped[4:]
                continue
            if index in self.definition_lines:
                roles[index] = LineRole.PROSE
                continue
            location = Location(name, index + 1)
            if table is not None:
                if "|" in line and not _HEADING.match(line):
                    number = (
                        self._table_row(table, index, number, location)
                        if papers
                        else self._row_cells(table, index, number)[1]
                    )
                    continue
                table = None
            # Cheap tests first: a heading starts with a space or "#", and one inside a list item has a "#".
            heading = (_HEADING.match(line) if line[0] in " #" else None) or (
                _ITEM_HEADING.match(line) if "#" in line else None
            )
            if heading:
                roles[index] = LineRole.HEADING
                self._push_heading(len(heading.group("marks")), heading.group("text") or "", location)
                continue
            if "|" in line and number < len(lines) and is_delimiter_row(lines[number], line):
                table = parse_header(line)
                roles[index] = LineRole.TABLE
                roles[number] = LineRole.TABLE
                number += 1
                self.open = None
                continue
            # A bullet on the margin is a pseudo-heading only through <summary> or </details>.
            if (line[:2] not in _MARGIN_BULLETS or "<" in line) and self._pseudo_heading(line, index, location):
                continue
            bullet = _BULLET.match(line)
            if bullet:
                indent = len(bullet.group("indent").expandtabs(4))
                content = (bullet.group("content") or "").strip()
                continued = []
                while number < len(lines) and _continues_bullet(lines[number], content):
                    content = f"{content} {lines[number].strip()}"
                    continued.append(number)
                    number += 1
                if papers:
                    roles[index] = self._bullet(content, indent, location)
                    for line_index in continued:
                        roles[line_index] = roles[index]
                continue
            if papers:
                roles[index] = self._other_line(line, location)
        return _LineState(number, fence, in_comment, table)

    # -- reading on two cores ------------------------------------------------------------------------

    def _split_line(self) -> int | None:
        """Return the line where a forked child starts to read: a bullet at the margin past the middle.

        A bullet at the margin usually closes the paper above it, so the child needs only the sections,
        code blocks and tables open there, which it follows with ``_read_lines(papers=False)``. The
        child's part is the smaller one, because the child also follows the lines above it and encodes
        its records, and this process decodes them. Starting at the first such bullet after 56% of the
        lines balanced the two processes of an export of 10,000 generated papers, where the child also
        writes its entries: 57.5% and 54.5% made the export about 4 ms slower. None for input shorter
        than PARALLEL_MIN_LINES and for input without such a bullet before 75% of the lines.
        """
        lines = self.lines
        if len(lines) < PARALLEL_MIN_LINES:
            return None
        for index in range(len(lines) * 14 // 25, len(lines) * 3 // 4):
            if lines[index][:2] in _MARGIN_BULLETS and index not in self.definition_lines:
                return index
        return None

    def _read_second_part(self, split: int) -> bytes:
        """In the forked child: read from line ``split`` to the end, and return the result for ``_take_second_part``.

        Raises _NoSplit when a table is open at ``split``: its rows would need the parent's header.
        """
        state = self._read_lines(_LineState(0), split, papers=False)
        if state.number != split or state.table is not None:
            raise _NoSplit(f"line {split + 1} is inside a table or a bullet above it")
        signature = self._signature(state)
        headings = self.result.headings
        known = len(headings)
        for info in headings:
            info.papers, info.content = 0, False  # from here on they count this part only
        self.open = cast(_Open, _OpenAbove())
        diagnostics = self.result.diagnostics
        first = len(diagnostics)
        self._read_lines(state, None)
        finished = self._finish_part(self.result.records)
        return model_codec.dumps(
            (
                signature,
                model_codec.encode_records(self.result.records),
                model_codec.encode_diagnostics(diagnostics[first:]),
                model_codec.encode_diagnostics(finished),
                bytes(_ROLE_NUMBERS[role] for role in self.result.roles[split:]),
                tuple((info.papers, info.content) for info in headings[:known]),
                tuple(
                    (info.location.line, info.level, info.text, info.papers, info.content) for info in headings[known:]
                ),
                tuple(self.result.prepared),
            )
        )

    def _follow_in_child(
        self, follow: Callable[[list[Record], list[Any]], Callable[[bytes], Message]]
    ) -> Callable[[bytes], Message]:
        """Return, in the forked child after its part is sent, the function of its response (see ``read_markdown``)."""
        return follow(self.result.records, self.result.prepared)

    def _fits(self, second_part: tuple[Any, ...], state: _LineState) -> bool:
        """Return True when the child started at the line where this process stopped, with the same open sections."""
        if second_part[0] == self._signature(state):
            return True
        logger.debug("the child read from line %d with other open sections; reading on here", state.number + 1)
        return False

    def _take_second_part(
        self, second_part: tuple[Any, ...], state: _LineState, finished: list[Diagnostic]
    ) -> list[Record]:
        """Add the child's part, which ``_fits``, to this process's part; return this process's copies of its records.

        The result equals that of one process: diagnostics of the lines in line order, then those of
        ``_finish`` in record order. ``finished`` are the ``_finish`` diagnostics of this process's part.
        """
        _, records, from_lines, from_finish, roles, counts, new_headings, prepared = second_part
        path = self.source.name
        diagnostics = self.result.diagnostics
        diagnostics.extend(model_codec.decode_diagnostics(from_lines))
        diagnostics.extend(finished)
        diagnostics.extend(model_codec.decode_diagnostics(from_finish))
        copies = model_codec.decode_records(records, path)
        self.result.records.extend(copies)
        self.result.roles[state.number :] = [_ROLES[number] for number in roles]
        headings = self.result.headings
        for info, (papers, content) in zip(headings, counts, strict=True):
            info.papers += papers
            info.content = info.content or content
        headings.extend(
            HeadingInfo(Location(path, line), level, text, papers, content)
            for line, level, text, papers, content in new_headings
        )
        self.result.prepared.extend(prepared)
        return copies

    def _signature(self, state: _LineState) -> tuple[object, ...]:
        """Return what reading on from ``state`` depends on besides the lines: open sections, code block, comment."""
        numbers = {id(info): number for number, info in enumerate(self.result.headings)}
        sections = []
        for section in self.stack:
            context = section.context
            sections.append(
                (
                    numbers[id(section.info)],
                    context.level,
                    context.text,
                    context.year,
                    context.venue,
                    section.resource,
                    section.prose,
                )
            )
        return (state.number, state.fence, state.in_comment, state.table is None, len(numbers), tuple(sections))

    # -- headings ------------------------------------------------------------------------------------

    def _push_heading(self, level: int, raw: str, location: Location) -> None:
        self.open = None
        while self.stack and self.stack[-1].context.level >= level:
            self.stack.pop()
        context = parse_heading(level, raw)
        if context.year is None and context.venue is not None:
            # "ICLR 2024 (Oral)" and "CVPR'23 Workshop" carry a year that parse_heading does not split off.
            # A heading such as "Papers from 05/26/2024 - Now" names a date range, not a venue, so it sets no year.
            parsed = parse_venue_text(context.venue)
            if parsed.year is not None and parsed.venue is not None and is_venue_like(parsed.venue, self.catalogue):
                context = HeadingContext(level, context.text, parsed.year, parsed.venue)
        if context.venue is not None and not self._heading_names_venue(context):
            context = HeadingContext(context.level, context.text, context.year, None)
        text = context.text or heading_text(raw)
        info = HeadingInfo(location, level, text)
        self.result.headings.append(info)
        self.stack.append(_Section(context, info, is_resource_section(text), is_prose_section(text)))
        self.context = None

    def _heading_names_venue(self, context: HeadingContext) -> bool:
        """A heading names a venue when it is in the catalogue, when it carries a year and reads like a venue
        (``S&P-2023``), or when it names a kind of venue (``Workshop``). Topic headings such as
        ``Unstructured Pruning`` name none."""
        venue = context.venue or ""
        if self.catalogue.find(venue) is not None:
            return True
        if context.year is not None:
            return is_venue_like(venue, self.catalogue)
        return names_venue_kind(venue)

    def _pseudo_heading(self, line: str, index: int, location: Location) -> bool:
        """Bold lines such as ``**2019**``, bare year lines and ``<summary>`` act as headings below the others."""
        # Both tags start with "<", which most lines do not contain.
        html = "<" in line
        summary = _SUMMARY.search(line) if html else None
        if html and _DETAILS_END.search(line) and not summary:
            while self.stack and self.stack[-1].context.level >= _PSEUDO_LEVEL:
                self.stack.pop()
            self.context = None
            self.result.roles[index] = LineRole.HTML
            return True
        match = summary or _BOLD_LINE.match(line) or _YEAR_LINE.match(line)
        if not match:
            return False
        text = preclean(match.group("text"))
        parsed = parse_venue_text(text)
        if summary is None and parsed.year is None:
            return False
        if parsed.venue is not None and not is_venue_like(parsed.venue, self.catalogue):
            if summary is None:
                return False
            parsed = type(parsed)(None, parsed.year)
        self.open = None
        while self.stack and self.stack[-1].context.level >= _PSEUDO_LEVEL:
            self.stack.pop()
        context = HeadingContext(_PSEUDO_LEVEL, text, parsed.year, parsed.venue)
        info = HeadingInfo(location, _PSEUDO_LEVEL, text)
        self.result.headings.append(info)
        self.stack.append(_Section(context, info, is_resource_section(text), is_prose_section(text)))
        self.context = None
        self.result.roles[index] = LineRole.HEADING
        return True

    def _current(self) -> tuple[int | None, str | None]:
        year, venue, _ = self._context()
        return year, venue

    def _context(self) -> tuple[int | None, str | None, _Section | None]:
        if self.context is None:
            year = next((s.context.year for s in reversed(self.stack) if s.context.year is not None), None)
            venue = next((s.context.venue for s in reversed(self.stack) if s.context.venue is not None), None)
            resource = next((section for section in reversed(self.stack) if section.resource), None)
            self.context = (year, venue, resource)
        return self.context

    def _mark_content(self) -> None:
        for section in self.stack:
            section.info.content = True

    # -- bullets and other lines ---------------------------------------------------------------------

    def _bullet(self, content: str, indent: int, location: Location) -> LineRole:
        if self.fast_path and (self.open is None or indent <= self.open.indent):
            # A plain bullet is no placeholder, navigation or badge line and does not continue the paper
            # above, so only the prose and news checks of the full path below apply to it.
            entry = parse_plain_entry(content, self.catalogue)
            if entry is not None:
                self._mark_content()
                if (self.stack and self.stack[-1].prose) or is_news_line(content):
                    self.open = None
                    return LineRole.PROSE
                # Every link of a plain bullet is an http(s) URL, so none is local.
                return self._entry(entry, location, indent, external=entry.links)
        text = preclean(content)
        if not content or _PLACEHOLDER.match(text):
            return LineRole.PROSE
        self._mark_content()
        try:
            tokens = scan_links(text, self.references)
            if is_navigation(text, tokens):
                self.open = None
                return LineRole.NAVIGATION
            if (self.stack and self.stack[-1].prose) or is_news_line(content):
                self.open = None
                return LineRole.PROSE
            if is_badge_line(text, tokens):
                return LineRole.PROSE
            continued = self._continue_open(content, indent, tokens)
            if continued is not None:
                return continued
            entry = parse_entry(content, self.references, self.catalogue, text, tokens)
        except LinkSyntaxError as error:
            self.open = None
            return self._skip(location, Severity.ERROR, Code.UNCLOSED_LINK, f"skipped: broken link: {error}")
        return self._entry(entry, location, indent)

    def _entry(
        self, entry: Entry | None, location: Location, indent: int, external: list[Link] | None = None
    ) -> LineRole:
        """Add the paper of ``entry``; ``external`` are its links that are not local, when the caller knows them."""
        if external is None:
            external = [link for link in entry.links if not is_local_url(link.url)] if entry else []
        if entry is None or not entry.title:
            self.open = None
            if entry is not None and (external or entry.has_tag):
                return self._skip(location, Severity.ERROR, Code.EMPTY_TITLE, "skipped: entry has links but no title")
            return LineRole.PROSE
        year, venue, resource = self._context()
        if not (external or entry.has_tag or venue is not None):
            self.open = None
            return LineRole.PROSE

        if resource is not None:
            self.open = None
            return self._skip(
                location,
                Severity.INFO,
                Code.RESOURCE_ENTRY,
                f"skipped: {quote(entry.title)} is in the section {quote(resource.info.text)}, which lists no papers",
            )

        if entry.venue is not None or entry.no_venue:
            venue = entry.venue
        # Positional arguments, in the order of Record's fields: title, location, links, year, venue, authors, note.
        record = Record(
            entry.title,
            location,
            list(entry.links),
            entry.year if entry.year is not None else year,
            venue,
            list(entry.authors),
            entry.note,
        )

        self.result.records.append(record)
        if entry.problems:
            self.entries[id(record)] = entry  # _finish reports the problems; most entries have none
        if entry.year is None and year is not None and (venue is None or self._is_preprint_venue(venue)):
            self.heading_years.add(id(record))  # _finish checks these years against arXiv IDs
        for section in self.stack:
            section.info.papers += 1
        self.open = _Open(record, indent, not entry.authors and _ABBREVIATION.match(entry.title) is not None)
        return LineRole.PAPER

    def _continue_open(self, content: str, indent: int, tokens: list[LinkToken]) -> LineRole | None:
        """Attach an indented line to the paper above: extra links, or the title and authors of a
        multi-line entry whose first line gives only an abbreviation, the venue and links."""
        current = self.open
        if current is None or indent <= current.indent:
            return None
        text = preclean(content)
        rest = text
        for token in reversed(tokens):
            rest = rest[: token.start] + rest[token.end :]
        links = [Link(token.label, token.url) for token in tokens if token.url and token.style != IMAGE]
        if links and not rest.strip(" |,;:-·"):
            current.record.links.extend(links)
            return LineRole.PAPER
        if not current.abbreviation and not links and not tokens:
            # A nested line without links under a paper is a remark on it ("Oral", "see the talk").
            current.record.note = "; ".join(part for part in (current.record.note, text.strip(" -*")) if part)
            return LineRole.PAPER
        if not current.abbreviation or links or current.children >= 2:
            return None
        entry = parse_entry(content, self.references, self.catalogue)
        if entry is None or not entry.title or entry.has_tag:
            return None
        if current.children == 0:
            abbreviation = current.record.title
            current.record.title = entry.title
            if abbreviation.lower() not in entry.title.lower():
                current.record.note = "; ".join(part for part in (abbreviation, current.record.note) if part)
        elif looks_like_authors(text):
            current.record.authors = parse_authors(text)
        else:
            return None
        current.children += 1
        return LineRole.PAPER

    def _other_line(self, line: str, location: Location) -> LineRole:
        stripped = line.strip()
        if _REFERENCE_DEFINITION.match(line):
            return LineRole.PROSE
        if self.open is not None and line[:1] in (" ", "\t"):
            try:
                tokens = scan_links(preclean(stripped), self.references)
            except LinkSyntaxError:
                tokens = []
            try:
                continued = self._continue_open(stripped, len(line) - len(line.lstrip()), tokens)
            except LinkSyntaxError as error:
                # The second line of a multi-line entry, read as that entry's title and links.
                self.open = None
                return self._skip(location, Severity.ERROR, Code.UNCLOSED_LINK, f"skipped: broken link: {error}")
            if continued is not None:
                return continued
        if _HTML_LINE.match(stripped) and not stripped.startswith(("<b>", "<strong>")):
            return LineRole.HTML
        self._mark_content()
        self.open = None
        return LineRole.PROSE

    # -- tables --------------------------------------------------------------------------------------

    def _table_row(self, header: TableHeader, index: int, number: int, location: Location) -> int:
        """Read the row at ``index``; returns the index of the next unread line."""
        roles = self.result.roles
        cells, number = self._row_cells(header, index, number)
        self._mark_content()
        if not header.has_title:
            roles[index] = LineRole.PROSE
            return number
        try:
            entry = parse_row(cells, header, self.references, self.catalogue)
        except LinkSyntaxError as error:
            roles[index] = self._skip(location, Severity.ERROR, Code.UNCLOSED_LINK, f"skipped: broken link: {error}")
            return number
        if entry is not None and entry.title and self._current()[1] is None and not entry.links and not entry.has_tag:
            roles[index] = LineRole.PROSE
            return number
        if header.resource and entry is not None and entry.title:
            roles[index] = self._skip(
                location,
                Severity.INFO,
                Code.RESOURCE_ENTRY,
                f"skipped: {quote(entry.title)} is in a table of {quote(header.names[0])}, which lists no papers",
            )
            return number
        roles[index] = self._entry(entry, location, indent=-1)
        self.open = None
        return number

    def _row_cells(self, header: TableHeader, index: int, number: int) -> tuple[list[str], int]:
        """Return the cells of the row at ``index`` and the index of the line after it.

        A row broken across two lines continues its last cell on the next line, which is then marked as
        part of the paper.
        """
        line = self.lines[index]
        cells = split_row(line)
        while (
            len(cells) < len(header.roles)
            and not line.rstrip().endswith("|")
            and number < len(self.lines)
            and self.lines[number].strip()
            and not self.lines[number].lstrip().startswith("|")
            and not _HEADING.match(self.lines[number])
        ):
            line = line + " " + self.lines[number].strip()
            self.result.roles[number] = LineRole.PAPER
            number += 1
            cells = split_row(line)
        return cells, number

    # -- findings ------------------------------------------------------------------------------------

    def _skip(self, location: Location, severity: Severity, code: Code, message: str) -> LineRole:
        self.result.diagnostics.append(Diagnostic(location, severity, code, message))
        return LineRole.SKIPPED

    def _finish(self, records: list[Record], add: Callable[[Diagnostic], None]) -> None:
        """Fill years from arXiv IDs and report links, venues and years that are missing or invalid."""
        for record in records:
            if record.note:
                # Notes gather text from several lines, so their markup is removed once, here.
                record.note = remove_emphasis(record.note)
            entry = self.entries.get(id(record))
            location = record.location
            for code, severity, message in entry.problems if entry else ():
                add(Diagnostic(location, severity, code, message))
            if not record.links:
                add(Diagnostic(location, Severity.WARNING, Code.NO_LINKS, f"paper {quote(record.title)} has no links"))
            for link in record.links:
                if not is_valid_url(link.url):
                    add(
                        Diagnostic(
                            location,
                            Severity.WARNING,
                            Code.MALFORMED_URL,
                            f"link [{shorten(link.label)}] has an invalid URL {quote(link.url)}; it is not exported",
                        )
                    )
                elif "arxiv" in link.url.lower():
                    arxiv = arxiv_id_in_url(link.url)
                    if arxiv is not None and not is_valid_arxiv_id(arxiv):
                        add(
                            Diagnostic(
                                location,
                                Severity.WARNING,
                                Code.MALFORMED_LINK,
                                f"link [{shorten(link.label)}] names arXiv:{arxiv}, which is not a valid arXiv ID;"
                                " it is not exported as an eprint",
                            )
                        )
            year_from_heading = id(record) in self.heading_years
            if record.year is not None and record.venue is not None:
                if year_from_heading:
                    self._date_preprint_by_arxiv(record, arxiv_id_of(record.links), add)
                continue  # the checks below are about a missing year or venue
            arxiv = arxiv_id_of(record.links)
            if year_from_heading:
                self._date_preprint_by_arxiv(record, arxiv, add)
            venue = self.catalogue.find(record.venue) if record.venue else None
            preprint = record.venue is None or (venue is not None and venue.kind == "preprint")
            if record.year is None and arxiv and preprint:
                record.year = arxiv_year(arxiv)
                if record.year is not None:
                    add(
                        Diagnostic(
                            location,
                            Severity.INFO,
                            Code.YEAR_FROM_ARXIV,
                            f"paper {quote(record.title)}: year {record.year} taken from arXiv ID {arxiv}",
                        )
                    )
            if record.venue is None:
                detail = "; it is exported as an arXiv preprint" if arxiv else ""
                add(
                    Diagnostic(
                        location, Severity.WARNING, Code.NO_VENUE, f"paper {quote(record.title)} has no venue{detail}"
                    )
                )
            if record.year is None:
                add(Diagnostic(location, Severity.WARNING, Code.NO_YEAR, f"paper {quote(record.title)} has no year"))

    def _is_preprint_venue(self, venue: str) -> bool:
        if "rxiv" not in venue.lower() and venue.lower() != "corr":
            return False  # a quick test before the catalogue look-up
        known = self.catalogue.find(venue)
        return known is not None and known.kind == "preprint"

    def _date_preprint_by_arxiv(self, record: Record, arxiv: str | None, add: Callable[[Diagnostic], None]) -> None:
        """Check the heading year of an arXiv preprint against its arXiv ID, with a note when they differ.

        The entry is exported as an arXiv preprint with the ID as its eprint, and the ID's year is the
        date of that preprint. So a heading year more than one year away from it, as ``## 2023`` over
        arXiv:1503.02531, is not the preprint's date, and the ID's year replaces it. A heading one year
        off stays, because lists often file a preprint of late December or early January under the
        year of the paper. The caller passes only preprints: no venue, or a preprint venue such as arXiv.
        """
        year = arxiv_year(arxiv) if arxiv else None
        if year is None or record.year is None or year == record.year:
            return
        if abs(year - record.year) == 1:
            message = (
                f"paper {quote(record.title)}: the heading gives year {record.year}, arXiv ID {arxiv} gives {year}"
            )
        else:
            message = (
                f"paper {quote(record.title)}: year {year} taken from arXiv ID {arxiv}, not {record.year} from the"
                " heading, because the entry is exported as an arXiv preprint"
            )
            record.year = year
        add(Diagnostic(record.location, Severity.INFO, Code.YEAR_FROM_ARXIV, message))


def _continues_bullet(line: str, content: str) -> bool:
    """True for a line that wraps the text of a bullet that has no links yet.

    "- A Title That Wraps" followed by "  Onto a Second Line [[paper](...)]" is one entry. Lines
    that start with a link, a tag or markup are left to the multi-line entry rules.
    """
    if "](" in content or not line[:1].isspace():
        return False
    stripped = line.strip()
    if not stripped or not stripped[0].isalnum() or _BULLET.match(line) or _HEADING.match(line):
        return False
    return "](" in stripped
