"""Step: merge bullets that list the same paper.

Two bullets are the same paper when they share an arXiv ID (ignoring the version), or when they
have the same normalised title in the same venue and year and no conflicting paper link. Bullets
with the same title but different paper links stay separate papers and get a warning.
"""

from __future__ import annotations

from dataclasses import replace

from paperbib.diagnostics import Code, Diagnostic, Severity
from paperbib.messages import quote
from paperbib.model import Identifiers, Record
from paperbib.text import normalise_title


def dedupe(records: list[Record], normalised: dict[str, str] | None = None) -> tuple[list[Record], list[Diagnostic]]:
    """Merge the records that list the same paper; ``normalised`` maps titles to ``normalise_title``, computed ahead."""
    diagnostics: list[Diagnostic] = []
    kept: list[Record] = []
    by_arxiv: dict[str, int] = {}
    by_title: dict[tuple[str, str, int | None], list[int]] = {}
    # The comparison form of each title, computed once: a merged record keeps the title of one of its two records.
    normalised = {} if normalised is None else dict(normalised)
    for record in records:
        title_key = _title_key(record, normalised)
        arxiv = record.ids.arxiv_base
        target = by_arxiv.get(arxiv) if arxiv else None
        if target is None and title_key is not None:
            target = _find_same_title(record, title_key, kept, by_title)
        if target is None:
            # A paper seen for the first time. Most papers of a list are, so _register is inlined here.
            index = len(kept)
            kept.append(record)
            if arxiv:
                by_arxiv.setdefault(arxiv, index)
            if title_key is not None:
                by_title.setdefault(title_key, []).append(index)
            continue
        original = kept[target]
        kept[target] = _merge(original, record)
        message = f"{quote(record.title)} is the same paper as {original.location}; the two are merged"
        chosen = kept[target].ids.arxiv
        other = next((ids.arxiv for ids in (original.ids, record.ids) if _is_other_version(ids, chosen)), None)
        if other is not None:
            message += f" as arXiv:{chosen}, the highest version; the link to arXiv:{other} is kept as an extra link"
        diagnostics.append(Diagnostic(record.location, Severity.WARNING, Code.DUPLICATE, message))
        _register(kept[target], _title_key(kept[target], normalised), target, by_arxiv, by_title)
    for indexes in by_title.values():
        if len(indexes) > 1:
            first = kept[indexes[0]]
            for index in indexes[1:]:
                other = kept[index]
                diagnostics.append(
                    Diagnostic(
                        other.location,
                        Severity.WARNING,
                        Code.DUPLICATE_TITLE,
                        f"same title as {first.location} but a different paper link; kept as two papers",
                    )
                )
    return kept, diagnostics


def _title_key(record: Record, normalised: dict[str, str]) -> tuple[str, str, int | None] | None:
    """The title, venue and year a duplicate must share; None for a title with nothing to compare.

    ``normalised`` caches ``normalise_title`` by title.
    """
    title = normalised.get(record.title)
    if title is None:
        title = normalised[record.title] = normalise_title(record.title)
    if not title:
        return None
    venue = record.venue_info.id if record.venue_info else (record.venue or "")
    return title, venue, record.year


def _find_same_title(
    record: Record,
    title_key: tuple[str, str, int | None],
    kept: list[Record],
    by_title: dict[tuple[str, str, int | None], list[int]],
) -> int | None:
    """Return the index of a kept record with ``title_key`` and no conflicting link, or None."""
    for index in by_title.get(title_key, ()):
        if _compatible(kept[index], record):
            return index
    return None


def _compatible(first: Record, second: Record) -> bool:
    """Return True when no paper link or arXiv ID differs between the two bullets."""
    if first.paper_url and second.paper_url and first.paper_url != second.paper_url:
        return False
    first_arxiv, second_arxiv = first.ids.arxiv_base, second.ids.arxiv_base
    return not (first_arxiv and second_arxiv and first_arxiv != second_arxiv)


def _register(
    record: Record,
    title_key: tuple[str, str, int | None] | None,
    index: int,
    by_arxiv: dict[str, int],
    by_title: dict[tuple[str, str, int | None], list[int]],
) -> None:
    arxiv = record.ids.arxiv_base
    if arxiv:
        by_arxiv.setdefault(arxiv, index)
    if title_key is None:
        return
    indexes = by_title.setdefault(title_key, [])
    if index not in indexes:
        indexes.append(index)


def _merge(original: Record, duplicate: Record) -> Record:
    """Combine two listings of one paper.

    The listing with a published venue wins over a preprint or venue-less one, so a paper listed
    under arXiv and later under ICLR becomes the ICLR paper. Links and identifiers are united, and
    the arXiv ID keeps the highest version given.
    """
    primary, secondary = (duplicate, original) if _rank(duplicate) < _rank(original) else (original, duplicate)
    urls = {link.url for link in primary.links}
    links = primary.links + [link for link in secondary.links if link.url not in urls]
    ids = Identifiers(
        **{
            name: getattr(primary.ids, name) or getattr(secondary.ids, name)
            for name in Identifiers.__dataclass_fields__
        }
    )
    ids = replace(ids, arxiv=_newest_arxiv(primary.ids.arxiv, secondary.ids.arxiv))
    others = sorted({original.location, duplicate.location, *original.duplicates} - {primary.location})
    return replace(
        primary,
        links=links,
        ids=ids,
        authors=primary.authors or secondary.authors,
        note=primary.note or secondary.note,
        duplicates=others,
    )


def _is_other_version(ids: Identifiers, chosen: str | None) -> bool:
    """True when ``ids`` names a version of the arXiv paper ``chosen`` other than ``chosen`` itself."""
    return bool(ids.arxiv) and ids.arxiv != chosen and ids.arxiv != ids.arxiv_base


def _rank(record: Record) -> int:
    """0 for a paper with a published venue, 1 for a preprint or a paper without a venue."""
    info = record.venue_info
    return 0 if info is not None and info.kind != "preprint" else 1


def _newest_arxiv(first: str | None, second: str | None) -> str | None:
    candidates = [arxiv for arxiv in (first, second) if arxiv]
    if not candidates:
        return None

    def version(arxiv: str) -> int:
        head, sep, tail = arxiv.rpartition("v")
        return int(tail) if sep and tail.isdigit() and head[-1:].isdigit() else 0

    return max(candidates, key=version)
