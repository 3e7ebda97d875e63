"""Crossref: checks a DOI and reads its metadata through the Crossref REST API.

``GET /works/DOI`` returns ``{"status": "ok", "message": {...}}``. The work in ``message`` has
``DOI``, ``title`` (a list), ``author`` (objects with ``given`` and ``family``, or ``name`` for
organisations), ``page``, ``volume`` and ``publisher``. An unknown DOI gets status 404. Field names
follow the Crossref REST API documentation (api.crossref.org/swagger-ui and
github.com/CrossRef/rest-api-doc).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar
from urllib.parse import quote

from paperbib.enrich.base import LookupRequest
from paperbib.enrich.http import FetchError, HttpClient
from paperbib.enrich.result import LookupResult, Metadata, Status
from paperbib.model import Author, Record


class CrossrefError(Exception):
    """The response is not a readable Crossref work."""


class CrossrefSource:
    name: ClassVar[str] = "crossref"

    def __init__(self, client: HttpClient, base_url: str) -> None:
        self.client = client
        self.base_url = base_url

    def request_for(self, record: Record) -> LookupRequest | None:
        return LookupRequest(record.ids.doi.lower(), record) if record.ids.doi else None

    def fetch(self, requests: Sequence[LookupRequest]) -> Iterator[tuple[LookupRequest, LookupResult]]:
        for request in requests:
            yield request, self._lookup(request.key)

    def _lookup(self, doi: str) -> LookupResult:
        try:
            body = self.client.get(f"{self.base_url}/works/{quote(doi, safe='/')}")
            work = parse_work(body)
        except FetchError as error:
            if error.status == 404:
                return LookupResult(Status.NOT_FOUND, message=f"Crossref does not know the DOI {doi}")
            return LookupResult(Status.FAILED, message=str(error))
        except CrossrefError as error:
            return LookupResult(Status.FAILED, message=f"DOI {doi}: {error}")
        return LookupResult(Status.RESOLVED, _metadata(work, doi), f"Crossref work {doi}")


def parse_work(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CrossrefError(f"malformed JSON in the response ({error})") from None
    work = data.get("message") if isinstance(data, dict) else None
    if not isinstance(work, dict):
        raise CrossrefError("the response has no message object")
    return work


def _metadata(work: dict[str, Any], doi: str) -> Metadata:
    titles = work.get("title")
    title = titles[0] if isinstance(titles, list) and titles and isinstance(titles[0], str) else ""
    authors = []
    for person in work.get("author", []) if isinstance(work.get("author"), list) else []:
        if not isinstance(person, dict):
            continue
        family, given, name = (_string(person.get(key)) for key in ("family", "given", "name"))
        if family:
            authors.append(Author(family=family, given=given))
        elif name:
            authors.append(Author(literal=name))
    return Metadata(
        title=" ".join(title.split()),
        authors=tuple(authors),
        doi=_string(work.get("DOI")) or doi,
        pages=_string(work.get("page")),
        volume=_string(work.get("volume")),
        publisher=_string(work.get("publisher")),
    )


def _string(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""
