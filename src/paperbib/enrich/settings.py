"""Settings of the metadata services: base URLs, request spacing, timeouts and retries.

Every setting can come from an environment variable, so that tests and mirrors can point the real
client at another server:

====================================  ==========================================================
``PAPERBIB_<SOURCE>_URL``             base URL of a source (SOURCE is ARXIV, DBLP, OPENREVIEW or CROSSREF;
                                      OPENREVIEW_V1 sets the OpenReview API v1 URL)
``PAPERBIB_<SOURCE>_DELAY``           minimum seconds between two requests to that source
``PAPERBIB_ENRICH_TIMEOUT``           seconds to wait for a response
``PAPERBIB_ENRICH_RETRIES``           retries after a 429, a 5xx, a timeout or a connection error
``PAPERBIB_ENRICH_BACKOFF``           first back-off in seconds, doubled on each retry
====================================  ==========================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from paperbib.errors import PaperbibError

SOURCES = ("arxiv", "dblp", "openreview", "crossref")

DEFAULT_BASE_URLS = {
    "arxiv": "https://export.arxiv.org/api/query",
    "dblp": "https://dblp.org/search/publ/api",
    "openreview": "https://api2.openreview.net",
    # Venues that have not moved to OpenReview API v2 (e.g. ICLR before 2024) are asked here when v2 has no note.
    "openreview-v1": "https://api.openreview.net",
    "crossref": "https://api.crossref.org",
}

# arXiv's API terms ask for no more than one request every three seconds. DBLP, OpenReview and
# Crossref publish no fixed spacing, so these are polite guesses that keep well below their limits.
DEFAULT_DELAYS = {"arxiv": 3.0, "dblp": 1.0, "openreview": 1.0, "crossref": 0.5}


class SettingsError(PaperbibError):
    """An enrichment setting has an invalid value."""


@dataclass(frozen=True)
class EnrichSettings:
    base_urls: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_BASE_URLS))
    delays: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_DELAYS))
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0
    arxiv_batch: int = 50  # arXiv IDs per request

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> EnrichSettings:
        """Defaults overridden by the ``PAPERBIB_*`` environment variables listed in the module docstring."""
        environ = os.environ if environ is None else environ
        base_urls = dict(DEFAULT_BASE_URLS)
        delays = dict(DEFAULT_DELAYS)
        for name in DEFAULT_BASE_URLS:
            variable = f"PAPERBIB_{name.upper().replace('-', '_')}_URL"
            if environ.get(variable):
                base_urls[name] = _check_url(environ[variable], variable)
        for source in SOURCES:
            delay = environ.get(f"PAPERBIB_{source.upper()}_DELAY")
            if delay:
                delays[source] = parse_seconds(delay, f"PAPERBIB_{source.upper()}_DELAY")
        settings = cls(base_urls=base_urls, delays=delays)
        if environ.get("PAPERBIB_ENRICH_TIMEOUT"):
            settings = replace(settings, timeout=parse_seconds(environ["PAPERBIB_ENRICH_TIMEOUT"], "timeout"))
        if environ.get("PAPERBIB_ENRICH_RETRIES"):
            settings = replace(settings, retries=_parse_count(environ["PAPERBIB_ENRICH_RETRIES"]))
        if environ.get("PAPERBIB_ENRICH_BACKOFF"):
            settings = replace(settings, backoff=parse_seconds(environ["PAPERBIB_ENRICH_BACKOFF"], "back-off"))
        return settings

    def with_overrides(self, base_urls: Mapping[str, str], delays: Mapping[str, float]) -> EnrichSettings:
        checked_urls = {}
        for name, url in base_urls.items():
            if name not in DEFAULT_BASE_URLS:
                raise SettingsError(f"unknown source {name!r}; choose from {', '.join(DEFAULT_BASE_URLS)}")
            checked_urls[name] = _check_url(url, f"base URL of {name}")
        for name in delays:
            _check_source(name)
        return replace(self, base_urls={**self.base_urls, **checked_urls}, delays={**self.delays, **delays})


def parse_sources(text: str) -> tuple[str, ...]:
    """Split a comma-separated source list such as ``arxiv,dblp``; raises SettingsError on an unknown name."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names:
        raise SettingsError(f"no source given; choose from {', '.join(SOURCES)}")
    for name in names:
        _check_source(name)
    return tuple(source for source in SOURCES if source in names)


def parse_seconds(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"invalid {what} {text!r}: expected a number of seconds") from None
    if value < 0 or value != value:
        raise SettingsError(f"invalid {what} {text!r}: expected zero or more seconds")
    return value


def _parse_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"invalid retry count {text!r}: expected a whole number") from None
    if value < 0:
        raise SettingsError(f"invalid retry count {text!r}: expected zero or more")
    return value


def _check_source(name: str) -> None:
    if name not in SOURCES:
        raise SettingsError(f"unknown source {name!r}; choose from {', '.join(SOURCES)}")


def _check_url(url: str, what: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise SettingsError(f"invalid {what} {url!r}: expected an http:// or https:// URL")
    return url.rstrip("/")
