"""Lookup results: the status of one lookup in one source and the fields it found."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from paperbib.model import Author


class Status(enum.Enum):
    RESOLVED = "resolved"
    AMBIGUOUS = "ambiguous"  # candidates were found, but none could be accepted without guessing
    NOT_FOUND = "not found"
    FAILED = "failed"  # the service could not be asked or sent an unreadable response
    NOT_LOOKED_UP = "not looked up"  # --offline and nothing cached; never written to the sidecar


# The fields that enrichment fills, in the order the sidecar lists them.
FIELDS = ("authors", "doi", "pages", "volume", "publisher", "title")


@dataclass(frozen=True)
class Metadata:
    """Bibliographic fields from one source; an empty value means the source does not give it."""

    title: str = ""
    authors: tuple[Author, ...] = ()
    doi: str = ""
    pages: str = ""
    volume: str = ""
    publisher: str = ""

    def values(self) -> dict[str, Any]:
        """Return the non-empty fields, with authors as CSL-style name objects."""
        found: dict[str, Any] = {}
        for name in FIELDS:
            value = getattr(self, name)
            if name == "authors":
                if value:
                    found[name] = [author_to_json(author) for author in value]
            elif value:
                found[name] = value
        return found

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Metadata:
        """Rebuild metadata from :meth:`values`; raises ValueError on a value of the wrong type."""
        kwargs: dict[str, Any] = {}
        for name in FIELDS:
            if name not in values:
                continue
            value = values[name]
            if name == "authors":
                if not isinstance(value, list):
                    raise ValueError(f"authors must be a list, got {value!r}")
                kwargs[name] = tuple(author_from_json(item) for item in value)
            else:
                if not isinstance(value, str):
                    raise ValueError(f"{name} must be a string, got {value!r}")
                kwargs[name] = value
        return cls(**kwargs)


@dataclass(frozen=True)
class LookupResult:
    status: Status
    metadata: Metadata = field(default_factory=Metadata)
    message: str = ""  # why the lookup was not resolved, or what was matched

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status.value, "fields": self.metadata.values(), "message": self.message}

    @classmethod
    def from_json(cls, data: Any) -> LookupResult:
        """Rebuild a result from :meth:`to_json`; raises ValueError on anything else."""
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        try:
            status = Status(data.get("status"))
        except ValueError:
            raise ValueError(f"unknown status {data.get('status')!r}") from None
        fields = data.get("fields", {})
        if not isinstance(fields, dict):
            raise ValueError("fields must be an object")
        return cls(status, Metadata.from_values(fields), str(data.get("message", "")))


def author_to_json(author: Author) -> dict[str, str]:
    if author.literal:
        return {"literal": author.literal}
    name = {"family": author.family}
    if author.given:
        name["given"] = author.given
    return name


def author_from_json(data: Any) -> Author:
    if not isinstance(data, dict) or not all(isinstance(value, str) for value in data.values()):
        raise ValueError(f"an author must be an object of strings, got {data!r}")
    author = Author(family=data.get("family", ""), given=data.get("given", ""), literal=data.get("literal", ""))
    if not (author.family or author.literal):
        raise ValueError(f"an author needs a family or a literal name, got {data!r}")
    return author
