"""The exporter interface: records in, the text of one file out."""

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


class Exporter(Protocol):
    """The interface of a format plugin, registered under the ``paperbib.exporters`` entry-point group."""

    name: ClassVar[str]
    description: ClassVar[str]
    suffix: ClassVar[str]

    def export(self, records: Sequence[Record], options: ExportOptions) -> ExportResult: ...
