"""DBLP: metadata by title, accepted only for an exact normalised title match in the list's venue and year.

The publication search API (``/search/publ/api?q=...&format=json&h=N``, documented in the dblp FAQ
"How to use the dblp search API?") returns ``result.hits.hit``, a list of hits whose ``info`` object
contains ``title``, ``authors.author`` (one object or a list, each with ``text``), ``venue`` (a string
or a list), ``year``, ``pages``, ``volume``, ``doi`` and the record ``key``.

Title-only matches pick the wrong paper when titles repeat, so a hit counts only when its normalised
title equals the list's and its venue and year equal the list's. Two such hits, or a hit in that
venue and year whose title differs, make the lookup ambiguous, and nothing is taken from it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from paperbib.enrich.base import LookupRequest
from paperbib.enrich.http import FetchError, HttpClient
from paperbib.enrich.names import split_name, strip_dblp_homonym
from paperbib.enrich.result import LookupResult, Metadata, Status
from paperbib.model import Record
from paperbib.text import normalise_title
from paperbib.venues import Catalogue, default_catalogue, lookup_form

# NOTE: only the first MAX_HITS hits are read. A title shared by more papers can hide the right
# record, which then counts as not found; a wrong record is never accepted this way.
MAX_HITS = 30
_VOLUME_SUFFIX = re.compile(r"\s*\(\d+\)$")  # "ECCV (12)": the proceedings volume, not part of the venue name


class DblpError(Exception):
    """The response is not a readable DBLP search result."""


class DblpSource:
    name: ClassVar[str] = "dblp"

    def __init__(self, client: HttpClient, base_url: str, catalogue: Catalogue | None = None) -> None:
        self.client = client
        self.base_url = base_url
        self.catalogue = catalogue or default_catalogue()

    def request_for(self, record: Record) -> LookupRequest | None:
        """Papers with a venue (other than a preprint server) and a year; the key names all three."""
        if record.venue is None or record.year is None or not normalise_title(record.title):
            return None
        if record.venue_info is not None and record.venue_info.kind == "preprint":
            return None
        venue = record.venue_info.id if record.venue_info is not None else lookup_form(record.venue)
        return LookupRequest(f"{venue}|{record.year}|{normalise_title(record.title)}", record)

    def fetch(self, requests: Sequence[LookupRequest]) -> Iterator[tuple[LookupRequest, LookupResult]]:
        for request in requests:
            try:
                body = self.client.get(
                    self.base_url, {"q": normalise_title(request.record.title), "format": "json", "h": str(MAX_HITS)}
                )
                hits = parse_hits(body)
            except DblpError as error:
                yield request, LookupResult(Status.FAILED, message=f"{self.base_url}: {error}")
                continue
            except FetchError as error:
                yield request, LookupResult(Status.FAILED, message=str(error))
                continue
            yield request, self.choose(request.record, hits)

    def choose(self, record: Record, hits: list[dict[str, Any]]) -> LookupResult:
        """Accept the one hit with the record's normalised title, venue and year, and nothing else."""
        list_title = normalise_title(record.title)
        in_venue = [hit for hit in hits if _year(hit) == record.year and self._same_venue(record, hit)]
        exact = [hit for hit in in_venue if normalise_title(_title(hit)) == list_title]
        if len(exact) == 1:
            hit = exact[0]
            return LookupResult(Status.RESOLVED, _metadata(hit), f"DBLP record {hit.get('key', '?')}")
        if len(exact) > 1:
            keys = ", ".join(str(hit.get("key", "?")) for hit in exact)
            return LookupResult(Status.AMBIGUOUS, message=f"DBLP has {len(exact)} records with this title: {keys}")
        if in_venue:
            titles = "; ".join(repr(_title(hit)) for hit in in_venue[:3])
            return LookupResult(
                Status.AMBIGUOUS,
                message=f"DBLP lists {titles} in this venue and year, but the title differs from the list's",
            )
        return LookupResult(Status.NOT_FOUND, message="DBLP has no record with this title in this venue and year")

    def _same_venue(self, record: Record, hit: dict[str, Any]) -> bool:
        venues = hit.get("venue", [])
        names = [venues] if isinstance(venues, str) else [name for name in venues if isinstance(name, str)]
        for name in names:
            name = _VOLUME_SUFFIX.sub("", name)
            if record.venue_info is not None and record.venue_info.known:
                found = self.catalogue.find(name)
                if found is not None and found.id == record.venue_info.id:
                    return True
            elif record.venue is not None and lookup_form(name) == lookup_form(record.venue):
                return True
        return False


def parse_hits(body: bytes) -> list[dict[str, Any]]:
    """Return the ``info`` objects of a DBLP JSON search response; raise DblpError for anything else."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DblpError(f"malformed JSON in the response ({error})") from None
    result = data.get("result") if isinstance(data, dict) else None
    if not isinstance(result, dict) or not isinstance(result.get("hits"), dict):
        raise DblpError("the response has no result.hits object")
    hits = result["hits"].get("hit", [])
    if isinstance(hits, dict):
        hits = [hits]
    if not isinstance(hits, list):
        raise DblpError("result.hits.hit is neither a list nor an object")
    return [hit["info"] for hit in hits if isinstance(hit, dict) and isinstance(hit.get("info"), dict)]


def _title(hit: dict[str, Any]) -> str:
    title = hit.get("title", "")
    return title if isinstance(title, str) else ""


def _year(hit: dict[str, Any]) -> int | None:
    try:
        return int(hit.get("year", ""))
    except (TypeError, ValueError):
        return None


def _metadata(hit: dict[str, Any]) -> Metadata:
    authors_field = hit.get("authors", {})
    entries = authors_field.get("author", []) if isinstance(authors_field, dict) else []
    if isinstance(entries, dict | str):
        entries = [entries]
    names = [entry.get("text", "") if isinstance(entry, dict) else entry for entry in entries]
    authors = tuple(
        author for name in names if isinstance(name, str) and (author := split_name(strip_dblp_homonym(name)))
    )
    # DBLP ends every title with a period, which is not part of the title.
    title = _title(hit).strip()
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    return Metadata(
        title=title,
        authors=authors,
        doi=_string(hit.get("doi")),
        pages=_string(hit.get("pages")),
        volume=_string(hit.get("volume")),
    )


def _string(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
