"""Shared fixtures: paths, the real list, and external tools that must exist under CI."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
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


@pytest.fixture
def started_children(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, for each child that forking.start starts, whether it takes a request (has ``follow``)."""
    from paperbib import forking

    started: list[bool] = []
    real_start = forking.start

    def counting_start(
        function: Callable[[], forking.Message], follow: Callable[[], Callable[[bytes], forking.Message]] | None = None
    ) -> forking.ForkedCall | None:
        call = real_start(function, follow)
        if call is not None:
            started.append(follow is not None)
        return call

    monkeypatch.setattr(forking, "start", counting_start)
    return started


def no_children_left() -> bool:
    """True when this process has no child process left to reap."""
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.fixture
def child_writer_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every forked child fail where it would write entries; the parent writes them then."""
    from paperbib.exporters import parts

    parent = os.getpid()
    real_entries = parts._encoded_entries

    def fail_in_child(*arguments: object) -> list[bytes]:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return real_entries(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(parts, "_encoded_entries", fail_in_child)
