"""CSL YAML export: the CSL-JSON items as the YAML bibliography that pandoc users keep.

The file is one YAML document with a ``references`` list, framed by ``---`` and ``...``. That is
the form pandoc reads with ``--bibliography refs.yaml``, and also a Markdown metadata block, so
``pandoc refs.yaml -f markdown -t csljson`` converts it back to CSL-JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from paperbib.diagnostics import Diagnostic
from paperbib.exporters.base import ExportOptions, ExportResult, TextOutput, export_by_writing
from paperbib.exporters.csl_json import csl_item
from paperbib.model import Record

# Items per yaml.safe_dump call: a call has a fixed set-up cost, and a batch stays small in memory.
_BATCH_ITEMS = 200


class CslYamlExporter:
    name = "csl-yaml"
    description = "CSL YAML (references: list) for pandoc --bibliography"
    suffix = ".yaml"

    def export(self, records: Sequence[Record], options: ExportOptions) -> ExportResult:
        return export_by_writing(self, records, options)

    def write(self, records: Sequence[Record], options: ExportOptions, out: TextOutput) -> list[Diagnostic]:
        # PyYAML writes a list under a top-level key without indenting it, so a batch of items dumps
        # as the same lines on its own. The items share no objects, so no anchors appear.
        out.write("---\n")
        batch: list[dict[str, Any]] = []
        empty = True
        for record in records:
            if empty:
                out.write("references:\n")
                empty = False
            batch.append(csl_item(record, options))
            if len(batch) == _BATCH_ITEMS:
                out.write(_dump(batch))
                batch.clear()
        if batch:
            out.write(_dump(batch))
        out.write("references: []\n...\n" if empty else "...\n")
        return []


def _dump(value: object) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
