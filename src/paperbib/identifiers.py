"""Identifiers that a paper's links reveal: arXiv, DOI, OpenReview, ACL Anthology, PMLR, CVF, NeurIPS, AAAI."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs, unquote, urlsplit

from paperbib.model import NO_IDENTIFIERS, Identifiers, Link

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
    """Return the valid arXiv ID in an arXiv abs, pdf or html URL or arXiv DOI, keeping any version suffix."""
    common = _COMMON_ARXIV_URL.fullmatch(url)
    if common is not None:
        year, month, number = common.group("year", "month", "number")
        return common.group("id") if _is_valid_common_arxiv_id(year, month, number) else None
    found = arxiv_id_in_url(url)
    return found if found is not None and is_valid_arxiv_id(found) else None


def arxiv_id_in_url(url: str) -> str | None:
    """Return the text in the place of the arXiv ID in an arXiv URL or DOI, valid or not."""
    common = _COMMON_ARXIV_URL.fullmatch(url)
    if common is not None:
        return common.group("id")
    # Both patterns ignore case, so an ASCII URL can match only when its lowercase form names the
    # host. Outside ASCII, case folding also matches look-alikes such as the dotless i.
    if url.isascii():
        folded = url.lower()
        if "arxiv.org" not in folded and "doi.org" not in folded:
            return None
    match = _ARXIV_URL.match(url.strip())
    if match:
        return match.group("id")
    doi = doi_from_url(url)
    if doi:
        return arxiv_id_in_doi(doi)
    return None


def arxiv_id_in_doi(doi: str) -> str | None:
    """Return the arXiv ID of an arXiv DOI (``10.48550/arXiv.ID``), valid or not; None for other DOIs."""
    match = _ARXIV_DOI.match(doi)
    return match.group("id") if match else None


_COMMON_ARXIV_ID = re.compile(r"(\d\d)(\d\d)\.(\d{5})(?:v[1-9]\d*)?")
# The usual arXiv link, https://arxiv.org/abs/2401.01234v2 or its pdf form. _ARXIV_URL reads the same
# ID from it, and _COMMON_ARXIV_ID matches that ID, so arxiv_id_in_url can skip the first and
# arxiv_id_from_url both.
_COMMON_ARXIV_URL = re.compile(
    r"https?://arxiv\.org/(?:abs|pdf)/"
    r"(?P<id>(?P<year>[0-9]{2})(?P<month>[0-9]{2})\.(?P<number>[0-9]{5})(?:v[1-9][0-9]*)?)(?:\.pdf)?/?"
)


def _is_valid_common_arxiv_id(year: str, month: str, number: str) -> bool:
    """Apply the rules of is_valid_arxiv_id to the parts of an ID that _COMMON_ARXIV_ID matches."""
    return year >= "15" and "01" <= month <= "12" and number != "00000"


def is_valid_arxiv_id(arxiv_id: str) -> bool:
    """Return True when ``arxiv_id`` (with or without a version) can exist, by the arXiv numbering rules.

    New-style IDs started in April 2007 (0704) with four-digit numbers and have five digits since
    January 2015 (1501). Old-style IDs (``archive/YYMMNNN``) ran from August 1991 to March 2007.
    Months run from 01 to 12, numbers and versions start at 1. An ID of a month still to come passes,
    so that the result does not depend on the date of the run.
    """
    common = _COMMON_ARXIV_ID.fullmatch(arxiv_id)
    if common is not None:
        # The usual ID since 2015, checked without the general rules below.
        return _is_valid_common_arxiv_id(*common.groups())
    head, sep, version = arxiv_id.rpartition("v")
    if sep and head[-1:].isdigit():
        if not version.isdigit() or int(version) < 1:
            return False
        arxiv_id = head
    archive, slash, number = arxiv_id.rpartition("/")
    if slash:
        if len(number) != 7 or not number.isdigit() or not archive:
            return False
        yymm, sequence = number[:4], number[4:]
        month_index = (int(yymm[:2]) + 9) % 100 * 12 + int(yymm[2:])  # months since 1991, with 1991 as 0
        first, last = 8, (2007 - 1991) * 12 + 3
    else:
        yymm, dot, sequence = arxiv_id.partition(".")
        if not dot or len(yymm) != 4 or not yymm.isdigit() or not sequence.isdigit():
            return False
        if len(sequence) != (4 if yymm <= "1412" else 5):
            return False
        month_index = int(yymm[:2]) * 12 + int(yymm[2:])
        first, last = 7 * 12 + 4, 99 * 12 + 12
    month = int(yymm[2:])
    return 1 <= month <= 12 and first <= month_index <= last and int(sequence) > 0


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
    arxiv_in_doi = arxiv_id_in_doi(found["doi"]) if "doi" in found else None
    if arxiv_in_doi is not None:
        # An arXiv DOI names the preprint, not the published paper. An invalid ID is neither.
        if is_valid_arxiv_id(arxiv_in_doi):
            found.setdefault("arxiv", arxiv_in_doi)
        del found["doi"]
    return Identifiers(**found) if found else NO_IDENTIFIERS


def _url_identifiers(url: str) -> list[tuple[str, str]]:
    """Return the (name, value) identifiers in one stripped URL.

    Every pattern starts with its host names, so for a URL whose host ``_PLAIN_HOST`` reads, the
    host alone decides which pattern can match. ``_HOST_READERS`` tries that one and skips the others.
    """
    plain = _PLAIN_HOST.match(url)
    if plain is None:
        return _any_url_identifiers(url)
    host = plain.group(1)
    read = _HOST_READERS.get(host)
    if read is not None:
        return read(url)
    if host.endswith("openreview.net"):
        return _any_url_identifiers(url)
    return []


# An http(s) URL whose host is lowercase ASCII, without user or port, and is followed by "/" or
# the end. urlsplit returns that host as the netloc even when the path has tabs or newlines, and the
# case-insensitive patterns can match it only where they match it literally.
_PLAIN_HOST = re.compile(r"https?://([a-z0-9.\-]+)(?:/|\Z)")


def _one(name: str, value: str | None) -> list[tuple[str, str]]:
    return [(name, value)] if value else []


def _pattern_reader(name: str, pattern: re.Pattern[str], group: str) -> Callable[[str], list[tuple[str, str]]]:
    def read(url: str) -> list[tuple[str, str]]:
        match = pattern.match(url)
        return [(name, match.group(group))] if match else []

    return read


def _any_url_identifiers(url: str) -> list[tuple[str, str]]:
    """Return the (name, value) identifiers in one stripped URL of any form.

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


