"""The sidecar file: fetched fields stored beside the list (``papers.md`` -> ``papers.meta.json``).

The file is JSON with sorted keys and two-space indents, so that it reads well in a diff and an
unchanged enrichment rewrites the same bytes::

    {
      "format": "paperbib-sidecar",
      "papers": {
        "arxiv:2310.01801": {
          "fields": {
            "authors": {"source": "dblp", "value": [{"family": "Ge", "given": "Suyu"}]},
            "doi": {"source": "crossref", "value": "10.1000/example"}
          },
          "key": "iclr2024-model-tells-discard",
          "lookups": {"arxiv": "resolved", "dblp": "resolved"},
          "title": "Model Tells You What to Discard"
        }
      },
      "version": 1
    }

Papers are keyed by :func:`paper_identity`, which does not change when other papers are added,
removed or reordered. ``key`` and ``title`` are there for the reader of the file only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from paperbib.atomic import write_atomic
from paperbib.enrich.result import FIELDS, Metadata, Status
from paperbib.errors import PaperbibError
from paperbib.model import Record
from paperbib.steps.sidecar import SUFFIX as SUFFIX
from paperbib.steps.sidecar import sidecar_path as sidecar_path
from paperbib.text import normalise_title

FORMAT = "paperbib-sidecar"
VERSION = 1


class SidecarError(PaperbibError):
    """The sidecar file cannot be read or has an invalid structure."""

    def __init__(self, path: str, line: int, detail: str) -> None:
        super().__init__(f"{path}:{line}: {detail}")
        self.path = path
        self.line = line
        self.detail = detail


@dataclass(frozen=True)
class FieldValue:
    value: Any  # a string, or a list of author objects for "authors"
    source: str


@dataclass
class SidecarEntry:
    key: str = ""
    title: str = ""
    fields: dict[str, FieldValue] = field(default_factory=dict)
    lookups: dict[str, str] = field(default_factory=dict)  # source name -> Status value

    def metadata_from(self, source: str) -> Metadata:
        """Return the fields this entry took from ``source``."""
        return Metadata.from_values({name: item.value for name, item in self.fields.items() if item.source == source})


@dataclass
class Sidecar:
    papers: dict[str, SidecarEntry] = field(default_factory=dict)


def paper_identity(record: Record) -> str:
    """Return a name for the paper that depends on the paper alone.

    The name is its arXiv ID, OpenReview id or DOI from the list, else its venue, year and normalised title.
    """
    if record.ids.arxiv_base:
        return f"arxiv:{record.ids.arxiv_base}"
    if record.ids.openreview:
        return f"openreview:{record.ids.openreview}"
    if record.ids.doi:
        return f"doi:{record.ids.doi.lower()}"
    venue = record.venue_info.id if record.venue_info is not None else (record.venue or "")
    year = record.year if record.year is not None else ""
    return f"title:{venue}:{year}:{normalise_title(record.title)}"


def read_sidecar(path: str) -> Sidecar:
    """Read and check a sidecar file; raises SidecarError naming the file, the line and the problem."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise SidecarError(path, 1, f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise SidecarError(path, 1, f"not UTF-8 ({error.reason})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SidecarError(path, error.lineno, f"invalid JSON: {error.msg}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SidecarError(path, 1, f'not a paperbib sidecar (expected "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise SidecarError(
            path,
            1,
            f"sidecar version {data.get('version')!r} is not supported (expected {VERSION}); run paperbib enrich again",
        )
    papers = data.get("papers", {})
    if not isinstance(papers, dict):
        raise SidecarError(path, 1, '"papers" must be an object')
    sidecar = Sidecar()
    for identity, raw in papers.items():
        try:
            sidecar.papers[identity] = _entry_from_json(raw)
        except ValueError as error:
            raise SidecarError(path, _line_of(text, identity), f"paper {identity!r}: {error}") from None
    return sidecar


def dumps(sidecar: Sidecar) -> str:
    papers = {}
    for identity, entry in sidecar.papers.items():
        papers[identity] = {
            "key": entry.key,
            "title": entry.title,
            "fields": {name: {"value": item.value, "source": item.source} for name, item in entry.fields.items()},
            "lookups": dict(entry.lookups),
        }
    data = {"format": FORMAT, "version": VERSION, "papers": papers}
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_sidecar(path: str, sidecar: Sidecar) -> None:
    write_atomic(path, dumps(sidecar).encode("utf-8"))


def _entry_from_json(raw: Any) -> SidecarEntry:
    if not isinstance(raw, dict):
        raise ValueError("expected an object")
    fields_raw = raw.get("fields", {})
    lookups = raw.get("lookups", {})
    if not isinstance(fields_raw, dict):
        raise ValueError('"fields" must be an object')
    if not isinstance(lookups, dict) or not all(isinstance(value, str) for value in lookups.values()):
        raise ValueError('"lookups" must map source names to status strings')
    known_statuses = {status.value for status in Status if status is not Status.NOT_LOOKED_UP}
    for source, status in lookups.items():
        if status not in known_statuses:
            raise ValueError(f"lookup {source!r} has unknown status {status!r}")
    fields: dict[str, FieldValue] = {}
    for name, item in fields_raw.items():
        if name not in FIELDS:
            raise ValueError(f"unknown field {name!r}; known fields: {', '.join(FIELDS)}")
        if not isinstance(item, dict) or not isinstance(item.get("source"), str) or "value" not in item:
            raise ValueError(f'field {name!r} must be an object with "value" and "source"')
        Metadata.from_values({name: item["value"]})  # raises ValueError on a value of the wrong type
        fields[name] = FieldValue(item["value"], item["source"])
    return SidecarEntry(
        key=str(raw.get("key", "")), title=str(raw.get("title", "")), fields=fields, lookups=dict(lookups)
    )


def _line_of(text: str, identity: str) -> int:
    """Return the line where ``identity`` is first written as a key, or 1 when it cannot be found."""
    position = text.find(json.dumps(identity, ensure_ascii=False) + ":")
    return text.count("\n", 0, position) + 1 if position >= 0 else 1
