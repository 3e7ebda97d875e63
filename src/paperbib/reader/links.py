"""Finding the Markdown links of one line: ``[[label](url)]`` groups, ``[[label]](url)``, plain links, images,
badges and reference links, each with its position so that the text between them can be read too."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from paperbib.messages import shorten
from paperbib.reader.inline import LinkSyntaxError, match_bracket, parse_link_group

GROUP = "group"  # [[label](url)]
BRACKETED = "bracketed"  # [[label]](url)
PLAIN = "plain"  # [label](url)
IMAGE = "image"  # ![alt](src)
BADGE = "badge"  # [![alt](src)](url)
REFERENCE = "reference"  # [label][ref], [label][], [[label]][ref], [[label][ref]], and [label] with a definition
BARE_LABEL = "link"  # the label given to a bare URL

# A bare URL or an autolink, as GFM links them: "https://arxiv.org/abs/1712.01815", "<https://...>", and a
# bare URL in parentheses.
# Trailing punctuation is not part of the URL.
_BARE_URL = re.compile(
    r"<(?P<url>https?://[^\s<>]+)>|\((?P<url3>https?://[^\s()<>]+)\)|(?P<url2>https?://[^\s<>\[\]]*[^\s<>\[\].,;:!?)\"'])"
)
# Characters where a link can start; the scanner jumps from one to the next.
_CANDIDATE = re.compile(r"[\\\[!<(`]|https?://")
_BACKTICKS = re.compile(r"`+")
_NESTED_URL = re.compile(r"^\[[^\]]*\]\((?P<url>[^)]*)\)$")
# The common [[label](url)] group, not followed by "(", with no bracket or backslash in the label and
# no bracket, backslash, parenthesis, white space, "<" or ">" in the URL. _link_at returns the same
# GROUP token for it after matching each bracket, and this pattern reads it in one step.
_PLAIN_GROUP = re.compile(r"\[\[([^\[\]\\]*)\]\(([^\s()\[\]<>\\]*)\)\](?!\()")


@dataclass(frozen=True)
class LinkToken:
    """One link of a line; ``url`` is the image source for images, ``ref`` the label of a reference link.

    A reference link's ``url`` is the URL of its definition, or empty when the list does not define ``ref``.
    """

    start: int
    end: int
    style: str
    label: str
    url: str = ""
    image: str = ""  # the image source of a badge
    ref: str = ""


def reference_label(label: str) -> str:
    """Return the form in which CommonMark compares link labels: case-folded, inner white space collapsed."""
    return " ".join(label.split()).casefold()


def scan_links(text: str, references: Mapping[str, str] | None = None) -> list[LinkToken]:
    """Return the links of ``text`` from left to right; text in brackets that is not a link is skipped.

    ``references`` maps each ``reference_label`` of the list's ``[label]: url`` definitions to its URL.
    With it, reference links get their URL, and a ``[label]`` with a definition is a link, as in CommonMark.
    Raises LinkSyntaxError when a ``[[label](`` group that starts a word is not closed.
    """
    tokens: list[LinkToken] = []
    i = 0
    while True:
        candidate = _CANDIDATE.search(text, i)
        if candidate is None:
            break
        i = candidate.start()
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "`":
            # A code span, as in CommonMark: its text is code, so brackets in it are no link.
            i = _code_span_end(text, i)
            continue
        if char == "!" and text.startswith("![", i):
            token = _image_at(text, i)
            if token is None:
                # "![alt][ref]" and "![alt]" with a definition are images, as "![alt](src)" is.
                reference = _link_at(text, i + 1, references)
                if reference is not None and reference.style == REFERENCE:
                    token = LinkToken(i, reference.end, IMAGE, reference.label, reference.url)
            if token is not None:
                tokens.append(token)
                i = token.end
                continue
        if char == "[":
            group = _PLAIN_GROUP.match(text, i)
            if group is not None:
                tokens.append(LinkToken(i, group.end(), GROUP, group.group(1).strip(), group.group(2)))
                i = group.end()
                continue
            token = _link_at(text, i, references)
            if token is not None:
                tokens.append(token)
                i = token.end
                continue
        if char in "h<(" and (_starts_word(text, i) or text[i - 1] == "("):
            match = _BARE_URL.match(text, i)
            if match:
                url = match.group("url") or match.group("url2") or match.group("url3")
                tokens.append(LinkToken(i, match.end(), PLAIN, BARE_LABEL, url))
                i = match.end()
                continue
        i += 1
    return tokens


def mask_code_spans(text: str) -> str:
    """Return ``text`` with the inside of each code span replaced by spaces, so that offsets stay."""
    out: list[str] = []
    position = 0  # the end of the text copied to out
    span_end = 0  # the end of the last code span, closing backticks included
    for opening in _BACKTICKS.finditer(text):
        if opening.start() < span_end:
            continue
        end = _code_span_end(text, opening.start())
        if end == opening.end():
            continue  # backticks that close no span are text
        inner_start, inner_end = opening.end(), end - len(opening.group())
        out.append(text[position:inner_start])
        out.append(" " * (inner_end - inner_start))
        position, span_end = inner_end, end
    out.append(text[position:])
    return "".join(out)


def _code_span_end(text: str, start: int) -> int:
    """Return the index after the code span that opens at ``start``, or after its backticks if none closes."""
    opening = _BACKTICKS.match(text, start)
    assert opening is not None
    length = len(opening.group())
    for closing in _BACKTICKS.finditer(text, opening.end()):
        if len(closing.group()) == length:
            return closing.end()
    return opening.end()


def _destination(text: str, open_index: int) -> tuple[str, int] | None:
    """Return the URL in the parentheses at ``open_index`` and the index after them."""
    close = match_bracket(text, open_index, "(", ")")
    if close is None:
        return None
    url = text[open_index + 1 : close].strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    nested = _NESTED_URL.match(url)
    if nested:
        # [[Paper]]([2112.07068](https://arxiv.org/pdf/2112.07068)): the inner link contains the URL.
        url = nested.group("url").strip()
    elif ' "' in url:
        url = url.split(' "', 1)[0]  # [label](url "title")
    return url, close + 1


def _image_at(text: str, start: int) -> LinkToken | None:
    close = match_bracket(text, start + 1, "[", "]")
    if close is None or not text.startswith("(", close + 1):
        return None
    destination = _destination(text, close + 1)
    if destination is None:
        return None
    url, end = destination
    return LinkToken(start, end, IMAGE, text[start + 2 : close], url)


def _starts_word(text: str, index: int) -> bool:
    return index == 0 or text[index - 1].isspace()


def _link_at(text: str, start: int, references: Mapping[str, str] | None = None) -> LinkToken | None:
    close = match_bracket(text, start, "[", "]")
    if close is None:
        if text.startswith("[[", start) and _starts_word(text, start) and "](" in text[start:]:
            parse_link_group(text, start)  # raises LinkSyntaxError with the reason
        return None
    label = text[start + 1 : close]
    after = close + 1
    if text.startswith("(", after):
        destination = _destination(text, after)
        if destination is None:
            if label.startswith("[") and _starts_word(text, start):
                raise LinkSyntaxError(f"URL of link {shorten(label)} is not closed with ')'")
            return None
        url, end = destination
        if label.startswith("![") or label.startswith("[!["):
            image = _image_at(label, label.index("!"))
            if image is not None:
                return LinkToken(start, end, BADGE, image.label, url, image=image.url)
        if label.startswith("[") and match_bracket(label, 0, "[", "]") == len(label) - 1:
            return LinkToken(start, end, BRACKETED, label[1:-1].strip(), url)
        return LinkToken(start, end, PLAIN, label.strip(), url)
    if label.startswith("[") and label.endswith("]") and not text.startswith("[", after):
        # "[[paper][ref]]" and "[[paper]]": a reference link in brackets, read like a "[[paper](url)]" group.
        inner = _link_at(label, 0, references)
        if inner is not None and inner.end == len(label) and inner.style == REFERENCE:
            return LinkToken(start, after, REFERENCE, inner.label, inner.url, ref=inner.ref)
    if label.startswith("[") and label.endswith(")"):
        inner = _link_at(label, 0)
        if inner is not None and inner.end == len(label) and inner.style == PLAIN:
            return LinkToken(start, after, GROUP, inner.label, inner.url)
        malformed_group = label.startswith("[[") or inner is None
        if malformed_group and text.startswith("[[", start) and _starts_word(text, start):
            parse_link_group(text, start)  # raises LinkSyntaxError when the group is malformed
    if text.startswith("[[", start) and _starts_word(text, start) and "](" in label:
        # "[[paper](https://x.org/p]": a group whose URL is never closed; parse_link_group names why.
        parse_link_group(text, start)
    if text.startswith("[", after) and not text.startswith("[[", after):
        ref_close = match_bracket(text, after, "[", "]")
        if ref_close is not None:
            inner_label = label[1:-1] if label.startswith("[") and label.endswith("]") else label
            # "[label][]" is a collapsed reference, whose label is also its reference.
            ref = text[after + 1 : ref_close].strip() or inner_label.strip()
            url = references.get(reference_label(ref), "") if references else ""
            return LinkToken(start, ref_close + 1, REFERENCE, inner_label.strip(), url, ref=ref)
    if references and "[" not in label:
        # "[label]" alone is a shortcut reference link when the list defines the label.
        url = references.get(reference_label(label))
        if url is not None:
            return LinkToken(start, after, REFERENCE, label.strip(), url, ref=label.strip())
    return None
