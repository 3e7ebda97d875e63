"""An exporter plugin for paperbib that writes one ``key<TAB>title`` line per paper."""

from __future__ import annotations

from collections.abc import Sequence

from paperbib.exporters import ExportOptions, ExportResult
from paperbib.model import Record


class TitlesExporter:
    name = "titles"
    description = "Tab-separated citation keys and titles (example plugin)"
    suffix = ".tsv"

    def export(self, records: Sequence[Record], options: ExportOptions) -> ExportResult:
        lines = [f"{record.key}\t{record.title}" for record in records]
        return ExportResult("\n".join(lines) + "\n")