def _read_arxiv_url(url: str) -> list[tuple[str, str]]:
    return _one("arxiv", arxiv_id_from_url(url))


def _read_openreview_url(url: str) -> list[tuple[str, str]]:
    return _one("openreview", openreview_id_from_url(url))


_ACL_READER = _pattern_reader("acl_anthology", _ACL, "id")
_NEURIPS_READER = _pattern_reader("neurips_hash", _NEURIPS, "hash")
# The hosts that the patterns name, each with the reader of the patterns that can match its URLs.
# Other hosts ending in openreview.net take the general path; all other hosts give no identifier.
_HOST_READERS: dict[str, Callable[[str], list[tuple[str, str]]]] = {
    "arxiv.org": _read_arxiv_url,
    "www.arxiv.org": _read_arxiv_url,
    "export.arxiv.org": _read_arxiv_url,
    "doi.org": _any_url_identifiers,
    "dx.doi.org": _any_url_identifiers,
    "openreview.net": _read_openreview_url,
    "www.openreview.net": _read_openreview_url,
    "aclanthology.org": _ACL_READER,
    "www.aclanthology.org": _ACL_READER,
    "proceedings.mlr.press": _pattern_reader("pmlr_volume", _PMLR, "volume"),
    "openaccess.thecvf.com": _pattern_reader("cvf", _CVF, "id"),
    "papers.nips.cc": _NEURIPS_READER,
    "proceedings.neurips.cc": _NEURIPS_READER,
    "ojs.aaai.org": _pattern_reader("aaai_article", _AAAI, "id"),
}


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
