"""CSL YAML export: the CSL-JSON items as the YAML bibliography that pandoc users keep.

The file is one YAML document with a ``references`` list, framed by ``---`` and ``...``. That is
the form pandoc reads with ``--bibliography refs.yaml``, and also a Markdown metadata block, so
``pandoc refs.yaml -f markdown -t csljson`` converts it back to CSL-JSON.

pandoc reads every string of such a block as Markdown. So that a title such as ``A *literal* star``
or ``Don't`` reads back as written, the characters that Markdown or pandoc's smart punctuation
would interpret are escaped with a backslash, as pandoc itself does when it writes CSL YAML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from paperbib.diagnostics import Diagnostic
from paperbib.exporters.base import ExportOptions, ExportResult, TextOutput, export_by_writing, write_whole
from paperbib.exporters.csl_json import csl_item
from paperbib.model import Record

# Items per yaml.dump call: a call has a fixed set-up cost, and a batch stays small in memory.
_BATCH_ITEMS = 200


class CslYamlExporter:
    name = "csl-yaml"
    description = "CSL YAML (references: list) for pandoc --bibliography"
    suffix = ".yaml"

    def export(self, records: Sequence[Record], options: ExportOptions) -> ExportResult:
        return export_by_writing(self, records, options)

    def write(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> list[Diagnostic]:
        return write_whole(self, records, options, out)

    def write_head(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> None:
        out.write("---\nreferences:\n" if records else "---\n")

    def write_entries(
        self, records: Sequence[Record], start: int, stop: int, options: ExportOptions, out: TextOutput
    ) -> list[Diagnostic]:
        # PyYAML writes a list under a top-level key without indenting it, so a batch of items dumps
        # as the same lines on its own. The items share no objects, so no anchors appear. Batches
        # start at multiples of _BATCH_ITEMS of the whole list, whatever ``start`` is, because
        # _dump decides per batch whether to unescape \U escapes.
        batch_start = start
        while batch_start < stop:
            batch_stop = min(stop, (batch_start // _BATCH_ITEMS + 1) * _BATCH_ITEMS)
            batch = [_literal(csl_item(record, options)) for record in records[batch_start:batch_stop]]
            out.write(_dump(batch))
            batch_start = batch_stop
        return []

    def write_tail(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> None:
        out.write("...\n" if records else "references: []\n...\n")


# libyaml's dumper took a sixth of the time of PyYAML's own on 10,000 generated items. PyYAML may be
# built without it.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# libyaml writes characters outside the Basic Multilingual Plane, such as emoji, as \U escapes
# even with allow_unicode, and then double-quotes the scalar. A scalar of one line in double quotes:
_QUOTED_LINE = re.compile(r'^(?P<head>[ -]*(?:[A-Za-z0-9_-]+: )?)"(?P<body>.*)"$', re.MULTILINE)
# A \U escape, unless a backslash escapes its own backslash.
_WIDE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\U([0-9A-Fa-f]{8})")


# Characters with a Markdown or pandoc meaning anywhere in a line: emphasis, code, links, raw HTML,
# math, sub- and superscript, citations, smart quotes, and the dashes and ellipsis of runs of - or .
# A period before a space is escaped too, because after "vs." or "e.g." pandoc adds a no-break space.
_MARKDOWN_SPECIAL = re.compile(r"""[\\`*_\[\]<>$~^@'"]|-(?=-)|(?<=-)-|\.(?=[. ])|(?<=\.)\.""")
# Characters that start a block at the beginning of a line: a heading, quote, list item, numbered item.
_BLOCK_START = re.compile(r"^(?:[#>+-]|\d+(?=[.)]))", re.MULTILINE)
# An entity reference such as &amp;, which pandoc would decode.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def markdown_literal(text: str) -> str:
    """Return ``text`` escaped so that pandoc's Markdown reader gives ``text`` back unchanged.

    A line break becomes a backslash before it, Markdown's hard line break, because pandoc would
    join the lines with a space.
    """
    text = _ENTITY.sub(r"\\&", _MARKDOWN_SPECIAL.sub(r"\\\g<0>", text))
    text = _BLOCK_START.sub(_escape_block_start, text)
    return text.replace("\n", "\\\n")


def _escape_block_start(match: re.Match[str]) -> str:
    marker = match.group()
    return marker + "\\" if marker[0].isdigit() else "\\" + marker


def _literal(value: Any) -> Any:
    """Return ``value`` with every string in it passed through :func:`markdown_literal`."""
    if isinstance(value, str):
        return markdown_literal(value)
    if isinstance(value, dict):
        return {key: _literal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_literal(item) for item in value]
    return value


def _dump(value: object) -> str:
    text = yaml.dump(value, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    if "\\U" not in text:
        return text
    readable = _QUOTED_LINE.sub(_unescape_line, text)
    # The pattern of a quoted line could match other YAML too, so the readable form is used only
    # when it reads back as the same value.
    return readable if yaml.load(readable, Loader=_LOADER) == value else text


def _unescape_line(match: re.Match[str]) -> str:
    body = match.group("body")
    if "\\U" not in body:
        return match.group(0)
    return match.group("head") + '"' + _WIDE_ESCAPE.sub(_unescape_printable, body) + '"'


def _unescape_printable(match: re.Match[str]) -> str:
    character = chr(int(match.group(2), 16))
    return match.group(1) + character if character.isprintable() else match.group(0)
