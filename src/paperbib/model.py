"""The record model shared by readers, processing steps and exporters."""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """A line in an input file; ``line`` is 1-based."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


# The fields of a frozen dataclass are set through object.__setattr__, as its generated __init__ does.
_set_field = object.__setattr__


@dataclass(frozen=True, slots=True, init=False)
class Link:
    """A labelled link as written in the list, e.g. ``[[code](https://...)]``."""

    label: str
    url: str

    def __init__(self, label: str, url: str) -> None:
        # A list repeats a few labels (paper, code) on every paper, and sharing one string per
        # label saves about 50 bytes a link. This __init__ costs no more than the generated one.
        _set_field(self, "label", sys.intern(label))
        _set_field(self, "url", url)

    @property
    def kind(self) -> str:
        """Normalised label: lowercase, single spaces (``Paper with Code`` -> ``paper with code``)."""
        return link_kind(self.label)


@lru_cache(maxsize=4096)
def link_kind(label: str) -> str:
    """Return the kind of a link labelled ``label``, cached because a list repeats a few labels on every paper."""
    return " ".join(label.lower().split())


@dataclass(frozen=True, slots=True, init=False)
class Author:
    """A person's name split as CSL and BibTeX expect it; ``literal`` is an unsplit name."""

    family: str = ""
    given: str = ""
    literal: str = ""

    def __init__(self, family: str = "", given: str = "", literal: str = "") -> None:
        # Family and given names repeat across the papers of a list, so each is stored once.
        _set_field(self, "family", sys.intern(family))
        _set_field(self, "given", sys.intern(given))
        _set_field(self, "literal", literal)

    def display(self) -> str:
        if self.literal:
            return self.literal
        return f"{self.given} {self.family}".strip()


@dataclass(frozen=True, slots=True)
class Identifiers:
    """Identifiers derived from a record's links."""

    arxiv: str | None = None  # as written, with a version suffix when the link has one
    doi: str | None = None
    openreview: str | None = None  # OpenReview forum id
    pmlr_volume: str | None = None
    acl_anthology: str | None = None
    cvf: str | None = None  # CVF open-access paper id, e.g. "Song_Efficient_..._CVPR_2023_paper"
    neurips_hash: str | None = None
    aaai_article: str | None = None  # AAAI OJS article number

    @property
    def arxiv_base(self) -> str | None:
        """The arXiv ID without its version suffix, used for de-duplication and keys."""
        return None if self.arxiv is None else arxiv_without_version(self.arxiv)


def arxiv_without_version(arxiv: str) -> str:
    """Return an arXiv ID without its version suffix (``2401.01234v2`` -> ``2401.01234``)."""
    head, sep, tail = arxiv.rpartition("v")
    if sep and tail.isdigit() and head and head[-1].isdigit():
        return head
    return arxiv


# Identifiers are immutable, so every record without identifiers shares this instance.
NO_IDENTIFIERS = Identifiers()


@dataclass(frozen=True, slots=True)
class VenueInfo:
    """The venue catalogue's facts for one venue in one year."""

    id: str
    short: str
    name: str
    kind: str  # conference | journal | preprint
    entry_type: str  # BibTeX entry type
    csl_type: str
    booktitle: str  # long form, plain Unicode
    short_booktitle: str
    publisher: str = ""
    series: str = ""
    volume: str = ""
    known: bool = True  # False when the venue is not in the catalogue


@dataclass(slots=True)
class Record:
    """One paper of a list, with the place it was read from."""

    title: str
    location: Location
    links: list[Link] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None  # the venue as written in the list
    authors: list[Author] = field(default_factory=list)
    note: str = ""  # list text after the links, kept rather than dropped
    ids: Identifiers = NO_IDENTIFIERS
    venue_info: VenueInfo | None = None
    key: str = ""
    duplicates: list[Location] = field(default_factory=list)  # other places the same paper was listed
    # Filled from the enrichment sidecar; the venue catalogue's volume and publisher take precedence.
    pages: str = ""
    volume: str = ""
    publisher: str = ""

    @property
    def paper_url(self) -> str | None:
        """The main link: the first ``paper`` link, else the first link that is not code."""
        for link in self.links:
            if link.kind == "paper":
                return link.url
        for link in self.links:
            if link.kind not in ("code", "github", "project", "project page", "website"):
                return link.url
        return None


def evolve(record: Record, **changes: object) -> Record:
    """Return a shallow copy of ``record`` with ``changes`` applied, as ``dataclasses.replace`` does.

    ``dataclasses.replace`` runs ``__init__`` again, which takes about three times as long. The steps
    copy every record of a list, so this shows on lists of 100,000 papers.
    Raises TypeError for a name that is not a field of the record.
    """
    record_type = type(record)
    copier = _COPIERS.get(record_type)
    if copier is None:
        copier = _COPIERS[record_type] = _make_copier(record_type)
    if not changes.keys() <= copier.fields:
        unknown = changes.keys() - copier.fields
        raise TypeError(f"{record_type.__name__} has no field {', '.join(sorted(unknown))}")
    clone = copier(record)
    for name, value in changes.items():
        setattr(clone, name, value)
    return clone


class _Copier(Protocol):
    fields: frozenset[str]

    def __call__(self, record: Record, /) -> Record: ...


_COPIERS: dict[type, _Copier] = {}


def _make_copier(record_type: type) -> _Copier:
    """Compile a function that copies each field of ``record_type`` by name, without ``__init__``.

    One assignment per field, as in the ``__init__`` that dataclasses generates, is faster than a
    loop over the fields. A slotted record has no ``__dict__`` to copy whole.
    """
    names = [item.name for item in dataclasses.fields(record_type)]
    lines = ["def copy(record, new=new, record_type=record_type):", "    clone = new(record_type)"]
    lines += [f"    clone.{name} = record.{name}" for name in names]
    lines.append("    return clone")
    namespace: dict[str, Any] = {"new": object.__new__, "record_type": record_type}
    exec("\n".join(lines), namespace)  # the code is built from the dataclass field names only
    copier = namespace["copy"]
    copier.fields = frozenset(names)
    return copier  # type: ignore[no-any-return]
