"""Checks for list maintainers: skipped lines, duplicate papers, missing venues and years, broken links and
empty headings, each reported as a Diagnostic with its ``file:line``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from paperbib.diagnostics import Code, Diagnostic, Severity
from paperbib.errors import InputError
from paperbib.messages import quote
from paperbib.model import Location, Record
from paperbib.reader.markdown_list import HeadingInfo, read_markdown
from paperbib.source import read_source
from paperbib.steps.identify import identify
from paperbib.steps.resolve_venues import resolve_venues
from paperbib.text import normalise_title
from paperbib.urls import main_url
from paperbib.venues import Catalogue, default_catalogue


@dataclass
class CheckReport:
    """The findings about a set of input files, in the order of the files and then by line."""

    findings: list[Diagnostic] = field(default_factory=list)
    papers: int = 0
    files: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # one message per file that could not be read

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    def failed(self, strict: bool = False) -> bool:
        """True when a file could not be read or a finding is an error, or under ``strict`` a warning."""
        failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
        return bool(self.unreadable) or any(finding.severity in failing for finding in self.findings)


def check_files(
    paths: Sequence[str],
    encoding: str | None = None,
    catalogue: Catalogue | None = None,
    ignore: Iterable[str] = (),
) -> CheckReport:
    """Read every file of ``paths`` and check them together, so duplicates across files are found too.

    A file that cannot be read or decoded is listed in ``unreadable`` with the reason, and the other
    files are still checked. Findings whose code is in ``ignore`` (such as ``PB110``) are left out.
    """
    catalogue = catalogue or default_catalogue()
    report = CheckReport()
    records: list[Record] = []
    for path in paths:
        try:
            source = read_source(path, encoding)
        except InputError as error:
            report.unreadable.append(str(error))
            continue
        result = read_markdown(source, catalogue)
        report.files.append(source.name)
        report.findings.extend(result.diagnostics)
        report.findings.extend(empty_headings(result.headings))
        if not result.records:
            # export stops on such a file, so check reports it as an error too.
            reason = "file is empty" if not source.text.strip() else "no papers found"
            detail = (
                "; the file contains NUL bytes, so it looks binary, not like Markdown" if source.looks_binary else ""
            )
            report.findings.append(
                Diagnostic(
                    Location(source.name, 1), Severity.ERROR, Code.NO_PAPERS, f"{reason} in {source.name}{detail}"
                )
            )
        resolved, venue_findings = resolve_venues(identify(result.records), catalogue)
        report.findings.extend(venue_findings)
        records.extend(resolved)
    report.papers = len(records)
    report.findings.extend(duplicates(records))
    ignored = {code.upper() for code in ignore}
    report.findings = [finding for finding in report.findings if finding.code.value not in ignored]
    order = {name: index for index, name in enumerate(report.files)}
    report.findings.sort(
        key=lambda finding: (order.get(finding.location.path, len(order)), finding.location.line, finding.code.value)
    )
    return report


def empty_headings(headings: Iterable[HeadingInfo]) -> list[Diagnostic]:
    """Return a warning for each heading whose section, sub-sections included, contains nothing but headings."""
    return [
        Diagnostic(
            heading.location, Severity.WARNING, Code.EMPTY_HEADING, f"heading {quote(heading.text)} has no papers"
        )
        for heading in headings
        if heading.empty
    ]


def duplicates(records: Sequence[Record]) -> list[Diagnostic]:
    """Return a warning for each paper listed before, by arXiv ID or by normalised title, in any section or file.

    A repeat with the same title but another paper link is reported with its own code, because it may
    be a different version of the paper rather than a copy.
    """
    findings: list[Diagnostic] = []
    by_arxiv: dict[str, Record] = {}
    by_title: dict[str, Record] = {}
    for record in records:
        arxiv = record.ids.arxiv_base
        title = normalise_title(record.title)
        first = by_arxiv.get(arxiv) if arxiv else None
        if first is not None:
            findings.append(_duplicate(record, first.location, Code.DUPLICATE, f"same arXiv ID {arxiv} as"))
        elif title and title in by_title:
            first = by_title[title]
            first_url, url = main_url(first), main_url(record)
            if first_url and url and first_url != url:
                message = f"same title but another paper link ({url}) than"
                findings.append(_duplicate(record, first.location, Code.DUPLICATE_TITLE, message))
            else:
                findings.append(_duplicate(record, first.location, Code.DUPLICATE, "same title as"))
        if arxiv:
            by_arxiv.setdefault(arxiv, record)
        if title:
            by_title.setdefault(title, record)
    return findings


def _duplicate(record: Record, first: Location, code: Code, reason: str) -> Diagnostic:
    message = f"duplicate paper {quote(record.title)}: {reason} {first}"
    return Diagnostic(record.location, Severity.WARNING, code, message)
