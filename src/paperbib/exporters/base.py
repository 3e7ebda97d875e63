"""The exporter interface: records in, the text of one file out, whole or as a stream."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from paperbib.diagnostics import Diagnostic
from paperbib.model import Record


@dataclass(frozen=True)
class ExportOptions:
    """Settings shared by all exporters; an exporter ignores those that do not apply to it."""

    source_name: str = ""
    bib_encoding: str = "latex"  # latex: ASCII with LaTeX macros; utf8: UTF-8 kept, for biber/xelatex
    booktitle: str = "long"  # long (as DBLP writes it) or short
    # Record key -> the fields of its entry in an earlier file (see paperbib.steps.update). Exporters
    # with ``updatable = True`` keep the ones they do not generate; others ignore this.
    kept_fields: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class ExportResult:
    text: str
    diagnostics: list[Diagnostic] = field(default_factory=list)


class TextOutput(Protocol):
    """The destination of a streaming exporter: an open text file, ``io.StringIO``, or anything with ``write(str)``."""

    def write(self, text: str, /) -> object: ...


class Exporter(Protocol):
    """The interface of a format plugin, registered under the ``paperbib.exporters`` entry-point group."""

    name: ClassVar[str]
    description: ClassVar[str]
    suffix: ClassVar[str]

    def export(self, records: Sequence[Record], options: ExportOptions) -> ExportResult: ...


class StreamingExporter(Exporter, Protocol):
    """An exporter that can also write its text piece by piece, so that large lists are never held whole.

    ``write`` writes to ``out`` the text that ``export`` returns, and returns the same diagnostics.
    """

    def write(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> list[Diagnostic]: ...


class PartedExporter(StreamingExporter, Protocol):
    """A streaming exporter whose text is a head, then the entries of the records in order, then a tail.

    ``write_entries(records, start, stop, options, out)`` writes the entries of
    ``records[start:stop]`` and returns their diagnostics. It gets the whole sequence and the
    positions, not a slice, because the text between entries may depend on the position (no comma
    before the first element of a JSON array). Writing the head, then the entries of consecutive
    slices that cover ``records`` in order, then the tail gives the text of ``write``, and the
    diagnostics of the slices, joined in order, are those of ``write``. So the slices can be
    written by different processes and joined (see :mod:`paperbib.exporters.parts`).

    An exporter may also set ``standalone_entries = True``: the text and diagnostics of the entry at
    a position after the first then depend on its record only, so that a helper can write entries
    before their positions are known (see :mod:`paperbib.exporters.ahead`).
    """

    def write_head(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> None: ...

    def write_entries(
        self, records: Sequence[Record], start: int, stop: int, options: ExportOptions, out: TextOutput
    ) -> list[Diagnostic]: ...

    def write_tail(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> None: ...


def write_whole(
    exporter: PartedExporter, records: Sequence[Record], options: ExportOptions, out: TextOutput
) -> list[Diagnostic]:
    """Write the head, all entries and the tail: ``write`` for a :class:`PartedExporter`."""
    exporter.write_head(records, options, out)
    diagnostics = exporter.write_entries(records, 0, len(records), options, out)
    exporter.write_tail(records, options, out)
    return diagnostics


class _Pieces(list[str]):
    """A list of the written pieces of text, joined once at the end: cheaper than ``io.StringIO`` on large output."""

    write = list.append


def export_by_writing(exporter: StreamingExporter, records: Sequence[Record], options: ExportOptions) -> ExportResult:
    """Return the whole text that ``exporter.write`` produces: ``export`` for exporters that stream."""
    pieces = _Pieces()
    diagnostics = exporter.write(records, options, pieces)
    return ExportResult("".join(pieces), diagnostics)


def write_records(
    exporter: Exporter, records: Sequence[Record], options: ExportOptions, out: TextOutput
) -> list[Diagnostic]:
    """Write the export of ``records`` to ``out`` and return its diagnostics.

    Uses the exporter's ``write`` when it has one, and otherwise writes the text of its ``export``,
    so that plugins written for the interface without ``write`` keep working.
    """
    write = getattr(exporter, "write", None)
    if callable(write):
        diagnostics: list[Diagnostic] = write(records, options, out)
        return diagnostics
    result = exporter.export(records, options)
    out.write(result.text)
    return result.diagnostics
