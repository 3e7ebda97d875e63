"""Step: match records to the entries of a .bib file written earlier, so keys and hand edits stay put.

A record matches an entry with the same arXiv ID (version ignored), else the same DOI (case
ignored), else the same title after LaTeX is decoded and :func:`paperbib.text.normalise_title`
is applied. The three rules run in that order over all records, so a title match never takes an
entry that another record matches by identifier, and each entry matches at most one record.

A matched record takes the entry's key (unless ``rename`` is set) and carries the entry's fields,
so that the exporter can keep the ones it does not generate (author, pages, a note...). A new
record keeps its generated key, with its identity hash appended when that key is already in the
file, so a key never moves from one paper to another.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field, replace
from typing import Any

from paperbib.errors import InputError
from paperbib.identifiers import arxiv_id_from_url, doi_from_url
from paperbib.latex import title_to_latex
from paperbib.model import Identifiers, Record
from paperbib.steps.keys import identity_hash
from paperbib.text import normalise_title

logger = logging.getLogger(__name__)

# Hand-written entries often give eprint = {arXiv:2310.01801}.
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class ExistingEntry:
    """One entry of the earlier file: key, type, and fields as written (outer braces removed)."""

    key: str
    entry_type: str
    fields: tuple[tuple[str, str], ...]
    line: int

    def value(self, name: str) -> str | None:
        for field_name, value in self.fields:
            if field_name.lower() == name:
                return value
        return None


@dataclass
class KeyReport:
    """Key changes between the earlier file and the new export."""

    kept: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"keys: {len(self.kept)} kept, {len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.renamed)} renamed"
        )

    def lines(self) -> list[str]:
        """Format one line per change for stderr: ``added KEY``, ``removed KEY``, ``renamed OLD -> NEW``."""
        out = [f"added {key}" for key in self.added]
        out.extend(f"removed {key}" for key in self.removed)
        out.extend(f"renamed {old} -> {new}" for old, new in self.renamed)
        return out

    def key_map(self) -> str:
        """Format every key as tab-separated ``change old_key new_key`` rows under a header.

        ``-`` marks a missing key.
        """
        rows = ["change\told_key\tnew_key"]
        rows.extend(f"kept\t{key}\t{key}" for key in self.kept)
        rows.extend(f"added\t-\t{key}" for key in self.added)
        rows.extend(f"removed\t{key}\t-" for key in self.removed)
        rows.extend(f"renamed\t{old}\t{new}" for old, new in self.renamed)
        return "\n".join(rows) + "\n"


@dataclass
class UpdateResult:
    records: list[Record]
    kept_fields: dict[str, tuple[tuple[str, str], ...]]  # new key -> fields of the matched entry
    report: KeyReport


def read_existing(path: str) -> list[ExistingEntry]:
    """Parse the .bib file at ``path`` with bibtexparser. Raises InputError for a block it cannot parse."""
    import bibtexparser

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 (byte offset {error.start}); convert it to UTF-8 first") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None
    splitter_log = logging.getLogger("bibtexparser.splitter")
    splitter_log.addFilter(_drop_block_reports)
    try:
        library = bibtexparser.parse_string(text)
    finally:
        splitter_log.removeFilter(_drop_block_reports)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        reason = getattr(block.error, "abort_reason", "") or str(block.error) or type(block.error).__name__
        raise InputError(
            f"{path}:{block.start_line + 1}: cannot parse the block that starts on this line: {reason.rstrip('.')}; "
            "fix or remove it, then export again"
        )
    _warn_about_dropped_blocks(path, library)
    return [
        ExistingEntry(
            entry.key,
            entry.entry_type,
            tuple((item.key, str(item.value)) for item in entry.fields),
            entry.start_line + 1,
        )
        for entry in library.entries
    ]


def _drop_block_reports(record: logging.LogRecord) -> bool:
    """Drop bibtexparser's own report of a failed block, which counts lines from 0; read_existing reports it."""
    return record.levelno > logging.WARNING


