"""OpenReview: metadata by forum id through the OpenReview API.

``GET /notes?id=FORUM`` returns ``{"notes": [...]}``. In API v2 (api2.openreview.net) each content
field is an object ``{"value": ...}``; in API v1 (api.openreview.net), which still serves older
venues, the value is given directly. The submission note's ``content`` has ``title`` and ``authors``
(a list of full names). Field names follow the OpenReview documentation (docs.openreview.net,
"Notes").
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from paperbib.enrich.base import LookupRequest
from paperbib.enrich.http import FetchError, HttpClient
from paperbib.enrich.names import split_name
from paperbib.enrich.result import LookupResult, Metadata, Status
from paperbib.model import Record

# 403 is what OpenReview sends for a note that exists but is not public.
_NOT_FOUND_STATUSES = {403, 404}


class OpenReviewError(Exception):
    """The response is not a readable list of notes."""


class OpenReviewSource:
    name: ClassVar[str] = "openreview"

    def __init__(self, client: HttpClient, base_url: str, v1_base_url: str | None = None) -> None:
        self.client = client
        self.base_urls = [base_url] + ([v1_base_url] if v1_base_url else [])

    def request_for(self, record: Record) -> LookupRequest | None:
        forum = record.ids.openreview
        return LookupRequest(forum, record) if forum else None

    def fetch(self, requests: Sequence[LookupRequest]) -> Iterator[tuple[LookupRequest, LookupResult]]:
        for request in requests:
            yield request, self._lookup(request.key)

    def _lookup(self, forum: str) -> LookupResult:
        """Ask API v2 first, then API v1 when v2 does not know the note."""
        result = LookupResult(Status.NOT_FOUND, message=f"OpenReview has no public note {forum}")
        for base_url in self.base_urls:
            try:
                body = self.client.get(f"{base_url}/notes", {"id": forum})
                note = find_note(body, forum)
            except FetchError as error:
                if error.status in _NOT_FOUND_STATUSES:
                    continue
                return LookupResult(Status.FAILED, message=str(error))
            except OpenReviewError as error:
                return LookupResult(Status.FAILED, message=f"{base_url}: {error}")
            if note is not None:
                return LookupResult(Status.RESOLVED, _metadata(note), f"OpenReview note {forum}")
        return result


def find_note(body: bytes, forum: str) -> dict[str, Any] | None:
    """Return the note with id ``forum`` in a ``/notes`` response; raise OpenReviewError if it is malformed."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise OpenReviewError(f"malformed JSON in the response ({error})") from None
    notes = data.get("notes") if isinstance(data, dict) else None
    if not isinstance(notes, list):
        raise OpenReviewError("the response has no notes list")
    for note in notes:
        if isinstance(note, dict) and note.get("id") == forum and isinstance(note.get("content"), dict):
            return note
    return None


def _value(content: dict[str, Any], name: str) -> Any:
    value = content.get(name)
    if isinstance(value, dict):
        return value.get("value")
    return value


def _metadata(note: dict[str, Any]) -> Metadata:
    content = note["content"]
    title = _value(content, "title")
    names = _value(content, "authors")
    authors = tuple(
        author
        for name in (names if isinstance(names, list) else [])
        if isinstance(name, str) and (author := split_name(name)) is not None
    )
    return Metadata(title=" ".join(title.split()) if isinstance(title, str) else "", authors=authors)
