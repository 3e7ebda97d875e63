"""Enrichment of a whole list: look every paper up in each source, combine the results, build the sidecar.

Each field is taken from the first source in :data:`FIELD_PRIORITY` that gives it. When a source
fails (network, timeout, unreadable response), the fields it gave in an earlier run stay in the
sidecar, so a bad connection never erases earlier work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from paperbib.diagnostics import Code, Diagnostic, Severity
from paperbib.enrich.base import LookupRequest, Source
from paperbib.enrich.cache import LookupCache
from paperbib.enrich.merge import merge_entry
from paperbib.enrich.result import FIELDS, LookupResult, Metadata, Status
from paperbib.enrich.sidecar import FieldValue, Sidecar, SidecarEntry, paper_identity
from paperbib.model import Record

# Sources that give structured names and checked metadata come first; arXiv gives what the authors typed.
FIELD_PRIORITY: Mapping[str, tuple[str, ...]] = {
    "authors": ("crossref", "dblp", "openreview", "arxiv"),
    "doi": ("crossref", "dblp", "arxiv"),
    "pages": ("crossref", "dblp"),
    "volume": ("crossref", "dblp"),
    "publisher": ("crossref",),
    "title": ("crossref", "dblp", "openreview", "arxiv"),
}
# Sources asked before Crossref, whose DOIs Crossref then checks.
FIRST_PHASE = ("arxiv", "openreview", "dblp")

# Results that give no information about the paper, so the fields of an earlier run are kept.
_NOT_ANSWERED = {Status.FAILED, Status.NOT_LOOKED_UP}
_SEVERITY = {Status.AMBIGUOUS: Severity.WARNING, Status.FAILED: Severity.WARNING, Status.NOT_FOUND: Severity.INFO}
_CODE = {
    Status.AMBIGUOUS: Code.ENRICH_AMBIGUOUS,
    Status.FAILED: Code.ENRICH_FAILED,
    Status.NOT_FOUND: Code.ENRICH_NOT_FOUND,
}


class Progress(Protocol):
    def planned(self, count: int) -> None:
        """``count`` more lookups are on the way."""

    def advance(self, count: int) -> None:
        """``count`` lookups are done."""


class _NoProgress:
    def planned(self, count: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass


@dataclass
class PaperOutcome:
    record: Record
    identity: str
    results: dict[str, LookupResult] = field(default_factory=dict)  # source name -> result of this run

    @property
    def status(self) -> Status:
        """Return the first of resolved, failed, ambiguous and not looked up that a source gave, else not found."""
        statuses = {result.status for result in self.results.values()}
        for status in (Status.RESOLVED, Status.FAILED, Status.AMBIGUOUS, Status.NOT_LOOKED_UP):
            if status in statuses:
                return status
        return Status.NOT_FOUND


@dataclass
class EnrichReport:
    sidecar: Sidecar
    outcomes: list[PaperOutcome]
    diagnostics: list[Diagnostic]

    def counts(self) -> dict[Status, int]:
        counts = dict.fromkeys(Status, 0)
        for outcome in self.outcomes:
            counts[outcome.status] += 1
        return counts


class Enricher:
    def __init__(
        self,
        sources: Mapping[str, Source],
        cache: LookupCache,
        offline: bool = False,
        refresh: bool = False,
    ) -> None:
        self.sources = sources
        self.cache = cache
        self.offline = offline
        self.refresh = refresh

    def run(
        self, records: Sequence[Record], previous: Sidecar | None = None, progress: Progress | None = None
    ) -> EnrichReport:
        progress = progress or _NoProgress()
        previous = previous or Sidecar()
        unique, diagnostics = unique_identities(records)
        outcomes = {identity: PaperOutcome(record, identity) for identity, record in unique.items()}
        for name in FIRST_PHASE:
            source = self.sources.get(name)
            if source is None:
                continue
            requests = {
                identity: request
                for identity, outcome in outcomes.items()
                if (request := source.request_for(outcome.record)) is not None
            }
            self._lookup(source, requests, outcomes, progress)
        crossref = self.sources.get("crossref")
        if crossref is not None:
            requests = {}
            for identity, outcome in outcomes.items():
                doi = outcome.record.ids.doi or _first_value(outcome.results, "doi", previous.papers.get(identity))
                if doi:
                    requests[identity] = LookupRequest(doi.lower(), outcome.record)
            self._lookup(crossref, requests, outcomes, progress)

        sidecar = Sidecar()
        for identity, outcome in outcomes.items():
            diagnostics.extend(_lookup_diagnostics(outcome))
            if not outcome.results and identity not in previous.papers:
                continue
            entry, findings = _build_entry(outcome, previous.papers.get(identity), set(self.sources))
            if entry.fields or entry.lookups:
                sidecar.papers[identity] = entry
            diagnostics.extend(findings)
            _, conflicts = merge_entry(outcome.record, entry)
            diagnostics.extend(conflicts)
        diagnostics.sort(key=lambda diagnostic: diagnostic.location)
        return EnrichReport(sidecar, list(outcomes.values()), diagnostics)

    def _lookup(
        self,
        source: Source,
        requests: dict[str, LookupRequest],
        outcomes: dict[str, PaperOutcome],
        progress: Progress,
    ) -> None:
        progress.planned(len(requests))
        by_key: dict[str, list[str]] = {}
        for identity, request in requests.items():
            by_key.setdefault(request.key, []).append(identity)
        missing: list[LookupRequest] = []
        for key, identities in by_key.items():
            cached = None if self.refresh else self.cache.get(source.name, key)
            if cached is None and self.offline:
                cached = LookupResult(Status.NOT_LOOKED_UP, message="not in the cache, and --offline is set")
            if cached is None:
                missing.append(requests[identities[0]])
                continue
            for identity in identities:
                outcomes[identity].results[source.name] = cached
            progress.advance(len(identities))
        for request, result in source.fetch(missing):
            self.cache.put(source.name, request.key, result)
            for identity in by_key[request.key]:
                outcomes[identity].results[source.name] = result
            progress.advance(len(by_key[request.key]))


def unique_identities(records: Sequence[Record]) -> tuple[dict[str, Record], list[Diagnostic]]:
    """Map each paper identity to its record, leaving out papers whose identity another paper shares.

    Two papers share an identity when the list gives both the same title, venue and year but no
    identifier, or links both to the same DOI. Their fetched fields could belong to either, so
    neither is enriched.
    """
    groups: dict[str, list[Record]] = {}
    for record in records:
        groups.setdefault(paper_identity(record), []).append(record)
    unique: dict[str, Record] = {}
    diagnostics: list[Diagnostic] = []
    for identity, group in groups.items():
        if len(group) == 1:
            unique[identity] = group[0]
            continue
        for record in group:
            others = ", ".join(str(other.location) for other in group if other is not record)
            diagnostics.append(
                Diagnostic(
                    record.location,
                    Severity.WARNING,
                    Code.ENRICH_AMBIGUOUS,
                    f"{record.key}: same identity {identity!r} as the paper at {others}; not enriched",
                )
            )
    return unique, diagnostics


def _first_value(results: Mapping[str, LookupResult], name: str, previous: SidecarEntry | None) -> str:
    for source in FIELD_PRIORITY[name]:
        result = results.get(source)
        if result is not None and result.status is Status.RESOLVED and getattr(result.metadata, name):
            return getattr(result.metadata, name)
        # A source that failed, or has not been asked (Crossref not yet, any source under --offline),
        # keeps the value it gave before.
        if (result is None or result.status in _NOT_ANSWERED) and previous is not None:
            kept = previous.fields.get(name)
            if kept is not None and kept.source == source:
                return str(kept.value)
    return ""


def _build_entry(
    outcome: PaperOutcome, previous: SidecarEntry | None, selected: set[str]
) -> tuple[SidecarEntry, list[Diagnostic]]:
    """Build the sidecar entry of one paper, taking each field from the first source that gives it.

    Sources that failed keep the fields they gave before, and so do sources left out of ``selected``
    (``--source``), whose lookup status is kept as well.
    """
    record = outcome.record
    findings: list[Diagnostic] = []
    usable: dict[str, Metadata] = {}
    lookups = {
        source: result.status.value
        for source, result in outcome.results.items()
        if result.status is not Status.NOT_LOOKED_UP
    }
    for source, result in outcome.results.items():
        if result.status is Status.RESOLVED:
            usable[source] = result.metadata
        elif result.status in _NOT_ANSWERED and previous is not None:
            usable[source] = previous.metadata_from(source)
            if result.status is Status.NOT_LOOKED_UP and source in previous.lookups:
                lookups[source] = previous.lookups[source]
    if previous is not None:
        for source, status in previous.lookups.items():
            if source not in selected:
                usable[source] = previous.metadata_from(source)
                lookups[source] = status

    entry = SidecarEntry(key=record.key, title=record.title)
    entry.lookups = dict(sorted(lookups.items()))
    for name in FIELDS:
        for source in FIELD_PRIORITY[name]:
            metadata = usable.get(source)
            if metadata is None:
                continue
            value = metadata.values().get(name)
            if value:
                entry.fields[name] = FieldValue(value, source)
                break

    doi = entry.fields.get("doi")
    crossref = outcome.results.get("crossref")
    if crossref is not None and crossref.status is Status.NOT_FOUND:
        if record.ids.doi:
            message = f"{record.key}: Crossref does not know the DOI {record.ids.doi} that the list links to"
        else:
            message = f"{record.key}: Crossref does not know the DOI {doi.value if doi else '?'}"
            message += f" from {doi.source if doi else '?'}, so it is left out"
            entry.fields.pop("doi", None)
        findings.append(Diagnostic(record.location, Severity.WARNING, Code.ENRICH_NOT_FOUND, message))
    return entry, findings


def _lookup_diagnostics(outcome: PaperOutcome) -> list[Diagnostic]:
    record = outcome.record
    if not outcome.results:
        return [
            Diagnostic(
                record.location,
                Severity.INFO,
                Code.ENRICH_NOT_FOUND,
                f"{record.key}: nothing to look up (no arXiv ID, OpenReview id, DOI, or venue and year)",
            )
        ]
    findings = []
    for source, result in sorted(outcome.results.items()):
        if result.status is Status.RESOLVED or (source == "crossref" and result.status is Status.NOT_FOUND):
            continue
        if result.status is Status.NOT_LOOKED_UP:
            continue  # expected under --offline; the summary counts these papers
        findings.append(
            Diagnostic(
                record.location,
                _SEVERITY[result.status],
                _CODE[result.status],
                f"{record.key}: {source}: {result.status.value}: {result.message}",
            )
        )
    return findings
