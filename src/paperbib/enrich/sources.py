"""Building the configured metadata sources, each with its own HTTP client and request spacing."""

from __future__ import annotations

from collections.abc import Sequence

from paperbib.enrich.arxiv import ArxivSource
from paperbib.enrich.base import Source
from paperbib.enrich.crossref import CrossrefSource
from paperbib.enrich.dblp import DblpSource
from paperbib.enrich.http import HttpClient
from paperbib.enrich.openreview import OpenReviewSource
from paperbib.enrich.settings import EnrichSettings


def build_sources(names: Sequence[str], settings: EnrichSettings) -> dict[str, Source]:
    """Create the sources called ``names`` (see settings.SOURCES), configured from ``settings``."""
    sources: dict[str, Source] = {}
    for name in names:
        client = HttpClient(
            timeout=settings.timeout,
            retries=settings.retries,
            backoff=settings.backoff,
            min_interval=settings.delays[name],
        )
        url = settings.base_urls[name]
        if name == "arxiv":
            sources[name] = ArxivSource(client, url, settings.arxiv_batch)
        elif name == "dblp":
            sources[name] = DblpSource(client, url)
        elif name == "openreview":
            sources[name] = OpenReviewSource(client, url, settings.base_urls.get("openreview-v1"))
        elif name == "crossref":
            sources[name] = CrossrefSource(client, url)
        else:
            raise ValueError(f"unknown source {name!r}")
    return sources
