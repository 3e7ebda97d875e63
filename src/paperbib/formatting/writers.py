"""Output writers: marked entries (see ``markup``) to text, HTML, Markdown, LaTeX or reStructuredText.

The engines decide what an entry contains, and a writer decides how it is written. Each writer escapes all
text, whatever its source, and turns a URL of the entry into a link only when it is http or https.
Every entry is written on one line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import ClassVar

from paperbib.formatting.markup import Style, parse_runs
from paperbib.latex import escape_math, escape_text
from paperbib.text import split_math
from paperbib.urls import normalise_url

# Outer to inner, so that nesting is the same in every format.
_STYLE_ORDER = (Style.BOLD, Style.ITALIC, Style.SMALL_CAPS, Style.SUPERSCRIPT, Style.SUBSCRIPT)


class Writer:
    """Writes entries as plain text; subclasses override the escaping and markup hooks."""

    name = "text"
    description = "plain text, one entry per line"

    def entry(self, marked: str, links: Sequence[str] = ()) -> str:
        """Write one entry or citation, with ``links`` (the entry's URLs) turned into links."""
        pieces = []
        for run in parse_runs(marked):
            if run.block_break:
                pieces.append(self.block_break())
            else:
                pieces.append(self.styled(run.styles, self.linked(run.text, links)))
        return self.finish("".join(pieces))

    def document(self, entries: Sequence[str]) -> str:
        """Join entries already written by ``entry`` into a whole reference list."""
        return "".join(f"{entry}\n" for entry in entries)

    def linked(self, text: str, links: Sequence[str]) -> str:
        """Escape ``text``, writing each occurrence of an http(s) URL from ``links`` as a link."""
        urls = sorted({url for url in links if url and _is_web_url(url)}, key=len, reverse=True)
        if not urls:
            return self.escape(text)
        pattern = re.compile("|".join(re.escape(url) for url in urls))
        out = []
        position = 0
        for match in pattern.finditer(text):
            out.append(self.escape(text[position : match.start()]))
            out.append(self.link(match.group(0)))
            position = match.end()
        out.append(self.escape(text[position:]))
        return "".join(out)

    def styled(self, styles: frozenset[Style], content: str) -> str:
        if not content.strip():
            return content
        for style in reversed(_STYLE_ORDER):
            if style in styles:
                content = self.apply(style, content)
        return content

    def escape(self, text: str) -> str:
        return text

    def link(self, url: str) -> str:
        return url

    def apply(self, style: Style, content: str) -> str:
        return content

    def block_break(self) -> str:
        return " "

    def finish(self, entry: str) -> str:
        return entry


# Plain text has no raised text, so superscript numbers (Nature's citations) use Unicode forms.
_SUPERSCRIPTS = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")


class TextWriter(Writer):
    """Plain text; identical to ``Writer`` except that superscript digits are raised."""

    def apply(self, style: Style, content: str) -> str:
        if style is Style.SUPERSCRIPT and all(char in "0123456789+-=(), " for char in content):
            return content.translate(_SUPERSCRIPTS)
        return content


class HtmlWriter(Writer):
    name = "html"
    description = "HTML: a csl-bib-body div with one csl-entry div per line"

    _TAGS: ClassVar[dict[Style, tuple[str, str]]] = {
        Style.ITALIC: ("<i>", "</i>"),
        Style.BOLD: ("<b>", "</b>"),
        Style.SMALL_CAPS: ('<span style="font-variant:small-caps;">', "</span>"),
        Style.SUPERSCRIPT: ("<sup>", "</sup>"),
        Style.SUBSCRIPT: ("<sub>", "</sub>"),
    }

    def document(self, entries: Sequence[str]) -> str:
        body = "".join(f'  <div class="csl-entry">{entry}</div>\n' for entry in entries)
        return f'<div class="csl-bib-body">\n{body}</div>\n'

    def escape(self, text: str) -> str:
        return html.escape(text, quote=True)

    def link(self, url: str) -> str:
        escaped = html.escape(url, quote=True)
        return f'<a href="{escaped}">{escaped}</a>'

    def apply(self, style: Style, content: str) -> str:
        start, end = self._TAGS[style]
        return _wrap_inside_spaces(content, start, end)


class MarkdownWriter(Writer):
    name = "markdown"
    description = "CommonMark: one paragraph per entry"

    # Characters that CommonMark could read as markup anywhere in a line.
    _SPECIAL = re.compile(r"([\\`*_\[\]<>|~$&])")
    # Line starts that CommonMark reads as a list, heading or block quote.
    _BLOCK_START = re.compile(r"^(\d+)([.)])|^([#+\-=])")

    def document(self, entries: Sequence[str]) -> str:
        return "\n\n".join(entries) + "\n" if entries else ""

    def escape(self, text: str) -> str:
        return self._SPECIAL.sub(r"\\\1", text)

    def link(self, url: str) -> str:
        if any(char in url for char in " <>"):
            return self.escape(url)
        return f"<{url}>"

    def apply(self, style: Style, content: str) -> str:
        if style is Style.ITALIC:
            return _wrap_inside_spaces(content, "*", "*")
        if style is Style.BOLD:
            return _wrap_inside_spaces(content, "**", "**")
        if style is Style.SUPERSCRIPT:
            return _wrap_inside_spaces(content, "<sup>", "</sup>")
        if style is Style.SUBSCRIPT:
            return _wrap_inside_spaces(content, "<sub>", "</sub>")
        return content  # CommonMark has no small capitals

    def finish(self, entry: str) -> str:
        return self._BLOCK_START.sub(lambda match: _escape_block_start(match), entry, count=1)


class LatexWriter(Writer):
    name = "latex"
    description = "LaTeX text (url package for links): one paragraph per entry"

    _COMMANDS: ClassVar[dict[Style, str]] = {
        Style.ITALIC: r"\emph",
        Style.BOLD: r"\textbf",
        Style.SMALL_CAPS: r"\textsc",
        Style.SUPERSCRIPT: r"\textsuperscript",
        Style.SUBSCRIPT: r"\textsubscript",
    }

    def document(self, entries: Sequence[str]) -> str:
        return "\n\n".join(entries) + "\n" if entries else ""

    def escape(self, text: str) -> str:
        # Math spans stay TeX, as in the BibTeX export; everything else is escaped the same way.
        return "".join(escape_math(chunk) if is_math else escape_text(chunk) for is_math, chunk in split_math(text))

    def link(self, url: str) -> str:
        # Inside \url, % and # must be escaped when the command is an argument of another one.
        safe = url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
        return r"\url{" + safe.replace("%", r"\%").replace("#", r"\#") + "}"

    def apply(self, style: Style, content: str) -> str:
        return _wrap_inside_spaces(content, self._COMMANDS[style] + "{", "}")


class RstWriter(Writer):
    name = "rst"
    description = "reStructuredText: one paragraph per entry"

    _SPECIAL = re.compile(r"([\\`*_|])")
    _BLOCK_START = re.compile(r"^(\d+)([.)])|^([#+\-=])")

    def document(self, entries: Sequence[str]) -> str:
        return "\n\n".join(entries) + "\n" if entries else ""

    def escape(self, text: str) -> str:
        return self._SPECIAL.sub(r"\\\1", text)

    def link(self, url: str) -> str:
        if any(char in url for char in " <>`"):
            return self.escape(url)
        return _inline(f"`{url} <{url}>`__")

    def apply(self, style: Style, content: str) -> str:
        if style is Style.ITALIC:
            return _inline_around(content, "*", "*")
        if style is Style.BOLD:
            return _inline_around(content, "**", "**")
        if style is Style.SUPERSCRIPT:
            return _inline_around(content, ":sup:`", "`")
        if style is Style.SUBSCRIPT:
            return _inline_around(content, ":sub:`", "`")
        return content

    def finish(self, entry: str) -> str:
        entry = self._BLOCK_START.sub(lambda match: _escape_block_start(match), entry, count=1)
        # An escaped space guards inline markup next to a character that reST does not accept
        # around it. Next to spaces and most punctuation the guard is not needed and is dropped.
        entry = _RST_GUARD_AFTER.sub("", entry)
        return _RST_GUARD_BEFORE.sub("", entry)


# "\ " written by _inline, where reST needs no guard: before or after a space, or at either end.
_RST_GUARD_AFTER = re.compile(r"(?<!\\)\\ (?=[\s\-.,:;!?/'\")\]}>\u201d\u2019]|$)")
_RST_GUARD_BEFORE = re.compile(r"(?:(?<=[\s\-:/'\"(\[{<\u201c\u2018])|^)(?<!\\)\\ ")


WRITERS: dict[str, type[Writer]] = {
    writer.name: writer for writer in (TextWriter, HtmlWriter, MarkdownWriter, LatexWriter, RstWriter)
}


def get_writer(name: str) -> Writer:
    """Return the writer for an output format name. Raises KeyError for an unknown name."""
    return WRITERS[name]()


def _is_web_url(url: str) -> bool:
    return normalise_url(url) == url


def _wrap_inside_spaces(content: str, start: str, end: str) -> str:
    """Wrap ``content`` but leave its leading and trailing spaces outside the markup."""
    stripped = content.strip(" ")
    if not stripped:
        return content
    left = content[: len(content) - len(content.lstrip(" "))]
    right = content[len(content.rstrip(" ")) :]
    return f"{left}{start}{stripped}{end}{right}"


def _inline(markup: str) -> str:
    """reST inline markup must touch whitespace; an escaped space ("\\ ") counts and prints nothing."""
    return f"\\ {markup}\\ "


def _inline_around(content: str, start: str, end: str) -> str:
    stripped = content.strip(" ")
    if not stripped:
        return content
    left = content[: len(content) - len(content.lstrip(" "))]
    right = content[len(content.rstrip(" ")) :]
    return f"{left}{_inline(start + stripped + end)}{right}"


def _escape_block_start(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return f"{match.group(1)}\\{match.group(2)}"
    return "\\" + match.group(3)


__all__ = ["WRITERS", "HtmlWriter", "LatexWriter", "MarkdownWriter", "RstWriter", "TextWriter", "Writer", "get_writer"]
