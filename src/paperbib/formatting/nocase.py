"""Case protection for CSL title case and sentence case, with CSL's ``<span class="nocase">`` markup.

citeproc-py changes the case of every word it is not told to keep, so title case turns ``3 µs``
into ``3 Μs`` (a capital Greek Mu) and ``α-blending`` into ``Α-blending``. Words that must keep
their case are wrapped in ``<span class="nocase">``, which CSL processors leave alone. This
happens only on the text handed to the formatting engine; the CSL-JSON export keeps titles as
written.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from paperbib.text import split_math

NOCASE_OPEN = '<span class="nocase">'
NOCASE_CLOSE = "</span>"

_MICRO_SIGN = "\u00b5"
_TOKENS = re.compile(r"(\s+)")
_NOT_ASCII_LETTER = re.compile("[^A-Za-z]")
_ASCII_DIGIT = re.compile("[0-9]")


def protect_case(text: str) -> str:
    """Wrap the words that case changes would corrupt, and words with math, in nocase spans.

    Whole space-delimited words are wrapped, never parts of one, because citeproc-py joins the
    pieces of a word that straddles a span boundary with a space (``$N$ :$M$``).
    """
    math_spans = [(start, start + len(chunk)) for start, chunk in _math_positions(text)]
    out: list[str] = []
    position = 0
    for token in _TOKENS.split(text):
        start, end = position, position + len(token)
        position = end
        if not token or token.isspace():
            out.append(token)
            continue
        has_math = bool(math_spans) and any(
            span_start < end and start < span_end for span_start, span_end in math_spans
        )
        out.append(NOCASE_OPEN + token + NOCASE_CLOSE if has_math or _needs_protection_cached(token) else token)
    return "".join(out)


def _math_positions(text: str) -> list[tuple[int, str]]:
    positions = []
    offset = 0
    for is_math, chunk in split_math(text):
        if is_math:
            positions.append((offset, chunk))
        offset += len(chunk)
    return positions


def needs_protection(word: str) -> bool:
    """True for acronyms and mixed-case words (KV, LLMs, mW, GPT-2), and words with Greek letters or µ."""
    if word.isascii():
        # The same tests on ASCII, which has no Greek letters and no µ, without a loop per character.
        ascii_letters = _NOT_ASCII_LETTER.sub("", word)
        if not ascii_letters:
            return False
        rest = ascii_letters[1:]
        return rest != rest.lower() or (ascii_letters[0].isupper() and _ASCII_DIGIT.search(word) is not None)
    letters = [char for char in word if char.isalpha()]
    if any(char == _MICRO_SIGN or _is_greek(char) for char in letters):
        return True
    if any(char.isupper() for char in letters[1:]):
        return True
    return bool(letters) and letters[0].isupper() and any(char.isdigit() for char in word)


# Titles repeat most of their words, so each word is tested once.
_needs_protection_cached = functools.lru_cache(maxsize=65536)(needs_protection)


def _is_greek(char: str) -> bool:
    return unicodedata.name(char, "").startswith("GREEK")
