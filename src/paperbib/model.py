"""The record model shared by readers, processing steps and exporters."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Location:
    """A line in an input file; ``line`` is 1-based."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Link:
    """A labelled link as written in the list, e.g. ``[[code](https://...)]``."""

    label: str
    url: str

    @property
    def kind(self) -> str:
        """Normalised label: lowercase, single spaces (``Paper with Code`` -> ``paper with code``)."""
        return " ".join(self.label.lower().split())


@dataclass(frozen=True)
class Author:
    """A person's name split as CSL and BibTeX expect it; ``literal`` is an unsplit name."""

    family: str = ""
    given: str = ""
    literal: str = ""

    def display(self) -> str:
        if self.literal:
            return self.literal
        return f"{self.given} {self.family}".strip()


@dataclass(frozen=True)
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
        if self.arxiv is None:
            return None
        head, sep, tail = self.arxiv.rpartition("v")
        if sep and tail.isdigit() and head and head[-1].isdigit():
            return head
        return self.arxiv


@dataclass(frozen=True)
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


@dataclass
class Record:
    """One paper of a list, with the place it was read from."""

    title: str
    location: Location
    links: list[Link] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None  # the venue as written in the list
    authors: list[Author] = field(default_factory=list)
    note: str = ""  # list text after the links, kept rather than dropped
    ids: Identifiers = field(default_factory=Identifiers)
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

    ``dataclasses.replace`` runs ``__init__`` again, which takes about three times as long; the
    steps copy every record of a list, so this shows on lists of 100,000 papers.
    Raises TypeError for a name that is not a field of the record.
    """
    unknown = changes.keys() - record.__dataclass_fields__.keys()
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field {', '.join(sorted(unknown))}")
    clone = object.__new__(type(record))
    clone.__dict__.update(record.__dict__)
    clone.__dict__.update(changes)
    return clone
