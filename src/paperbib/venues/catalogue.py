"""The venue catalogue: venue names, BibTeX and CSL types, booktitles and volumes, loaded from data."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from paperbib.model import VenueInfo
from paperbib.transliterate import to_ascii

if TYPE_CHECKING:
    from pathlib import Path

_LOOKUP_FORM = re.compile(r"[^a-z0-9&+]")


def lookup_form(name: str) -> str:
    """Return the form in which venue names are compared: lowercase letters, digits, ``&`` and ``+``."""
    return _LOOKUP_FORM.sub("", name.lower())


@dataclass(frozen=True)
class Edition:
    year: int
    booktitle: str
    publisher: str = ""
    series: str = ""
    volume: str = ""


@dataclass(frozen=True)
class Venue:
    id: str
    short: str
    name: str
    kind: str
    entry_type: str
    csl_type: str
    aliases: tuple[str, ...] = ()
    publisher: str = ""
    series: str = ""
    short_booktitle: str = ""
    editions: dict[int, Edition] = field(default_factory=dict)
    workshop_of: str = ""  # id of the main conference, for a workshop venue

    def info(self, year: int | None) -> VenueInfo:
        """Return the catalogue facts for this venue in ``year``. An unlisted year gets the venue defaults."""
        edition = self.editions.get(year) if year is not None else None
        year_text = f" {year}" if year is not None else ""
        if edition is not None:
            booktitle = edition.booktitle
        elif self.kind == "conference":
            booktitle = f"{self.name}, {self.short}{year_text}"
        else:
            booktitle = self.name
        template = self.short_booktitle or ("{short} {year}" if self.kind == "conference" else "{short}")
        short_booktitle = template.replace("{short}", self.short).replace("{year}", str(year or "")).strip()
        return VenueInfo(
            id=self.id,
            short=self.short,
            name=self.name,
            kind=self.kind,
            entry_type=self.entry_type,
            csl_type=self.csl_type,
            booktitle=booktitle,
            short_booktitle=short_booktitle,
            publisher=(edition.publisher if edition and edition.publisher else self.publisher),
            series=(edition.series if edition and edition.series else self.series),
            volume=(edition.volume if edition else ""),
        )


class Catalogue:
    """Venues by every name they are known under."""

    def __init__(self, venues: list[Venue]) -> None:
        self.venues = venues
        self._by_name: dict[str, Venue] = {}
        for venue in venues:
            for name in (venue.id, venue.short, *venue.aliases, venue.name):
                self._by_name.setdefault(lookup_form(name), venue)

    @classmethod
    def from_toml(cls, data: bytes | str) -> Catalogue:
        raw = tomllib.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
        venues = []
        for entry in raw.get("venue", []):
            editions = {
                int(item["year"]): Edition(
                    year=int(item["year"]),
                    booktitle=item["booktitle"],
                    publisher=item.get("publisher", ""),
                    series=item.get("series", ""),
                    volume=str(item.get("volume", "")),
                )
                for item in entry.get("edition", [])
            }
            venues.append(
                Venue(
                    id=entry["id"],
                    short=entry["short"],
                    name=entry["name"],
                    kind=entry.get("kind", "conference"),
                    entry_type=entry.get("entry_type", "inproceedings"),
                    csl_type=entry.get("csl_type", "paper-conference"),
                    aliases=tuple(entry.get("aliases", ())),
                    publisher=entry.get("publisher", ""),
                    series=entry.get("series", ""),
                    short_booktitle=entry.get("short_booktitle", ""),
                    editions=editions,
                    workshop_of=entry.get("workshop_of", ""),
                )
            )
        return cls(venues)

    @classmethod
    def from_path(cls, path: str | Path) -> Catalogue:
        with open(path, "rb") as file:
            return cls.from_toml(file.read())

    def find(self, name: str) -> Venue | None:
        return self._by_name.get(lookup_form(name))

    def info(self, name: str, year: int | None) -> VenueInfo:
        """Catalogue facts for a venue as written; an unknown venue keeps its name as the booktitle."""
        venue = self.find(name)
        if venue is not None:
            return venue.info(year)
        slug = _slug(name)
        return VenueInfo(
            id=slug,
            short=name,
            name=name,
            kind="conference",
            entry_type="inproceedings",
            csl_type="paper-conference",
            booktitle=name,
            short_booktitle=f"{name} {year}" if year else name,
            known=False,
        )


def _slug(name: str) -> str:
    if name.isascii():
        # to_ascii returns ASCII text unchanged, so most venue names skip it.
        return re.sub(r"[^a-z0-9]", "", name.lower())[:16]
    return re.sub(r"[^a-z0-9]", "", to_ascii(name).lower())[:16]


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """Load the catalogue shipped with paperbib (``venues.toml``) once."""
    # The loader of this module reads the file beside it, from a directory or a zip archive, as
    # pkgutil.get_data does. importlib.resources would do the same, but importing it and the
    # pathlib and zipfile modules it needs took about 8 ms of CPU. For the same reason
    # paperbib.transliterate reads anyascii's tables itself, so importlib.resources (which anyascii
    # 0.3 imports) is loaded only where those tables are not files in a directory.
    path = os.path.join(os.path.dirname(__file__), "venues.toml")
    return Catalogue.from_toml(__spec__.loader.get_data(path))  # type: ignore[union-attr]
