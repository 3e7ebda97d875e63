"""Title text helpers: math spans, Markdown escapes, normalisation for comparison."""

from __future__ import annotations

import re
import unicodedata

_MARKDOWN_ESCAPABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_ASCII_SPACE_NOT_BLANK = re.compile(r"[\t\n\r\f\v]")
_ASCII_KEPT_MARKS = "#$+<=>^`|~"
# The comparison form of each ASCII character for normalise_title: letters in lowercase, digits as they are,
# kept marks with a space on each side, and a space for everything else.
_ASCII_COMPARISON_FORM = str.maketrans(
    {
        chr(code): (
            chr(code).lower() if chr(code).isalnum() else f" {chr(code)} " if chr(code) in _ASCII_KEPT_MARKS else " "
        )
        for code in range(128)
    }
)


def split_math(text: str) -> list[tuple[bool, str]]:
    """Split ``text`` into (is_math, chunk) pairs; math chunks keep their ``$`` delimiters.

    Spans follow pandoc's tex_math_dollars rule: the opening ``$`` is followed by a non-space,
    the closing ``$`` is preceded by a non-space and not followed by a digit. ``\\$`` is a literal
    dollar sign. Math with unbalanced braces is treated as text, so it cannot break a BibTeX value.
    """
    if "$" not in text:
        return [(False, text)] if text else []
    chunks: list[tuple[bool, str]] = []
    plain_start = 0
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "$" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "$":
            close = _find_closing_dollar(text, i + 1)
            if close is not None and _braces_balanced(text[i + 1 : close]):
                if plain_start < i:
                    chunks.append((False, text[plain_start:i]))
                chunks.append((True, text[i : close + 1]))
                i = close + 1
                plain_start = i
                continue
        i += 1
    if plain_start < n:
        chunks.append((False, text[plain_start:]))
    return chunks


def _find_closing_dollar(text: str, start: int) -> int | None:
    j = start
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == "$":
            followed_by_digit = j + 1 < len(text) and text[j + 1].isdigit()
            if not text[j - 1].isspace() and not followed_by_digit:
                return j
        j += 1
    return None


def _braces_balanced(text: str) -> bool:
    depth = 0
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth < 0:
                return False
        i += 1
    return depth == 0


def unescape_markdown(text: str) -> str:
    """Remove CommonMark backslash escapes (``\\[`` -> ``[``) outside math spans."""
    if "\\" not in text:
        return text
    out: list[str] = []
    for is_math, chunk in split_math(text):
        if is_math:
            out.append(chunk)
            continue
        i = 0
        while i < len(chunk):
            if chunk[i] == "\\" and i + 1 < len(chunk) and chunk[i + 1] in _MARKDOWN_ESCAPABLE:
                out.append(chunk[i + 1])
                i += 2
            else:
                out.append(chunk[i])
                i += 1
    return "".join(out)


def clean_title(text: str) -> str:
    """Collapse ASCII whitespace and strip one trailing list period.

    No-break spaces are kept because they are part of the title. An ellipsis (``...`` or ``…``)
    is not a list period and is kept.
    """
    # The substitution changes nothing unless there is a run of spaces or another ASCII white space character.
    title = _ASCII_SPACE.sub(" ", text) if "  " in text or _ASCII_SPACE_NOT_BLANK.search(text) else text
    title = title.strip()
    if title.endswith(".") and not title.endswith("..") and len(title) > 1:
        title = title[:-1].rstrip()
    return title


def normalise_title(title: str) -> str:
    """Return a comparison form of a title: NFKC, case-folded, single spaces, punctuation removed.

    Letters, digits and symbols such as ``+`` and ``#`` are kept, so "C++ Tips" and "C# Tips" differ.
    """
    if title.isascii():
        # The same result for ASCII without per-character Unicode look-ups: NFKC changes no ASCII,
        # casefold is lower, and the ASCII symbols (category S) plus "#" are the kept marks.
        return " ".join(title.translate(_ASCII_COMPARISON_FORM).split())
    folded = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(folded.translate(_COMPARISON_FORM).split())


class _ComparisonForm(dict[int, str]):
    """A ``str.translate`` table of the comparison form of each case-folded character, filled on first use:
    letters and digits as they are, ``#``, ``+`` and symbols with a space on each side, and a space for
    everything else.

    It keeps at most ``_COMPARISON_FORM_KEPT`` characters, so text in many scripts cannot grow it without bound.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char.isalnum():
            value = char
        elif char in "#+" or unicodedata.category(char).startswith("S"):
            value = f" {char} "
        else:
            value = " "
        if len(self) < _COMPARISON_FORM_KEPT:
            self[code] = value
        return value


_COMPARISON_FORM_KEPT = 4096
_COMPARISON_FORM = _ComparisonForm()
