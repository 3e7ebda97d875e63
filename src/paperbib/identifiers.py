"""Identifiers that a paper's links reveal: arXiv, DOI, OpenReview, ACL Anthology, PMLR, CVF, NeurIPS, AAAI."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qs, unquote, urlsplit

from paperbib.model import Identifiers, Link

# New-style arXiv IDs (YYMM.NNNN or YYMM.NNNNN, since 2007) and old-style archive/YYMMNNN IDs,
# each with an optional version. Source: arXiv help page "Understanding the arXiv identifier".
ARXIV_NEW = r"\d{4}\.\d{4,5}(?:v\d+)?"
ARXIV_OLD = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
_ARXIV_URL = re.compile(
    rf"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<id>{ARXIV_NEW}|{ARXIV_OLD})(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.(?P<id>{ARXIV_NEW})$", re.IGNORECASE)
_DOI = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/(?P<doi>10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ACL = re.compile(
    r"^(?:https?://)?(?:www\.)?aclanthology\.org/(?P<id>\d{4}\.[a-z\-]+\.\d+|[A-Z]\d{2}-\d{4})(?:\.pdf)?/?$"
)
_PMLR = re.compile(r"^(?:https?://)?proceedings\.mlr\.press/v(?P<volume>\d+)/")
_CVF = re.compile(
    r"^(?:https?://)?openaccess\.thecvf\.com/.*/(?P<id>[^/]+_(?:CVPR|ICCV|ECCV|WACV)_\d{4}_paper)\.(?:html|pdf)$"
)
_NEURIPS = re.compile(
    r"^(?:https?://)?(?:papers\.nips\.cc|proceedings\.neurips\.cc)/paper(?:_files/paper)?/\d{4}/(?:hash|file)/"
    r"(?P<hash>[0-9a-f]{32})"
)
_AAAI = re.compile(r"^(?:https?://)?ojs\.aaai\.org/index\.php/AAAI/article/(?:view|download)/(?P<id>\d+)")


def arxiv_id_from_url(url: str) -> str | None:
    """Return the arXiv ID in an arXiv abs, pdf or html URL, keeping any version suffix."""
    match = _ARXIV_URL.match(url.strip())
    if match:
        return match.group("id")
    doi = doi_from_url(url)
    if doi:
        doi_match = _ARXIV_DOI.match(doi)
        if doi_match:
            return doi_match.group("id")
    return None


def doi_from_url(url: str) -> str | None:
    match = _DOI.match(url.strip())
    return unquote(match.group("doi")) if match else None


_URLSPLIT_REMOVES = re.compile("[\t\r\n]")
# The usual OpenReview link, whose id urlsplit and parse_qs return unchanged: no percent-escapes,
# no "+", no other query field and no fragment.
_PLAIN_OPENREVIEW = re.compile(r"https?://(?:www\.)?openreview\.net/(?:forum|pdf)\?id=([A-Za-z0-9_\-]+)")


def openreview_id_from_url(url: str) -> str | None:
    plain = _PLAIN_OPENREVIEW.fullmatch(url)
    if plain:
        return plain.group(1)
    # A cheap test first. urlsplit deletes tabs and newlines before it reads the host, so a URL
    # that has them takes the full path.
    if "openreview.net" not in url.lower() and not _URLSPLIT_REMOVES.search(url):
        return None
    parts = urlsplit(url.strip() if "://" in url else "https://" + url.strip())
    if not parts.netloc.lower().endswith("openreview.net"):
        return None
    ids = parse_qs(parts.query).get("id")
    return ids[0] if ids else None


def acl_doi(anthology_id: str) -> str:
    """Return the DOI of an ACL Anthology paper, which ACL registers under the 10.18653/v1 prefix."""
    return f"10.18653/v1/{anthology_id}"


def derive_identifiers(links: Iterable[Link]) -> Identifiers:
    """Collect identifiers from all links; the first link that gives an identifier wins."""
    found: dict[str, str] = {}
    for link in links:
        for name, value in _url_identifiers(link.url.strip()):
            if name not in found:
                found[name] = value
    if "doi" not in found and "acl_anthology" in found:
        found["doi"] = acl_doi(found["acl_anthology"])
    if "doi" in found and _ARXIV_DOI.match(found["doi"]):
        # An arXiv DOI names the preprint, not the published paper.
        found.setdefault("arxiv", _ARXIV_DOI.match(found["doi"]).group("id"))  # type: ignore[union-attr]
        del found["doi"]
    return Identifiers(**found)


def _url_identifiers(url: str) -> list[tuple[str, str]]:
    """The (name, value) identifiers in one stripped URL.

    Each pattern is tried only when the URL contains its host name, because most links match
    none of them and a substring test is much cheaper than a regular expression.
    """
    found: list[tuple[str, str]] = []
    folded = url.lower()
    # The arXiv and DOI patterns ignore case, which outside ASCII also matches look-alikes such
    # as the dotless i, so a non-ASCII URL always gets the patterns.
    if "arxiv.org" in folded or "doi.org" in folded or not url.isascii():
        arxiv = arxiv_id_from_url(url)
        if arxiv:
            found.append(("arxiv", arxiv))
        doi = doi_from_url(url)
        if doi:
            found.append(("doi", doi))
    # openreview_id_from_url returns None for any other URL; this test is the same as its own cheap one.
    if "openreview.net" in folded or "\t" in url or "\r" in url or "\n" in url:
        openreview = openreview_id_from_url(url)
        if openreview:
            found.append(("openreview", openreview))
    for name, host, pattern, group in _HOST_PATTERNS:
        if host in url:
            match = pattern.match(url)
            if match:
                found.append((name, match.group(group)))
    return found


# Identifier name, a host name that every match contains (the patterns are case-sensitive),
# the pattern and its group. NeurIPS has two hosts, both ending in ".cc/paper".
_HOST_PATTERNS = (
    ("acl_anthology", "aclanthology.org", _ACL, "id"),
    ("pmlr_volume", "proceedings.mlr.press", _PMLR, "volume"),
    ("cvf", "openaccess.thecvf.com", _CVF, "id"),
    ("neurips_hash", ".cc/paper", _NEURIPS, "hash"),
    ("aaai_article", "ojs.aaai.org", _AAAI, "id"),
)


def arxiv_year(arxiv_id: str) -> int | None:
    """Return the year an arXiv ID was issued, from its YYMM part (new style) or YYMMNNN part (old style)."""
    number = arxiv_id.split("/")[-1]
    if len(number) < 4 or not number[:2].isdigit():
        return None
    yy = int(number[:2])
    month = int(number[2:4])
    if not 1 <= month <= 12:
        return None
    return (1900 if yy >= 91 else 2000) + yy
