"""CSL YAML export: the CSL-JSON items as the YAML bibliography that pandoc users keep.

The file is one YAML document with a ``references`` list, framed by ``---`` and ``...``. That is
the form pandoc reads with ``--bibliography refs.yaml``, and also a Markdown metadata block, so
``pandoc refs.yaml -f markdown -t csljson`` converts it back to CSL-JSON.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from paperbib.exporters.base import ExportOptions, ExportResult
from paperbib.exporters.csl_json import csl_item
from paperbib.model import Record


class CslYamlExporter:
    name = "csl-yaml"
    description = "CSL YAML (references: list) for pandoc --bibliography"
    suffix = ".yaml"

    def export(self, records: Sequence[Record], options: ExportOptions) -> ExportResult:
        document = {"references": [csl_item(record, options) for record in records]}
        body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
        return ExportResult(f"---\n{body}...\n")
