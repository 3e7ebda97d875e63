"""The regex-based text helpers of formatting give the results of straightforward per-character loops."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from paperbib.formatting.markup import BLOCK_BREAK, CLOSE, OPEN, Run, Style, parse_runs
from paperbib.formatting.nocase import needs_protection

_BY_MARKER = {marker: style for style, marker in OPEN.items()} | {marker: style for style, marker in CLOSE.items()}


def reference_parse_runs(marked: str) -> list[Run]:
    runs: list[Run] = []
    active: list[Style] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            runs.append(Run("".join(buffer), frozenset(active)))
            buffer.clear()

    for char in marked:
        if char == BLOCK_BREAK:
            flush()
            runs.append(Run(" ", block_break=True))
        elif char in OPEN.values():
            flush()
            active.append(_BY_MARKER[char])
        elif char in CLOSE.values():
            flush()
            style = _BY_MARKER[char]
            if style in active:
                # The innermost open style of that kind closes.
                index = len(active) - 1 - active[::-1].index(style)
                del active[index]
        else:
            buffer.append(char)
    flush()
    return runs


def reference_needs_protection(word: str) -> bool:
    letters = [char for char in word if char.isalpha()]
    if any(char == "\u00b5" or unicodedata.name(char, "").startswith("GREEK") for char in letters):
        return True
    if any(char.isupper() for char in letters[1:]):
        return True
    return bool(letters) and letters[0].isupper() and any(char.isdigit() for char in word)


_MARKED_ALPHABET = "ab .,“”" + "".join(OPEN.values()) + "".join(CLOSE.values()) + BLOCK_BREAK
_WORD_ALPHABET = "aZk09-_.'()$µαΩé²"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_MARKED_ALPHABET, max_size=40))
def test_parse_runs_matches_loop(marked: str):
    assert parse_runs(marked) == reference_parse_runs(marked)


def test_parse_runs_nested_and_unbalanced():
    italic, bold = OPEN[Style.ITALIC], OPEN[Style.BOLD]
    marked = f"{bold}A {italic}B{CLOSE[Style.BOLD]} C{CLOSE[Style.ITALIC]}{CLOSE[Style.ITALIC]} D{BLOCK_BREAK}E"
    assert parse_runs(marked) == reference_parse_runs(marked)
    assert [run.text for run in parse_runs(marked)] == ["A ", "B", " C", " D", " ", "E"]


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=_WORD_ALPHABET, min_size=1, max_size=8))
def test_needs_protection_matches_loop(word: str):
    assert needs_protection(word) == reference_needs_protection(word)


ASCII_CASES = [("KV", True), ("LLMs", True), ("mW", True), ("GPT-2", True), ("Deep", False), ("2-bit", False)]


def test_needs_protection_ascii_cases():
    for word, expected in ASCII_CASES:
        assert needs_protection(word) is expected, word
