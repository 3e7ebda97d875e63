"""Shared fixtures: paths, the real list, and external tools that must exist under CI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from paperbib.pipeline import Bibliography, load

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TRICKY = FIXTURES / "tricky"
PAPERS = ROOT / "papers.md"


def require_tool(name: str) -> str:
    """Return the path of program ``name``; fail under CI=true when it is missing, else skip."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed; .ci/run installs it (apt package for TeX tools, pip for others)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def papers() -> Bibliography:
    return load(str(PAPERS))


def load_tricky(name: str) -> Bibliography:
    return load(str(TRICKY / name))
