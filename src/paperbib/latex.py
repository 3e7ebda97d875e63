"""Unicode title text to BibTeX field values that bibtex, pdflatex and biber accept.

A value is built word by word. Words with a capital after their first letter, or a capital
followed by digits (``{LLMs}``, ``{KV}``, ``{T5}``), are brace-protected so that BibTeX styles
which change case leave them alone. Math spans are copied verbatim inside braces. LaTeX special
characters are escaped, and in ``latex`` mode characters that pdflatex cannot typeset become
macros (Greek letters, dashes, quotes). Characters with no LaTeX form (emoji) are dropped with a
warning, and scripts such as CJK are kept as UTF-8 with a warning that they need xelatex or lualatex.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from paperbib.text import split_math

LATEX = "latex"
UTF8 = "utf8"

# ASCII characters that LaTeX treats specially, with a form that typesets the character itself.
# Braces become \textbrace... because BibTeX counts even escaped braces, so "\{" alone would
# unbalance the field.
_ASCII_SPECIALS = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
    "\\": r"{\textbackslash}",
    "<": r"{\textless}",
    ">": r"{\textgreater}",
    "|": r"{\textbar}",
}

# Typographic characters with a TeX ligature or a plain form; preferred to pylatexenc's
# \textemdash-style macros because every BibTeX style and font handles these.
_TEXT_FORMS = {
    "\u2014": "---",
    "\u2013": "--",
    "\u201c": "``",
    "\u201d": "''",
    "\u2018": "`",
    "\u2019": "'",
    "\u2011": "-",  # non-breaking hyphen
    "\u2010": "-",
    "\u00a0": "~",
    "\u2009": r"\,",
    "\u2026": r"\dots{}",
}

# Math-mode forms that differ from pylatexenc's defaults or that it does not map.
_MATH_FORMS = {
    "\u00b5": r"\mu",  # MICRO SIGN
    "\u2212": "-",  # MINUS SIGN
    "\u2217": r"\ast",
    "\u00d7": r"\times",
}

_DROPPED = {"\ufe0f", "\ufe0e", "\u200d", "\u200b"}  # variation selectors, zero-width joiner and space


@dataclass
class Conversion:
    """A converted value with the characters that could not be typeset by pdflatex."""

    value: str
    dropped: list[str] = field(default_factory=list)
    needs_unicode_engine: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Piece:
    latex: str
    letter: bool  # part of a word (letters, digits, letter macros)
    macro_letter: bool = False  # a letter written as a math or text macro, e.g. $\alpha$


class ConvertedValue(NamedTuple):
    """An immutable :class:`Conversion`, which conversions of repeated values share."""

    value: str
    dropped: tuple[str, ...]
    needs_unicode_engine: tuple[str, ...]


def title_to_latex(text: str, mode: str = LATEX, protect_words: bool = True) -> Conversion:
    """Convert a plain Unicode title (with optional ``$...$`` math) to a BibTeX field value.

    With ``protect_words`` false, capitalised words are not braced; the caller then braces the
    whole value, as for venue and publisher names.
    """
    value, dropped, needs_unicode_engine = convert_value(text, mode, protect_words)
    return Conversion(value, list(dropped), list(needs_unicode_engine))


# %, & and # not already escaped: in math, % starts a comment and & and # stop pdflatex with an error.
_MATH_SPECIALS = re.compile(r"(?<!\\)((?:\\\\)*)([%&#])")


def escape_math(math: str) -> str:
    """Return a ``$...$`` span as written, with ``%``, ``&`` and ``#`` escaped unless they already are."""
    if "%" not in math and "&" not in math and "#" not in math:
        return math
    return _MATH_SPECIALS.sub(r"\1\\\2", math)


