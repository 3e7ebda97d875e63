"""Reference lists and citations compared with pandoc's citeproc, given the same .csl file and CSL-JSON.

pandoc reads the CSL-JSON export exactly as written (no nocase spans). At least 95% of the entries,
and of the single-work citations, must be identical after whitespace normalisation, in each style.
docs/styles.md lists the remaining differences and why they exist.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from authors_fixture import load_author_records
from paperbib.exporters.base import ExportOptions
from paperbib.exporters.csl_json import CslJsonExporter
from paperbib.formatting import Formatter
from paperbib.formatting.markup import plain_text
from paperbib.model import Record

STYLES = (
    "apa",
    "ieee",
    "chicago-author-date",
    "harvard-cite-them-right",
    "nature",
    "nlm-citation-sequence",
    "modern-language-association",
)
MIN_AGREEMENT = 0.95

pytestmark = pytest.mark.tools


def pandoc_path() -> str:
    try:
        import pypandoc

        path = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as error:
        message = f"pandoc from pypandoc-binary is not available ({error}); pip install pypandoc-binary"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def normalise(text: str) -> str:
    return " ".join(text.split())


def pandoc_entries(
    pandoc: str, style_path: str, items_path: Path, document: str = "---\nnocite: '@*'\n---\n"
) -> list[str]:
    """pandoc's plain-text paragraphs for ``document``: by default the whole reference list."""
    command = [pandoc, "--citeproc", "--csl", style_path, "--bibliography", str(items_path)]
    command.extend(["--from", "markdown", "--to", "plain", "--wrap", "none"])
    result = subprocess.run(
        command,
        input=document,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return [normalise(entry) for entry in result.stdout.strip().split("\n\n") if entry.strip()]


def write_items(records: list[Record], tmp_path: Path) -> Path:
    items_path = tmp_path / "items.json"
    items_path.write_text(CslJsonExporter().export(records, ExportOptions()).text, encoding="utf-8")
    assert len(json.loads(items_path.read_text(encoding="utf-8"))) == len(records)
    return items_path


def agreement(records: list[Record], style: str, tmp_path: Path) -> tuple[float, list[tuple[str, str]]]:
    items_path = write_items(records, tmp_path)
    formatter = Formatter(style)
    ours = [normalise(plain_text(entry.marked)) for entry in formatter.rendered(records)]
    theirs = pandoc_entries(pandoc_path(), formatter.style.path, items_path)
    assert len(theirs) == len(ours)
    differences = [(mine, pandoc) for mine, pandoc in zip(ours, theirs, strict=True) if mine != pandoc]
    return 1 - len(differences) / len(ours), differences


@pytest.mark.parametrize("style", STYLES)
def test_papers_match_pandoc(papers, style: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ratio, differences = agreement(papers.records, style, tmp_path)
    assert ratio >= MIN_AGREEMENT, "\n".join(f"paperbib: {mine}\npandoc:   {other}" for mine, other in differences)


@pytest.mark.parametrize("style", STYLES)
def test_authors_match_pandoc(style: str, tmp_path: Path) -> None:
    ratio, differences = agreement(load_author_records(), style, tmp_path)
    assert ratio >= MIN_AGREEMENT, "\n".join(f"paperbib: {mine}\npandoc:   {other}" for mine, other in differences)


def citation_agreement(records: list[Record], style: str, tmp_path: Path) -> tuple[float, list[tuple[str, str]]]:
    """Compare the citation of each record on its own, as one paragraph per citation."""
    items_path = write_items(records, tmp_path)
    formatter = Formatter(style)
    ours = [normalise(text) for text in formatter.citations(records, [[record.key] for record in records])]
    document = "---\nsuppress-bibliography: true\n---\n\n" + "\n\n".join(f"[@{record.key}]" for record in records)
    theirs = pandoc_entries(pandoc_path(), formatter.style.path, items_path, document)
    assert len(theirs) == len(ours)
    differences = [(mine, pandoc) for mine, pandoc in zip(ours, theirs, strict=True) if mine != pandoc]
    return 1 - len(differences) / len(ours), differences


@pytest.mark.parametrize("style", STYLES)
def test_citations_match_pandoc(papers, style: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    records = [*papers.records, *load_author_records()]
    ratio, differences = citation_agreement(records, style, tmp_path)
    assert ratio >= MIN_AGREEMENT, "\n".join(f"paperbib: {mine}\npandoc:   {other}" for mine, other in differences)
