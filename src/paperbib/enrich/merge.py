"""Merging fetched fields into a record: the list's values win, and every disagreement is reported.

The venue catalogue's volume and publisher also win over fetched ones, because the catalogue was
checked against the proceedings. A differing official title is reported, and the list's title kept.
"""

from __future__ import annotations

from dataclasses import replace

from paperbib.diagnostics import Code, Diagnostic, Severity
from paperbib.enrich.result import Metadata
from paperbib.enrich.sidecar import SidecarEntry
from paperbib.model import Author, Record
from paperbib.text import normalise_title


def merge_entry(record: Record, entry: SidecarEntry) -> tuple[Record, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []

    def report(severity: Severity, message: str) -> None:
        diagnostics.append(Diagnostic(record.location, severity, Code.ENRICH_CONFLICT, f"{record.key}: {message}"))

    changes: dict[str, object] = {}
    for name, item in entry.fields.items():
        fetched = Metadata.from_values({name: item.value})
        source = item.source
        if name == "authors":
            if not record.authors:
                changes["authors"] = list(fetched.authors)
            elif _author_names(record.authors) != _author_names(fetched.authors):
                report(
                    Severity.WARNING,
                    f"{source} gives the authors {_show(fetched.authors)}, the list gives {_show(record.authors)}; "
                    "the list's authors are kept",
                )
        elif name == "doi":
            if not record.ids.doi:
                changes["ids"] = replace(record.ids, doi=fetched.doi)
            elif record.ids.doi.lower() != fetched.doi.lower():
                report(
                    Severity.WARNING,
                    f"{source} gives the DOI {fetched.doi}, the list links to {record.ids.doi}; the list's DOI is kept",
                )
        elif name == "title":
            if normalise_title(fetched.title) != normalise_title(record.title):
                report(Severity.INFO, f"the title in {source} is {fetched.title!r}; the list's title is kept")
        elif name in ("volume", "publisher"):
            catalogue_value = getattr(record.venue_info, name, "") if record.venue_info is not None else ""
            value = getattr(fetched, name)
            if not catalogue_value:
                changes[name] = value
            elif " ".join(catalogue_value.lower().split()) != " ".join(value.lower().split()):
                report(
                    Severity.INFO,
                    f"{source} gives the {name} {value!r}, the venue catalogue {catalogue_value!r}; "
                    "the catalogue's value is kept",
                )
        elif name == "pages":
            changes["pages"] = fetched.pages
    return replace(record, **changes), diagnostics  # type: ignore[arg-type]


def _author_names(authors: list[Author] | tuple[Author, ...]) -> list[str]:
    """Names in a comparison form that ignores case, accents written differently and the split into parts."""
    return [normalise_title(author.display()) for author in authors]


def _show(authors: list[Author] | tuple[Author, ...]) -> str:
    names = [author.display() for author in authors]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return repr(shown)
