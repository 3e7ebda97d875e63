"""URL checks and the forms of a URL that each output format needs."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from paperbib.identifiers import arxiv_id_from_url
from paperbib.model import Link, Record, arxiv_without_version

_SCHEMELESS_HOST = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/|$)", re.IGNORECASE)
# An http(s) URL of printable ASCII with a host and no IPv6 brackets: urlsplit accepts it as it is,
# so normalise_url returns it without calling urlsplit. Every other URL takes the urlsplit path.
# The host class lists the printable ASCII characters other than "#", "/", "?", "[" and "]". Written
# as a negated class up to U+10FFFF it took 1.5 ms to compile at every start.
_PLAIN_HTTP_URL = re.compile(r'https?://[!"$-.0->@-Z\\^-~]+(?:[/?#][!-~]*)?')


def normalise_url(url: str) -> str | None:
    """Return an absolute http(s) URL, or None when ``url`` is not one.

    A scheme-less link such as ``openreview.net/forum?id=...`` gets ``https://``. Everything else
    is kept byte for byte: no percent-decoding, and the fragment stays.
    """
    candidate = url.strip()
    if _PLAIN_HTTP_URL.fullmatch(candidate):
        return candidate
    if _SCHEMELESS_HOST.match(candidate):
        candidate = "https://" + candidate
    parts = urlsplit(candidate)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in candidate:
        return None
    return candidate


def is_valid_url(url: str) -> bool:
    # The reader checks every link, and most match the plain pattern as written.
    return _PLAIN_HTTP_URL.fullmatch(url) is not None or normalise_url(url) is not None


def main_url(record: Record) -> str | None:
    """Return the URL that exporters write for a record: its paper link, else its arXiv abstract page."""
    url = record.paper_url
    normalised = normalise_url(url) if url else None
    arxiv = arxiv_id_from_url(normalised) if normalised is not None else None
    if arxiv is not None:
        # pdf, http and export.arxiv.org links all become the abstract page. When the record's arXiv ID
        # names another version of the same paper, that version is taken, so that url and eprint agree.
        if record.ids.arxiv and arxiv_without_version(arxiv) == record.ids.arxiv_base:
            arxiv = record.ids.arxiv
        normalised = f"https://arxiv.org/abs/{arxiv}"
    if normalised is None and record.ids.arxiv:
        normalised = f"https://arxiv.org/abs/{record.ids.arxiv}"
    return normalised


def names_other_arxiv_version(record: Record, link: Link) -> bool:
    """True for a link to a version of the record's arXiv paper other than the exported eprint.

    Such a link stays in the output beside the eprint, so that no version the list names is lost.
    A link without a version names no particular one and is covered by the eprint.
    """
    if not record.ids.arxiv or "arxiv" not in link.url.lower():
        return False
    arxiv = arxiv_id_from_url(link.url)
    if arxiv is None or arxiv == record.ids.arxiv:
        return False
    base = arxiv_without_version(arxiv)
    return base != arxiv and base == record.ids.arxiv_base


def verbatim_field(value: str) -> str:
    """A URL or DOI for a field that is read raw (biblatex's url and doi, pybtex's url).

    Only braces, which would end the field, are percent-encoded; the link stays the same.
    """
    return value.replace("{", "%7B").replace("}", "%7D")
