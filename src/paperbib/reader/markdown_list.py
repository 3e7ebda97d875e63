"""The line reader for awesome-style lists: headings set venue and year, bullets are papers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paperbib.diagnostics import Code, Diagnostic, Severity
from paperbib.model import Location, Record
from paperbib.reader.headings import HeadingContext, parse_heading
from paperbib.reader.inline import LinkSyntaxError, split_bullet
from paperbib.source import Source
from paperbib.text import clean_title, unescape_markdown
from paperbib.urls import is_valid_url

_HEADING = re.compile(r"^ {0,3}(?P<marks>#{1,6})(?:[ \t]+(?P<text>.*))?$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,3}[.)])(?:[ \t]+(?P<content>.*))?$")
_FENCE = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})")
_ANCHOR_LINK = re.compile(r"\[[^\]]*\]\(#[^)]*\)")


@dataclass
class ReadResult:
    """What a reader returns: the papers in document order, and every finding about the input."""

    records: list[Record] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def skipped(self) -> list[Diagnostic]:
        return [diagnostic for diagnostic in self.diagnostics if diagnostic.skipped]


def read_markdown(source: Source) -> ReadResult:
    """Read every paper bullet of ``source``; fenced code and HTML comments are not read."""
    result = ReadResult()
    stack: list[HeadingContext] = []
    fence: str | None = None
    in_comment = False
    for number, line in enumerate(source.lines(), start=1):
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
        if line.lstrip().startswith("<!--"):
            in_comment = "-->" not in line
            continue
        location = Location(source.name, number)
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group("marks"))
            while stack and stack[-1].level >= level:
                stack.pop()
            stack.append(parse_heading(level, heading.group("text") or ""))
            continue
        bullet = _BULLET.match(line)
        if bullet:
            _read_bullet((bullet.group("content") or "").strip(), location, stack, result)
    return result


def _current(stack: list[HeadingContext]) -> tuple[int | None, str | None]:
    year = next((context.year for context in reversed(stack) if context.year is not None), None)
    venue = next((context.venue for context in reversed(stack) if context.venue is not None), None)
    return year, venue


def _read_bullet(content: str, location: Location, stack: list[HeadingContext], result: ReadResult) -> None:
    if not content:
        return
    year, venue = _current(stack)
    try:
        parts = split_bullet(content)
    except LinkSyntaxError as error:
        result.diagnostics.append(
            Diagnostic(location, Severity.ERROR, Code.UNCLOSED_LINK, f"skipped: broken link: {error}")
        )
        return
    if parts is None:
        if _is_table_of_contents(content) or venue is None:
            return
        title, links, trailing = content, [], ""
    else:
        title, links, trailing = parts.title, parts.links, parts.trailing
    title = unescape_markdown(clean_title(title))
    if not title:
        result.diagnostics.append(
            Diagnostic(location, Severity.ERROR, Code.EMPTY_TITLE, "skipped: bullet has links but no title")
        )
        return
    if not links:
        result.diagnostics.append(
            Diagnostic(location, Severity.WARNING, Code.NO_LINKS, f"paper {title!r} has no links")
        )
    for link in links:
        if not is_valid_url(link.url):
            result.diagnostics.append(
                Diagnostic(
                    location,
                    Severity.WARNING,
                    Code.MALFORMED_URL,
                    f"link [{link.label}] has an invalid URL {link.url!r}; it is not exported",
                )
            )
    if venue is None:
        result.diagnostics.append(
            Diagnostic(location, Severity.WARNING, Code.NO_VENUE, f"paper {title!r} has no venue heading above it")
        )
    if year is None:
        result.diagnostics.append(Diagnostic(location, Severity.WARNING, Code.NO_YEAR, f"paper {title!r} has no year"))
    record = Record(title=title, location=location, links=list(links), year=year, venue=venue, note=trailing)
    result.records.append(record)


def _is_table_of_contents(content: str) -> bool:
    """True for bullets that only link to anchors in the same document, like ``[2024](#2024)``."""
    return bool(_ANCHOR_LINK.search(content)) and not _ANCHOR_LINK.sub("", content).strip(" -|*")