def escape_text(text: str) -> str:
    """Escape LaTeX specials in free text such as a note, without case protection."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        # str.translate looks up every character in a dict, and most notes and links have no special.
        if _ASCII_TRANSLATED.search(text) is None:
            return text
        return text.translate(_ASCII_TRANSLATION)
    return "".join(_escaped_character(char) for char in text)


_WHITESPACE = re.compile(r"(\s+)")
_MULTIPLE_SPACES = re.compile(r" {2,}")
# Control characters are dropped, as _piece drops them.
_ASCII_TRANSLATION = str.maketrans({**_ASCII_SPECIALS, **dict.fromkeys([*map(chr, range(32)), "\x7f"])})
_ASCII_TRANSLATED = re.compile("[" + re.escape("".join(_ASCII_SPECIALS)) + "\x00-\x1f\x7f]")

# Cache sizes: a field value such as a booktitle or publisher repeats across all papers of a venue,
# and title words repeat across titles. Both caches are bounded so that memory stays flat on large lists.
_VALUE_CACHE_SIZE = 4096
_WORD_CACHE_SIZE = 65536


@lru_cache(maxsize=_VALUE_CACHE_SIZE)
def convert_value(text: str, mode: str = LATEX, protect_words: bool = True) -> ConvertedValue:
    """Convert ``text`` as :func:`title_to_latex` does, into a value that callers must not change."""
    text = unicodedata.normalize("NFC", text)
    dropped: list[str] = []
    needs_unicode_engine: list[str] = []
    if "$" not in text:
        value = _convert_text(text, mode, dropped, needs_unicode_engine, protect_words)
    else:
        out: list[str] = []
        for is_math, chunk in split_math(text):
            if is_math:
                out.append("{" + escape_math(chunk) + "}")
            else:
                out.append(_convert_text(chunk, mode, dropped, needs_unicode_engine, protect_words))
        value = "".join(out)
    if "  " in value:
        value = _MULTIPLE_SPACES.sub(" ", value)
    return ConvertedValue(value.strip(), tuple(dropped), tuple(needs_unicode_engine))


def _convert_text(
    text: str, mode: str, dropped: list[str], needs_unicode_engine: list[str], protect_words: bool = True
) -> str:
    """Convert text without math token by token, adding the characters it cannot typeset to the two lists."""
    plain = _PLAIN_TOKENS.get((mode, protect_words))
    if plain is None:
        plain = _PLAIN_TOKENS[(mode, protect_words)] = {"": ""}
    if "  " not in text and text.isprintable():
        # The only white space that str.isprintable allows is U+0020. So the words between single
        # spaces are the other tokens that _WHITESPACE.split gives, and a single space converts to
        # itself. str.split is several times cheaper than the regular expression.
        tokens = text.split(" ")
        separator = " "
    else:
        tokens = _WHITESPACE.split(text)
        separator = ""
    # Most tokens were seen before and have no findings, so each takes one look-up.
    converted = [plain.get(token) for token in tokens]
    if None not in converted:
        return separator.join(converted)  # type: ignore[arg-type]
    cache = _TOKEN_CACHES.setdefault((mode, protect_words), {})
    for index, token in enumerate(tokens):
        if converted[index] is not None:
            continue
        conversion = cache.get(token)
        if conversion is None:
            conversion = _convert_token(token, mode, protect_words)
            if len(cache) >= _WORD_CACHE_SIZE:
                cache.clear()
            cache[token] = conversion
        latex, token_dropped, token_needs_unicode_engine = conversion
        if token_dropped:
            dropped.extend(token_dropped)
        if token_needs_unicode_engine:
            needs_unicode_engine.extend(token_needs_unicode_engine)
        if not token_dropped and not token_needs_unicode_engine:
            if len(plain) >= _WORD_CACHE_SIZE:
                plain.clear()
                plain[""] = ""
            plain[token] = latex
        converted[index] = latex
    return separator.join(converted)  # type: ignore[arg-type]


# Converted tokens (words and runs of white space) by conversion mode and word protection. A plain
# dict, emptied when full, is cheaper per look-up than lru_cache, and titles look up about ten tokens each.
# _PLAIN_TOKENS maps each token without findings (dropped characters or characters that need a
# Unicode engine) to its LaTeX, and the empty string that re.split yields around white space to
# itself. _TOKEN_CACHES maps every converted token to its LaTeX and findings.
_PLAIN_TOKENS: dict[tuple[str, bool], dict[str, str]] = {}
_TOKEN_CACHES: dict[tuple[str, bool], dict[str, ConvertedValue]] = {}


def _convert_token(token: str, mode: str, protect_words: bool = True) -> ConvertedValue:
    if token.isspace():
        return ConvertedValue("~" if "\u00a0" in token else " ", (), ())
    if _PLAIN_ASCII.fullmatch(token):
        return ConvertedValue(_convert_plain_ascii(token) if protect_words else token, (), ())
    scratch = Conversion("")
    latex = _convert_word(token, mode, scratch, protect_words)
    return ConvertedValue(latex, tuple(scratch.dropped), tuple(scratch.needs_unicode_engine))


# Printable ASCII with no LaTeX special: each character is its own LaTeX form, and the letters,
# digits and "'+." form the runs that _convert_word protects. The characters are listed: a negated
# class up to U+10FFFF matches the same but took about 1.5 ms to compile at every start.
_PLAIN_ASCII = re.compile(
    "[" + re.escape("".join(chr(code) for code in range(0x21, 0x7F) if chr(code) not in "&%$#_{}~^\\<>|")) + "]+"
)
_ASCII_LETTER_RUN = re.compile(r"[A-Za-z0-9'+.]+")


def _convert_plain_ascii(word: str) -> str:
    """Convert a word that ``_PLAIN_ASCII`` matches as ``_convert_word`` does, without a piece per character."""
    tag = word.startswith("[") and word.endswith("]")

    def protect(match: re.Match[str]) -> str:
        run = match.group()
        first_upper = run[0].isupper()
        if first_upper and (tag or (not run.isalpha() and any(char.isdigit() for char in run))):
            return "{" + run + "}"
        if not run[1:].islower() and any(char.isupper() for char in run[1:]):
            return "{" + run + "}"
        return run

    return _ASCII_LETTER_RUN.sub(protect, word)


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _escaped_character(char: str) -> str:
    return _piece(char, LATEX, Conversion("")).latex


def _convert_word(word: str, mode: str, result: Conversion, protect_words: bool = True) -> str:
    """Convert one space-delimited token; runs of word characters are protected as units."""
    pieces = [_piece(char, mode, result) for char in word]
    out: list[str] = []
    run: list[tuple[str, _Piece]] = []
    # A bracketed tag such as "[Re]" (a reproduction) keeps its capital like a name.
    tag = word.startswith("[") and word.endswith("]")

    def flush() -> None:
        if run:
            out.append(_protect_run(run, tag) if protect_words else "".join(piece.latex for _, piece in run))
            run.clear()

    for char, piece in zip(word, pieces, strict=True):
        if piece.letter:
            run.append((char, piece))
        else:
            flush()
            out.append(piece.latex)
    flush()
    return "".join(out)


def _protect_run(run: list[tuple[str, _Piece]], tag: bool = False) -> str:
    chars = [char for char, _ in run]
    if tag and chars[0].isupper():
        return "{" + "".join(piece.latex for _, piece in run) + "}"
    latex = "".join(piece.latex for _, piece in run)
    capital_after_first = any(char.isupper() for char in chars[1:])
    capital_with_digits = chars[0].isupper() and any(char.isdigit() for char in chars)
    has_macro_letter = any(piece.macro_letter for _, piece in run)
    if capital_after_first or capital_with_digits or has_macro_letter:
        return "{" + latex + "}"
    return latex


def _piece(char: str, mode: str, result: Conversion) -> _Piece:
    if char in _ASCII_SPECIALS:
        return _Piece(_ASCII_SPECIALS[char], char == "&")
    if unicodedata.category(char) == "Cc":
        # Control characters stop pdflatex ("invalid character") and mean nothing in a title.
        result.dropped.append(char)
        return _Piece("", False)
    if char.isascii():
        return _Piece(char, char.isalnum() or char in "'+.")
    if mode == UTF8:
        if char == "\u00a0":
            return _Piece("~", False)
        letter = unicodedata.category(char)[0] in "LN"
        return _Piece(char, letter, letter and unicodedata.category(char) not in ("Lo",) and not _is_latin(char))
    if char in _DROPPED:
        return _Piece("", False)
    return _latex_piece(char, result)


def _latex_piece(char: str, result: Conversion) -> _Piece:
    category = unicodedata.category(char)
    is_letter = category[0] in "LN"
    if char in _TEXT_FORMS:
        return _Piece(_TEXT_FORMS[char], False)
    if char in _MATH_FORMS:
        return _math_piece(_MATH_FORMS[char], char, is_letter)
    macro = _pylatexenc_form(char)
    if macro is None:
        if category[0] in "LNMP":
            # Han, kana, Hangul and their punctuation (such as the full-width colon) have no
            # LaTeX macro: keep the UTF-8 text, which xelatex and lualatex typeset.
            result.needs_unicode_engine.append(char)
            return _Piece(char, category[0] in "LN")
        # Symbols with no LaTeX form, such as emoji, cannot be typeset by pdflatex at all.
        result.dropped.append(char)
        return _Piece("", False)
    if macro.startswith("\\ensuremath{") and macro.endswith("}"):
        return _math_piece(macro[len("\\ensuremath{") : -1], char, is_letter)
    if is_letter and _is_latin(char):
        # Accented Latin letters use BibTeX's special-character form {\"U}, which keeps
        # case changes and sorting right.
        return _Piece("{" + _strip_empty_group(macro) + "}", True)
    return _Piece("{" + _strip_empty_group(macro) + "}", is_letter, is_letter)


def _math_piece(body: str, char: str, is_letter: bool) -> _Piece:
    if is_letter:
        return _Piece(f"${body}$", True, True)
    return _Piece("{$" + body + "$}", False)


def _strip_empty_group(macro: str) -> str:
    return macro[:-2] if macro.endswith("{}") else macro


def _is_latin(char: str) -> bool:
    return "LATIN" in unicodedata.name(char, "")


@lru_cache(maxsize=4096)
def _pylatexenc_form(char: str) -> str | None:

    encoder = _encoder()
    converted = encoder.unicode_to_latex(char)
    if converted == char:
        return None
    return converted


@lru_cache(maxsize=1)
def _encoder():  # type: ignore[no-untyped-def]
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(non_ascii_only=True, unknown_char_policy="keep", unknown_char_warning=False)


def brace_depth_ok(value: str) -> bool:
    """True when every ``{`` in ``value`` is closed and no ``}`` comes first, as BibTeX counts them."""
    opening = value.count("{")
    if opening != value.count("}"):
        return False
    if opening <= 1:
        return opening == 0 or value.index("{") < value.index("}")
    # The braces alone are balanced when taking out inner "{}" pairs, again and again, leaves
    # nothing. Each round takes out one level of nesting.
    braces = _NOT_BRACES.sub("", value)
    while "{}" in braces:
        braces = braces.replace("{}", "")
    return not braces


_NOT_BRACES = re.compile(r"[^{}]+")
