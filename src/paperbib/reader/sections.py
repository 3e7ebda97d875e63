"""Parts of a list that contain no papers: software and dataset sections, news, tables of contents."""

from __future__ import annotations

import re

from paperbib.reader.links import IMAGE, LinkToken

# Both patterns match the last words of a heading, so "Dataset Distillation" stays a topic of papers.
# Sections whose entries have the shape of papers but are software, data or other resources. Their entries
# are reported as skipped lines, so a maintainer can review what was left out.
_RESOURCE_SECTION = re.compile(
    r"\b(?:datasets?|data sets?|librar(?:y|ies)|tools?|toolkits?|toolbox(?:es)?|software|codebases?|"
    r"repositor(?:y|ies)|projects?|blogs?|blog posts?|tutorials?|talks?|courses?|lectures?|videos?|books?|"
    r"related (?:lists?|awesome|repos?|surveys? lists?)|awesome lists?|leaderboards?|demos?|slides)\W*$",
    re.IGNORECASE,
)
# Sections of prose about the list itself; their bullets are not papers and are not reported.
_PROSE_SECTION = re.compile(
    r"\b(?:news|updates?|changelog|change log|release notes|table of contents|contents|toc|citation|cite|citing|"
    r"contribut\w*|acknowledg\w*|license|star history|contact|maintainers?|todo|legend|full list)\W*$",
    re.IGNORECASE,
)
# A news line starts with a date: "2025/12/06", "**`2025/12/06`**", "May 29, 2023:", "[2024-05]". A year and
# month alone, as in "2019.7-[Title](url)", is the date of a preprint, not news.
_NEWS_LINE = re.compile(
    r"^[\s*_`🔥📢🚀✨🎉]*(?:(?:19|20)\d{2}[/.\-]\d{1,2}[/.\-]\d{1,2}|\[(?:19|20)\d{2}[/.\-]\d{1,2}\]|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d{2})",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"^[\s|,;:·•\-–—*_/()]*$")


def is_resource_section(heading: str) -> bool:
    return bool(_RESOURCE_SECTION.search(heading))


def is_prose_section(heading: str) -> bool:
    return bool(_PROSE_SECTION.search(heading))


def is_news_line(text: str) -> bool:
    return bool(_NEWS_LINE.match(text))


def is_local_url(url: str) -> bool:
    """True for a link into the same repository: ``#anchor``, ``QUANTIZATION.md``, ``project/``."""
    url = url.strip()
    if not url:
        return False
    if url.startswith("#"):
        return True
    lowered = url.lower()
    if "://" in lowered or lowered.startswith(("www.", "mailto:")) or re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)+/", lowered):
        return False
    return not re.match(r"^[a-z0-9-]+\.(?:org|com|net|io|cc|edu|ai)\b", lowered)


def is_navigation(text: str, tokens: list[LinkToken]) -> bool:
    """True for a table-of-contents line: links to anchors or to other files of the repository only."""
    links = [token for token in tokens if token.style != IMAGE]
    # A reference link without a definition has no URL, so it is not local and the line is no navigation.
    if not links or not all(is_local_url(token.url) for token in links):
        return False
    rest = text
    for token in reversed(tokens):
        rest = rest[: token.start] + rest[token.end :]
    return bool(_SEPARATORS.match(rest))


def is_badge_line(text: str, tokens: list[LinkToken]) -> bool:
    """True for a line of images and badges with nothing else on it."""
    if not tokens:
        return False
    rest = text
    for token in reversed(tokens):
        rest = rest[: token.start] + rest[token.end :]
    images = all(token.style in (IMAGE, "badge") for token in tokens)
    return images and bool(_SEPARATORS.match(re.sub(r"<[^>]+>", "", rest)))
