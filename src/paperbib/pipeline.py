"""From an input file to keyed records: read, identify, resolve venues, merge duplicates, assign keys."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from paperbib.diagnostics import Diagnostic
from paperbib.errors import InputError
from paperbib.forking import Message
from paperbib.model import Record
from paperbib.part_helper import PartHelper
from paperbib.reader.markdown_list import ReadResult, read_markdown
from paperbib.source import read_source
from paperbib.steps.dedupe import dedupe
from paperbib.steps.identify import identify
from paperbib.steps.keys import KeyFormat, assign_keys
from paperbib.steps.resolve_venues import resolve_venues
from paperbib.steps.sidecar import apply_sidecar, sidecar_path
from paperbib.steps.title_facts import TitleFacts
from paperbib.venues import Catalogue, default_catalogue

logger = logging.getLogger(__name__)


@dataclass
class Bibliography:
    """The keyed records of one or more inputs, with every finding about them."""

    records: list[Record] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source_name: str = ""
    # The child that read the last part of a long list, kept when ``load`` was given ``follow``.
    helper: PartHelper | None = None

    @property
    def skipped(self) -> list[Diagnostic]:
        return [diagnostic for diagnostic in self.diagnostics if diagnostic.skipped]

    def close(self) -> None:
        """Stop the helper, if there is one and it has not sent its response."""
        if self.helper is not None:
            self.helper.close()
            self.helper = None


def load(
    path: str,
    encoding: str | None = None,
    catalogue: Catalogue | None = None,
    sidecar: bool = True,
    key_format: KeyFormat | None = None,
    follow: Callable[[list[Record], list[Any]], Callable[[bytes], Message]] | None = None,
) -> Bibliography:
    """Read ``path`` and run every step. Raises InputError for unreadable or empty input.

    Input without papers is not an error here, so that callers can report skipped lines first.
    With ``sidecar``, the fields that ``paperbib enrich`` stored beside ``path`` are merged in last.
    ``follow`` keeps the child that read the last part of a long list as ``Bibliography.helper``
    (see ``read_markdown``); the caller closes the bibliography then.
    """
    source = read_source(path, encoding)
    if not source.text or source.text.isspace():
        raise InputError(f"{source.name}: file is empty")
    name = source.name
    # Identifiers and title facts depend on each record alone, so the reader computes them for the part
    # it reads, in a forked child for the second part of a long list.
    result = read_markdown(source, prepare=_prepare, follow=follow)
    try:
        if not result.records and source.looks_binary:
            raise InputError(
                f"{name}: no papers found; the file contains NUL bytes, so it looks binary, not like Markdown"
            )
        # Free the decoded text (up to four bytes per character) before the steps allocate their copies.
        del source
        return _finish_loading(result, name, path, catalogue, sidecar, key_format)
    except BaseException:
        if result.helper is not None:
            result.helper.close()
        raise


def _finish_loading(
    result: ReadResult,
    name: str,
    path: str,
    catalogue: Catalogue | None,
    sidecar: bool,
    key_format: KeyFormat | None,
) -> Bibliography:
    logger.debug("read %d records from %s", len(result.records), name)
    # The records of this reader belong to no one else, so the steps need not copy them.
    titles = TitleFacts()
    for part in result.prepared:
        titles.add(part)
    bibliography = process(
        result.records, result.diagnostics, catalogue, key_format, copy=False, identified=True, titles=titles
    )
    bibliography.source_name = name
    bibliography.helper = result.helper
    if sidecar:
        records, findings = apply_sidecar(bibliography.records, sidecar_path(path))
        bibliography.records = records
        if findings:
            bibliography.diagnostics = sorted(
                [*bibliography.diagnostics, *findings], key=lambda diagnostic: diagnostic.location
            )
    return bibliography


def _prepare(records: list[Record]) -> tuple[dict[str, str], dict[str, str]]:
    identify(records, copy=False)
    return TitleFacts.of(records)


def process(
    records: list[Record],
    diagnostics: list[Diagnostic],
    catalogue: Catalogue | None = None,
    key_format: KeyFormat | None = None,
    copy: bool = True,
    identified: bool = False,
    titles: TitleFacts | None = None,
) -> Bibliography:
    """Run the steps after reading on records from any reader; ``key_format`` replaces the default keys.

    With ``copy=False`` the steps set identifiers, venues and keys on the given records in place;
    otherwise the given records stay unchanged. ``identified=True`` with ``copy=False`` says that
    the records have their identifiers already, so that they are not derived twice. ``titles`` are
    facts about the titles of the records computed ahead; those missing are computed here.
    """
    findings = list(diagnostics)
    # The later steps change records in place: the copies that identify makes, or the caller's with copy=False.
    if copy or not identified:
        records = identify(records, copy)
    records, venue_findings = resolve_venues(records, catalogue or default_catalogue(), copy=False)
    findings.extend(venue_findings)
    titles = titles or TitleFacts()
    records, duplicate_findings = dedupe(records, titles.normalised)
    findings.extend(duplicate_findings)
    records = assign_keys(records, key_format, copy=False, words=titles.words)
    findings.sort(key=lambda diagnostic: diagnostic.location)
    return Bibliography(records, findings)
