"""arXiv: metadata by arXiv ID through the arXiv API, many IDs per request.

The API responds to ``?id_list=ID,ID,...&max_results=N`` with an Atom 1.0 feed, one ``<entry>`` per
paper, as described in the arXiv API User's Manual (info.arxiv.org/help/api/user-manual.html).
A query it cannot read comes back as a feed with a single entry whose ``<id>`` points to
``arxiv.org/api/errors``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Sequence
from typing import ClassVar

from paperbib.enrich.base import LookupRequest
from paperbib.enrich.http import FetchError, HttpClient
from paperbib.enrich.names import split_name
from paperbib.enrich.result import LookupResult, Metadata, Status
from paperbib.model import Record

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_ENTRY_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v\d+)?$")
_SUBJECT_CLASS = re.compile(r"^([a-z][a-z\-]*)\.[A-Z]{2}/")


class ArxivError(Exception):
    """The response is not a readable arXiv feed."""


class ArxivSource:
    name: ClassVar[str] = "arxiv"

    def __init__(self, client: HttpClient, base_url: str, batch_size: int = 50) -> None:
        self.client = client
        self.base_url = base_url
        self.batch_size = max(1, batch_size)

    def request_for(self, record: Record) -> LookupRequest | None:
        arxiv_id = record.ids.arxiv_base
        return LookupRequest(canonical_id(arxiv_id), record) if arxiv_id else None

    def fetch(self, requests: Sequence[LookupRequest]) -> Iterator[tuple[LookupRequest, LookupResult]]:
        for start in range(0, len(requests), self.batch_size):
            yield from self._fetch_batch(requests[start : start + self.batch_size])

    def _fetch_batch(self, batch: Sequence[LookupRequest]) -> Iterator[tuple[LookupRequest, LookupResult]]:
        try:
            found = self._query([request.key for request in batch])
        except (FetchError, ArxivError) as error:
            for request in batch:
                yield request, LookupResult(Status.FAILED, message=str(error))
            return
        missing = [request for request in batch if request.key not in found]
        if missing and len(missing) < len(batch):
            # A feed that lacks some IDs of a batch is asked once more for just those IDs, because a
            # truncated response and an unknown ID look the same.
            try:
                found.update(self._query([request.key for request in missing]))
            except (FetchError, ArxivError) as error:
                for request in missing:
                    found.setdefault(request.key, LookupResult(Status.FAILED, message=str(error)))
        for request in batch:
            result = found.get(request.key)
            if result is None:
                result = LookupResult(Status.NOT_FOUND, message=f"arXiv returned no entry for {request.key}")
            yield request, result

    def _query(self, ids: list[str]) -> dict[str, LookupResult]:
        body = self.client.get(self.base_url, {"id_list": ",".join(ids), "max_results": str(len(ids))})
        try:
            return parse_feed(body)
        except ArxivError as error:
            raise ArxivError(f"{self.base_url}: {error}") from None


def canonical_id(arxiv_id: str) -> str:
    """Drop the subject class of an old-style ID (``math.GT/0309136`` -> ``math/0309136``).

    The API writes old-style entry ids without it, so the requested ID would not match the entry.
    """
    return _SUBJECT_CLASS.sub(r"\1/", arxiv_id)


def parse_feed(body: bytes) -> dict[str, LookupResult]:
    """Return the entries of an arXiv Atom feed by versionless arXiv ID; raise ArxivError for anything else."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise ArxivError(f"malformed XML in the response ({error})") from None
    if root.tag != f"{ATOM}feed":
        raise ArxivError(f"expected an Atom feed, got <{root.tag}>")
    results: dict[str, LookupResult] = {}
    for entry in root.findall(f"{ATOM}entry"):
        entry_id = _text(entry, f"{ATOM}id")
        if "/api/errors" in entry_id:
            raise ArxivError(f"the API reported an error: {_text(entry, f'{ATOM}summary') or entry_id}")
        match = _ENTRY_ID.search(entry_id)
        if match is None:
            raise ArxivError(f"entry id {entry_id!r} is not an arXiv abstract URL")
        title = _text(entry, f"{ATOM}title")
        authors = tuple(
            author
            for element in entry.findall(f"{ATOM}author")
            if (author := split_name(_text(element, f"{ATOM}name"))) is not None
        )
        if not title and not authors:
            continue
        # <arxiv:doi> may list several DOIs separated by spaces; the first is the published version's.
        dois = _text(entry, f"{ARXIV}doi").split()
        metadata = Metadata(title=title, authors=authors, doi=dois[0] if dois else "")
        results[match.group("id")] = LookupResult(Status.RESOLVED, metadata, f"arXiv entry {entry_id}")
    return results


def _text(element: ElementTree.Element, tag: str) -> str:
    """Return the text of a child element with whitespace collapsed, because arXiv wraps long titles."""
    return " ".join((element.findtext(tag) or "").split())
