"""Helpers for export tests: every input the tests export, and the export itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import PAPERS, TRICKY
from paperbib.exporters import ExportOptions, get_exporter
from paperbib.pipeline import Bibliography, load

# The one fixture that is not UTF-8, with the codec that reads it.
FIXTURE_ENCODINGS = {"latin1.md": "latin-1"}


def inputs() -> list[Path]:
    """papers.md and every tricky fixture."""
    return [PAPERS, *sorted(TRICKY.glob("*.md"))]


def load_input(path: Path) -> Bibliography:
    return load(str(path), encoding=FIXTURE_ENCODINGS.get(path.name))


def export_text(format_name: str, bibliography: Bibliography, **options: str) -> str:
    exporter = get_exporter(format_name)
    result = exporter.export(bibliography.records, ExportOptions(source_name=bibliography.source_name, **options))
    return result.text


def pandoc_path() -> str:
    """The pandoc binary of pypandoc-binary; fails under CI=true when it is missing, else skips."""
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as error:
        message = f"pandoc is not available ({error}); .ci/run installs pypandoc-binary"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
