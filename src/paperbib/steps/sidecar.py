"""Step: merge the fields that ``paperbib enrich`` stored in the sidecar file beside the input.

Reading the sidecar never stops an export: an unreadable file is reported and skipped.
"""

from __future__ import annotations

import os

from paperbib.diagnostics import Code, Diagnostic, Severity
from paperbib.messages import plural
from paperbib.model import Location, Record
from paperbib.source import STDIN

# The sidecar of papers.md is papers.meta.json. It is named here, not in paperbib.enrich.sidecar,
# so that an export finds it without importing the enrich modules.
SUFFIX = ".meta.json"


def sidecar_path(input_path: str) -> str | None:
    """Return the sidecar path of an input file: the extension replaced by ``.meta.json``, or None for stdin."""
    if input_path == STDIN:
        return None
    return os.path.splitext(input_path)[0] + SUFFIX


def apply_sidecar(records: list[Record], path: str | None) -> tuple[list[Record], list[Diagnostic]]:
    """Merge the sidecar at ``path`` into ``records``; without a file at ``path`` nothing changes."""
    if path is None or not os.path.isfile(path):
        return records, []
    # Imported here because most exports have no sidecar and need none of the enrich modules.
    from paperbib.enrich.merge import merge_entry
    from paperbib.enrich.runner import unique_identities
    from paperbib.enrich.sidecar import SidecarError, paper_identity, read_sidecar

    try:
        sidecar = read_sidecar(path)
    except SidecarError as error:
        return records, [
            Diagnostic(
                Location(error.path, error.line),
                Severity.WARNING,
                Code.SIDECAR_INVALID,
                f"{error.detail}; the fetched fields are not used (run paperbib enrich to rewrite the file)",
            )
        ]
    # Papers that share an identity are left alone, because ``paperbib enrich`` reports and skips them.
    unique, _ = unique_identities(records)
    diagnostics: list[Diagnostic] = []
    merged: list[Record] = []
    used: set[str] = set()
    for record in records:
        identity = paper_identity(record)
        entry = sidecar.papers.get(identity) if unique.get(identity) is record else None
        if entry is None:
            merged.append(record)
            continue
        used.add(identity)
        record, findings = merge_entry(record, entry)
        merged.append(record)
        diagnostics.extend(findings)
    unused = sorted(set(sidecar.papers) - used)
    if unused:
        diagnostics.append(
            Diagnostic(
                Location(path, 1),
                Severity.INFO,
                Code.SIDECAR_ORPHAN,
                f"{plural(len(unused), 'sidecar entry')} without a paper in the list (first: {unused[0]}); "
                "paperbib enrich removes them",
            )
        )
    return merged, diagnostics
