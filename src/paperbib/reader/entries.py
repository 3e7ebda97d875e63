"""Reading one entry (the text of a bullet, a numbered item or a table's title cell) into its parts.

An entry is a title with optional venue tag, links, venue-and-year text and authors, in any of these shapes:

- ``Title [[Paper](url)] [[Code](url)]`` and ``Title [[Paper]](url)``
- ``**[ICLR 2024]** Title ...``, ``[**CVPR'25**] Title ...``, ``[NeurIPS, 2024] Title ...``, ``[arXiv] Title ...``
- ``[[VENUE](url)] Title.`` where the first link's label is the venue
- ``2019-ICLR-[Title](url)`` and ``2019.7-[Title](url)`` (a preprint with year and month)
- ``[Title](url)``, ``[**Title.**](url)`` and reference links such as ``[Title][ref]``: the title is the link text
- ``Title <br> Venue Year [[Paper]](url)``
- ``Title. Authors et al. VENUE YEAR`` and ``Title. arXiv:1503.02531``, without links
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from paperbib.diagnostics import Code, Severity
from paperbib.identifiers import arxiv_id_from_url, is_valid_arxiv_id
from paperbib.messages import quote
from paperbib.model import Author, Link
from paperbib.reader.authors import looks_like_authors, parse_authors, split_affiliation
from paperbib.reader.links import (
    BADGE,
    BARE_LABEL,
    BRACKETED,
    GROUP,
    IMAGE,
    PLAIN,
    REFERENCE,
    LinkToken,
    mask_code_spans,
    reference_label,
    scan_links,
)
from paperbib.reader.venue_text import VenueText, is_venue_like, parse_venue_text, two_digit_year
from paperbib.text import clean_title, remove_emphasis, unescape_markdown
from paperbib.venues import Catalogue

# Link labels that name a kind of link, never a paper title.
GENERIC_LABELS = frozenset(
    "paper papers pdf code codes github git arxiv link links project page website web homepage video slides "
    "blog poster openreview demo model models dataset data supp supplementary html abs abstract doi "
    "official star stars here".split()
)
_BREAK = re.compile(r"<br\s*/?>|<\/?p>", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->")
_COMMENT_LINK = re.compile(r"\[//\]:\s*#.*$")
_SUPERSCRIPT = re.compile(r"<sup>(.*?)</sup>", re.IGNORECASE)
_SUBSCRIPT = re.compile(r"<sub>(.*?)</sub>", re.IGNORECASE)
_TAGS = re.compile(r"</?(?:b|i|em|strong|u|span|font|code|small|big|mark)(?:\s[^>]*)?>", re.IGNORECASE)
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")

_YEAR_PREFIX = re.compile(r"^(?P<year>(?:19|20)\d{2})(?:\.(?P<month>\d{1,2}))?-(?:(?P<venue>[^\[\]]+?)-)?(?=\[)")
_BOLD_TAG = re.compile(r"^\*\*\[(?P<tag>[^\[\]]+)\]\*\*")
_BRACKET_BOLD_TAG = re.compile(r"^\[(?P<tag>(?:\*\*|__)[^\[\]]*)\](?![(\[])")
_BRACKET_TAG = re.compile(r"^\[(?P<tag>[^\[\]]+)\](?![(\[])")
# "**SpQ** · NeurIPS 2023 [[paper](url)]": the first line of a multi-line entry, whose title follows below.
_BOLD_ABBREVIATION = re.compile(
    r"^(?:\*\*|__)(?P<abbreviation>[^*_\s]{1,30})(?:\*\*|__)\s*[·:|,\-–—]?\s*\(?(?P<venue>[^()\[\]]+?)\)?\s*(?=\[|$)"
)
_ARXIV_TAIL = re.compile(
    r"(?:^|(?<=[\s.,;(]))arxiv\s*:?\s*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|(?:19|20)\d{2})\)?$", re.IGNORECASE
)
_DIGIT = re.compile(r"\d")
_YEAR_TOKEN = re.compile(r"^(?:(?:19|20)\d{2}|['’]\d{2})$")
_BOLD_TITLE = re.compile(r"^\s*(?:\*\*|__)(?P<title>[^*_]{2,}?)(?:\*\*|__)(?P<rest>.*)$")
_SPACE_OR_BREAK = re.compile(r"\s+|<br\s*/?>|\*\*(?=\[)", re.IGNORECASE)
# Text between links that carries no note: separators and white space only.
NOTE_ONLY = re.compile(r"^[\s|,;:·•\-–—]*$")
# Remains of a link whose bracket or parenthesis is missing, as they are left in a title.
_LINK_DEBRIS = re.compile(r"(?<!\\)(?:\[\[|\]\(|\)\]|\]\]|\[\s*$)|^\s*\]")


@dataclass
class Entry:
    """The parts of one entry, before headings add their venue and year."""

    title: str
    links: list[Link] = field(default_factory=list)
    venue: str | None = None
    year: int | None = None
    authors: list[Author] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    has_tag: bool = False  # the entry names its own venue or year (tag, prefix, badge or trailing text)
    no_venue: bool = False  # the entry states it has no venue: a preprint prefix such as 2019.7- or "ICLR reject"
    problems: list[tuple[Code, Severity, str]] = field(default_factory=list)

    @property
    def note(self) -> str:
        if not self.notes:
            return ""  # most entries have no note, and this spares the generator
        return "; ".join(note for note in self.notes if note)


def preclean(text: str) -> str:
    """Remove HTML comments and ``[//]: #`` comments, and turn ``<sup>2</sup>`` into ``²``."""
    # Every pattern but the comment link starts with "<", which most lines do not contain.
    if "<" in text:
        text = _HTML_COMMENT.sub("", text)
    if "[//]" in text:
        text = _COMMENT_LINK.sub("", text)
    if "<" in text:
        text = _SUPERSCRIPT.sub(lambda match: _superscript(match.group(1)), text)
        text = _SUBSCRIPT.sub(r"\1", text)
        text = _TAGS.sub("", text)
    return text.replace("&nbsp;", " ").strip()


def _superscript(text: str) -> str:
    if all(char in "0123456789+-" for char in text):
        return text.translate(_SUPERSCRIPT_DIGITS)
    return "^" + text


def badge_venue(image_url: str) -> VenueText | None:
    """Return the venue of a shields.io badge such as ``/badge/Conference-ICML'24-blue``; None for other badges."""
    marker = "/badge/"
    if marker not in image_url:
        return None
    content = unquote(image_url.split(marker, 1)[1].split("?", 1)[0])
    parts = [part.replace("--", "-") for part in re.split(r"(?<!-)-(?!-)", content)]
    if len(parts) < 3 or parts[0].strip().lower() not in ("conference", "venue", "publish", "published", "journal"):
        return None
    return parse_venue_text(" ".join(parts[1:-1]).replace("_", " "))


def clean_entry_title(text: str) -> str:
    return unescape_markdown(_clean_title_markup(text)).strip()


def _clean_title_markup(text: str) -> str:
    """Return the title of ``text`` without emphasis, list punctuation and quotes, but with its backslash escapes."""
    text = text.strip()
    # Without these characters there is no emphasis marker and no character reference, and the
    # steps below leave the stripped text as it is.
    if "*" in text or "_" in text or "&" in text:
        for marker in ("**", "__"):
            if text.startswith(marker) and text.endswith(marker) and len(text) > 2 * len(marker):
                text = text[len(marker) : -len(marker)]
        text = remove_emphasis(text).strip().strip("*").strip()
    if text.endswith((" -", " –", " —")):
        text = text[:-2].rstrip()
    if text.startswith('"') and text.endswith('"') and text.count('"') == 2:
        text = text[1:-1]
    return clean_title(text)


def parse_entry(
    content: str,
    references: Mapping[str, str],
    catalogue: Catalogue,
    cleaned: str | None = None,
    tokens: list[LinkToken] | None = None,
) -> Entry | None:
    """Read ``content``; None when it contains no title. Raises LinkSyntaxError for an unclosed link group.

    A caller that has already computed ``preclean(content)`` and its ``scan_links`` passes them as
    ``cleaned`` and ``tokens``, so that they are not computed twice.
    """
    text = preclean(content) if cleaned is None else cleaned
    if not text:
        return None
    entry = Entry(title="")
    rest = _take_leading_venue(text, entry, catalogue, tokens)
    # Link scanning is a pure function of the text, so the caller's tokens stay valid for equal text.
    if tokens is None or rest != text:
        tokens = scan_links(rest, references)
    position, title_done = _take_title(rest, tokens, entry, catalogue)
    segments = _collect_after_title(rest, tokens, position, entry, references)
    return read_segments(entry, segments, title_done, catalogue)


def read_segments(entry: Entry, segments: list[str], title_done: bool, catalogue: Catalogue) -> Entry:
    """Read the title and the text around the links into ``entry``; return it.

    ``segments`` are the texts between the links as ``_collect_after_title`` returns them: the
    first is the title, unless ``title_done`` is True because a title link gave the title.
    """
    # The test of the first label settles most entries without the generator.
    links = entry.links
    bare = bool(links) and links[0].label == BARE_LABEL and all(link.label == BARE_LABEL for link in links)
    if bare and any(char.isalpha() for segment in segments[1:] for char in segment):
        # "See https://example.org for details": a sentence with a URL in it, not a title with its link.
        return Entry(title="")
    if bare and segments and segments[0].rstrip().endswith(":"):
        segments[0] = segments[0].rstrip()[:-1]  # "Title: https://arxiv.org/abs/..."
    if not title_done:
        title_text = segments.pop(0) if segments else ""
        bold = _BOLD_TITLE.match(title_text)
        rest = bold.group("rest").lstrip() if bold else ""
        # "**Bold** Word Paper" is one title with emphasis in it, so the rest must start with a separator.
        if bold and rest.strip(" .,;:-–—") and rest[0] in ".,;:|-–—(":
            # "**Title**. Authors. ICLR 2024": the bold span is the title, the rest is read like text after it.
            title_text = bold.group("title")
            segments.insert(0, bold.group("rest").strip().lstrip(".,;:-–—").strip())
        elif not entry.links:
            title_text = _apply_tail(title_text, entry, catalogue, require_separator=True)
        else:
            title_text = _apply_tail_with_authors(title_text, entry, catalogue)
        title = _clean_title_markup(title_text)
        if "[" in title or "]" in title:
            # Before unescape_markdown, so that escaped brackets such as "\[A\]" are no broken link.
            title = _cut_link_debris(title, entry)
        entry.title = unescape_markdown(title).strip()
    for segment in segments:
        _read_segment(segment, entry, catalogue)
    return entry


def _cut_link_debris(title: str, entry: Entry) -> str:
    """Return ``title`` cut before the remains of a broken link, such as ``Title [paper](`` or ``Title [[paper]``.

    They are left when a bracket or parenthesis of a link is missing, so that no link was read. A cut
    adds a warning to ``entry``. ``title`` still has its backslash escapes, which the pattern skips.
    """
    match = _LINK_DEBRIS.search(mask_code_spans(title) if "`" in title else title)
    if match is None:
        return title
    cut = match.start()
    if match.group() == "](":
        opening = title.rfind("[", 0, cut)
        cut = opening if opening >= 0 else cut
    cut_title = title[:cut].rstrip(" -–—:|,;")
    original = quote(unescape_markdown(title))
    entry.problems.append(
        (
            Code.MALFORMED_LINK,
            Severity.WARNING,
            f"title {original} contains a broken link; it is cut to {quote(unescape_markdown(cut_title))},"
            " so check the brackets of the line",
        )
    )
    return cut_title


def _take_leading_venue(text: str, entry: Entry, catalogue: Catalogue, tokens: list[LinkToken] | None) -> str:
    """Read a venue tag or a year prefix at the start; return the text after it. ``tokens`` are the links of
    ``text``, or None when they are not scanned yet."""
    match = _YEAR_PREFIX.match(text)
    if match:
        venue = match.group("venue")
        year = int(match.group("year"))
        if venue:
            parsed = parse_venue_text(f"{venue} {year}")
            _set_venue(entry, parsed)
        else:
            # "2019.7-[Title](url)": a preprint with year and month and no venue.
            entry.year = year
            entry.has_tag = True
            entry.no_venue = match.group("month") is not None
        return text[match.end() :]
    for pattern in (_BOLD_TAG, _BRACKET_BOLD_TAG):
        match = pattern.match(text)
        if match:
            _set_venue(entry, parse_venue_text(match.group("tag")))
            return text[match.end() :].lstrip()
    match = _BOLD_ABBREVIATION.match(text)
    if match:
        parsed = parse_venue_text(match.group("venue"))
        if parsed.venue and parsed.year and is_venue_like(parsed.venue, catalogue):
            _set_venue(entry, parsed)
            return match.group("abbreviation") + " " + text[match.end() :]
    match = _BRACKET_TAG.match(text)
    if match:
        parsed = parse_venue_text(match.group("tag"))
        known = parsed.venue is not None and catalogue.find(parsed.venue) is not None
        dated = parsed.venue is not None and parsed.year is not None and is_venue_like(parsed.venue, catalogue)
        if known or dated or (parsed.venue is None and parsed.year is not None and not parsed.note):
            _set_venue(entry, parsed)
            return text[match.end() :].lstrip()
    if text.startswith("[["):
        if tokens is None:
            tokens = scan_links(text)
        first = tokens[0] if tokens else None
        if first is not None and first.start == 0 and first.style == GROUP and text[first.end :].strip():
            parsed = parse_venue_text(first.label)
            venue_like = parsed.venue and (parsed.year or is_venue_like(parsed.venue, catalogue))
            if venue_like and first.label.lower() not in GENERIC_LABELS:
                _set_venue(entry, parsed)
                entry.links.append(Link(first.label, first.url))
                return text[first.end :].lstrip()
    return text


def _set_venue(entry: Entry, parsed: VenueText) -> None:
    entry.has_tag = True
    if parsed.venue is not None:
        entry.venue = parsed.venue
    elif parsed.note:
        entry.no_venue = True  # "ICLR reject": a venue named only to say the paper is not in it
    if parsed.year is not None:
        entry.year = parsed.year
    if parsed.note:
        entry.notes.append(parsed.note)


def _skip_space(text: str, position: int) -> int:
    while True:
        match = _SPACE_OR_BREAK.match(text, position)
        if not match or match.end() == position:
            return position
        position = match.end()


def _take_title(text: str, tokens: list[LinkToken], entry: Entry, catalogue: Catalogue) -> tuple[int, bool]:
    """Read badges and a title link at the start; returns the position after them and whether a title was read."""
    position = _skip_space(text, 0)
    index = 0
    while index < len(tokens) and tokens[index].start == position and tokens[index].style in (BADGE, IMAGE):
        _read_badge(tokens[index], entry)
        position = _skip_space(text, tokens[index].end)
        index += 1
    while index < len(tokens) and tokens[index].start == position and _is_link_group(text, tokens[index]):
        # [[Paper](url)] or [[Paper][ref]] before the title: a link, the title follows.
        token = tokens[index]
        if token.url or token.style != REFERENCE:
            entry.links.append(Link(token.label, token.url))
        else:
            entry.problems.append(_undefined_reference(token))
        position = _skip_space(text, token.end)
        index += 1
    if index < len(tokens) and tokens[index].start == position and tokens[index].style in (PLAIN, REFERENCE):
        token = tokens[index]
        title = clean_entry_title(token.label)
        if title and title.lower() not in GENERIC_LABELS:
            entry.title = title
            if token.url or token.style == PLAIN:
                entry.links.insert(0, Link("paper", token.url))
            else:
                entry.problems.append(_undefined_reference(token))
            end = token.end
            if text.startswith("**", end):
                end += 2
            return end, True
    return position, False


def _is_link_group(text: str, token: LinkToken) -> bool:
    """True for a link in double brackets: ``[[label](url)]``, ``[[label]](url)``, or ``[[paper][ref]]`` with a
    label such as paper or code. ``[[Title]][ref]`` with another label is a title link."""
    if token.style in (GROUP, BRACKETED):
        return True
    return token.style == REFERENCE and text.startswith("[[", token.start) and token.label.lower() in GENERIC_LABELS


def _read_badge(token: LinkToken, entry: Entry) -> None:
    source = token.image if token.style == BADGE else token.url
    parsed = badge_venue(source)
    if parsed is not None and parsed.venue:
        _set_venue(entry, parsed)


def _collect_after_title(
    text: str, tokens: list[LinkToken], position: int, entry: Entry, references: Mapping[str, str]
) -> list[str]:
    """Collect links after ``position``; return the text between them, split at ``<br>``."""
    segments: list[str] = []
    current: list[str] = []

    def add_text(chunk: str) -> None:
        pieces = _BREAK.split(chunk)
        current.append(pieces[0])
        for piece in pieces[1:]:
            segments.append("".join(current))
            current.clear()
            current.append(piece)

    for token in tokens:
        if token.start < position:
            continue
        add_text(text[position : token.start])
        position = token.end
        if token.style in (GROUP, BRACKETED, PLAIN):
            if token.label.startswith("![") or (token.style == PLAIN and not token.url):
                continue  # a badge, or a link with no target such as [![Publish](badge)]()
            entry.links.append(Link(token.label, token.url))
            segments.append("".join(current))
            current.clear()
        elif token.style == REFERENCE:
            url = token.url or references.get(reference_label(token.ref))
            if url:
                entry.links.append(Link(token.label, url))
            else:
                entry.problems.append(_undefined_reference(token))
            segments.append("".join(current))
            current.clear()
        elif token.style in (BADGE, IMAGE):
            _read_badge(token, entry)
    add_text(text[position:])
    segments.append("".join(current))
    kept = [segment.strip() for segment in segments]
    if kept and not kept[0] and entry.title:
        kept = kept[1:]
    return [segment for segment in kept if not NOTE_ONLY.match(segment)] if entry.title else _first_kept(kept)


def _undefined_reference(token: LinkToken) -> tuple[Code, Severity, str]:
    return (
        Code.MALFORMED_LINK,
        Severity.WARNING,
        f"reference link [{token.label}][{token.ref}] has no definition '[{token.ref}]: URL'",
    )


def _first_kept(segments: list[str]) -> list[str]:
    """Keep the first segment even when empty (it is the title); drop other empty segments."""
    if not segments:
        return []
    return [segments[0], *(segment for segment in segments[1:] if not NOTE_ONLY.match(segment))]


def _read_segment(segment: str, entry: Entry, catalogue: Catalogue) -> None:
    """Read text after the title: venue and year, authors, or a note such as ``(Oral)``."""
    segment = segment.strip().strip("|").strip()
    if not segment:
        return
    # parse_venue_text finds a year only in text with a decimal digit, which most author lists lack.
    if not entry.has_tag and _DIGIT.search(segment):
        parsed = parse_venue_text(segment)
        if parsed.venue and parsed.year and is_venue_like(parsed.venue, catalogue) and len(parsed.venue) <= 60:
            _set_venue(entry, parsed)
            return
    if not entry.has_tag:
        rest = _apply_tail(segment, entry, catalogue, require_separator=False)
        if entry.has_tag:
            if rest.strip(" .,"):
                _read_authors_or_note(rest, entry)
            return
    _read_authors_or_note(segment, entry)


def _read_authors_or_note(text: str, entry: Entry) -> None:
    stripped = text.strip().strip(".,").strip()
    if not entry.authors and looks_like_authors(stripped) and not stripped.startswith(("(", "[")):
        authors_text, affiliation = split_affiliation(stripped)
        entry.authors = parse_authors(authors_text)
        if affiliation:
            entry.notes.append(affiliation)
    else:
        entry.notes.append(stripped)


def _apply_tail(text: str, entry: Entry, catalogue: Catalogue, require_separator: bool) -> str:
    """Read ``Authors. VENUE YEAR`` and ``arXiv:ID`` from the end of ``text``; return the text before them.

    With ``require_separator`` the tail must follow a period or a closing parenthesis, as in
    ``Title. Authors et al. CVPR 2019``, so that a title that ends in a venue name stays whole.
    """
    if (entry.has_tag and require_separator) or not _may_end_in_tail(text):
        return text
    rest = text.strip()
    venue: VenueText | None = None
    arxiv_id: str | None = None
    arxiv_seen = False
    for _ in range(2):
        core = rest.rstrip(" .")
        match = _ARXIV_TAIL.search(core)
        if match and not arxiv_seen:
            arxiv_seen = True
            value = match.group("id")
            if "." in value:
                arxiv_id = value
            elif venue is None:
                venue = VenueText("arXiv", int(value))
            rest = core[: match.start()].rstrip(" (")
            continue
        if venue is None:
            found = _venue_year_tail(core, catalogue)
            if found is not None:
                venue, rest = found
                continue
        break
    if venue is None and not arxiv_seen:
        return text
    if require_separator and not rest.rstrip().endswith((".", ")", "）", ",")):
        return text
    # The final period stays, because it may end an initial ("Rush, Alexander M.").
    head, affiliation = split_affiliation(rest.strip())
    if affiliation:
        entry.notes.append(affiliation)
    head = head.strip()
    title, authors_text = _split_title_authors(head) if require_separator else (head, "")
    if require_separator and not title:
        return text
    if arxiv_id is not None:
        if not is_valid_arxiv_id(arxiv_id):
            entry.problems.append(
                (Code.MALFORMED_LINK, Severity.WARNING, f"arXiv:{arxiv_id} is not a valid arXiv ID; it is not exported")
            )
        else:
            entry.links.append(Link("arXiv", f"https://arxiv.org/abs/{arxiv_id}"))
    if venue is None:
        venue = VenueText("arXiv", None)
    _set_venue(entry, venue)
    if authors_text:
        entry.authors = parse_authors(authors_text)
    return title


def _may_end_in_tail(text: str) -> bool:
    """Return False when ``_apply_tail`` would find no tail in ``text``: both tails end in a digit, or in
    ``)`` after an arXiv ID or a year."""
    if text[-1:].isalpha():
        # Most titles end in a letter, which no strip below removes and which is never a digit.
        return False
    end = text.strip().rstrip(" .").rstrip()[-1:]
    return end.isdigit() or end == ")"


def _apply_tail_with_authors(text: str, entry: Entry, catalogue: Catalogue) -> str:
    """Read ``Title. Authors. VENUE YEAR`` before the links of an entry, but only when authors are present.

    Without authors, ``Title. ICLR 2020`` in front of links is taken as the whole title, because the
    venue then comes from a heading or a tag and the title may end in a venue name.
    """
    if not _may_end_in_tail(text):
        return text
    trial = Entry(title="")
    title = _apply_tail(text, trial, catalogue, require_separator=True)
    if not trial.authors:
        return text
    _set_venue(entry, VenueText(trial.venue, trial.year))
    entry.authors = trial.authors
    entry.notes.extend(trial.notes)
    entry.links.extend(trial.links)
    entry.problems.extend(trial.problems)
    return title


def _venue_year_tail(text: str, catalogue: Catalogue) -> tuple[VenueText, str] | None:
    words = text.split()
    if len(words) < 2 or not _YEAR_TOKEN.match(words[-1]):
        return None
    token = words[-1]
    year = int(token) if token[0].isdigit() else two_digit_year(int(token[1:]))
    for size in (4, 3, 2, 1):
        if len(words) - 1 < size:
            continue
        candidate_words = words[-1 - size : -1]
        candidate = " ".join(candidate_words).strip(",")
        if candidate.startswith("(") or candidate.endswith((".", ")")):
            continue
        if size > 1 and catalogue.find(candidate) is None:
            continue
        if is_venue_like(candidate, catalogue):
            rest = " ".join(words[: -1 - size])
            return parse_venue_text(f"{candidate} {year}"), rest
    return None


def _split_title_authors(head: str) -> tuple[str, str]:
    """Split ``Title. Authors`` at the last ``. `` whose remainder reads as authors (and not only ``et al.``)."""
    # A period after a single letter ends an initial ("Z. Meng"), not the title.
    positions = [match.start() for match in re.finditer(r"(?<!\b[A-Z])\.\s+", head)]
    for position in reversed(positions):
        remainder = head[position + 1 :].strip()
        if re.fullmatch(r"et\.?\s*al\.?", remainder, re.IGNORECASE):
            continue
        if looks_like_authors(remainder):
            return head[:position].strip(), remainder
        break
    return head, ""


def arxiv_id_of(links: list[Link]) -> str | None:
    for link in links:
        found = arxiv_id_from_url(link.url)
        if found:
            return found
    return None