def _warn_about_dropped_blocks(path: str, library: Any) -> None:
    """Log the blocks that the rewritten file will not contain: @string, @preamble and comments."""
    dropped = [f"{len(library.strings)} @string", f"{len(library.preambles)} @preamble"]
    comments = [
        block
        for block in library.comments
        if not str(getattr(block, "comment", "")).lstrip().startswith("% Written by paperbib")
    ]
    dropped.append(f"{len(comments)} comment")
    if library.strings or library.preambles or comments:
        # @string values are already substituted into the fields that use them.
        logger.warning(
            "%s: the new file keeps entries only; dropping %s blocks (first at line %d)",
            path,
            ", ".join(dropped),
            min(block.start_line for block in [*library.strings, *library.preambles, *comments]) + 1,
        )


def update_keys(records: list[Record], existing: list[ExistingEntry], rename: bool = False) -> UpdateResult:
    """Match ``records`` to ``existing`` entries and give matched records their old keys."""
    matches = _match(records, existing)
    old_keys = {entry.key for entry in existing}
    report = KeyReport()
    updated: list[Record] = []
    kept_fields: dict[str, tuple[tuple[str, str], ...]] = {}
    taken: set[str] = set()
    for index, record in enumerate(records):
        entry = matches.get(index)
        if entry is None:
            key = record.key
            if key in old_keys or key in taken:
                key = f"{key}-{identity_hash(record)}"
            report.added.append(key)
        elif rename and entry.key != record.key:
            key = record.key
            report.renamed.append((entry.key, key))
        else:
            key = entry.key
            report.kept.append(key)
        if entry is not None:
            kept_fields[key] = entry.fields
        taken.add(key)
        updated.append(replace(record, key=key))
    matched = {entry.key for entry in matches.values()}
    report.removed = [entry.key for entry in existing if entry.key not in matched]
    return UpdateResult(updated, kept_fields, report)


def update_from_file(records: list[Record], path: str, rename: bool = False) -> UpdateResult:
    """Run :func:`update_keys` against the file at ``path``. When it does not exist yet, every key is added."""
    if not os.path.exists(path):
        logger.info("%s does not exist yet; every key is new", path)
        return UpdateResult(list(records), {}, KeyReport(added=[record.key for record in records]))
    return update_keys(records, read_existing(path), rename)


def _match(records: list[Record], existing: list[ExistingEntry]) -> dict[int, ExistingEntry]:
    rules = (
        (lambda record: record.ids.arxiv_base, _entry_arxiv),
        (lambda record: record.ids.doi.lower() if record.ids.doi else None, _entry_doi),
        (lambda record: _comparable_title(title_to_latex(record.title).value), _entry_title),
    )
    matches: dict[int, ExistingEntry] = {}
    used: set[int] = set()
    for record_value, entry_value in rules:
        index_by_value: dict[str, int] = {}
        for position, entry in enumerate(existing):
            value = entry_value(entry)
            if position not in used and value and value not in index_by_value:
                index_by_value[value] = position
        for index, record in enumerate(records):
            if index in matches:
                continue
            value = record_value(record)
            position = index_by_value.get(value) if value else None
            if position is not None and position not in used:
                matches[index] = existing[position]
                used.add(position)
    return matches


def _entry_arxiv(entry: ExistingEntry) -> str | None:
    eprint = entry.value("eprint")
    if eprint:
        return Identifiers(arxiv=_ARXIV_PREFIX.sub("", eprint.strip())).arxiv_base
    url = entry.value("url")
    found = arxiv_id_from_url(_unescape(url)) if url else None
    return Identifiers(arxiv=found).arxiv_base if found else None


def _entry_doi(entry: ExistingEntry) -> str | None:
    doi = entry.value("doi")
    if doi:
        return _unescape(doi).strip().lower()
    url = entry.value("url")
    found = doi_from_url(_unescape(url)) if url else None
    return found.lower() if found else None


def _entry_title(entry: ExistingEntry) -> str | None:
    title = entry.value("title")
    return _comparable_title(title) if title else None


def _comparable_title(latex: str) -> str | None:
    """Decode a BibTeX title to text and normalise it for comparison.

    Record titles go through title_to_latex first, so both sides decode the same macros.
    """
    from pylatexenc.latex2text import LatexNodes2Text

    text = LatexNodes2Text(math_mode="text").latex_to_text(latex)
    return normalise_title(text) or None


def _unescape(value: str) -> str:
    """Undo the backslash escapes that classic BibTeX output puts in URLs and DOIs (``\\%``, ``\\_``)."""
    return value.replace("\\%", "%").replace("\\_", "_").replace("\\#", "#").replace("\\&", "&")
