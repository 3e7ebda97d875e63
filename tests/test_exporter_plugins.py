from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import PAPERS, ROOT
from paperbib import exporters
from paperbib.exporters import GROUP, available, get_exporter

PLUGIN_PACKAGE = ROOT / "tests" / "plugin_package"
BUILT_IN = {"bibtex", "biblatex", "csl-json", "csl-yaml", "ris"}


@pytest.fixture(scope="session")
def plugin_path(tmp_path_factory) -> Path:
    """The example plugin installed into a folder of its own, visible only to subprocesses given it on PYTHONPATH.

    Installing into the test interpreter's site-packages would add the plugin to every other test's
    --to listing.
    """
    work = tmp_path_factory.mktemp("plugin")
    source = work / "source"
    shutil.copytree(PLUGIN_PACKAGE, source)  # the build writes egg-info and build/ next to the sources
    target = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(source)],
        check=True,
        capture_output=True,
    )
    return target


def paperbib(plugin_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(plugin_path), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [sys.executable, "-m", "paperbib", *arguments], capture_output=True, text=True, env=environment
    )


def test_built_in_table_matches_pyproject():
    with open(ROOT / "pyproject.toml", "rb") as handle:
        declared = tomllib.load(handle)["project"]["entry-points"][GROUP]
    assert declared == exporters.BUILT_IN


def test_export_skips_entry_point_scan():
    # Loading a built-in exporter must not import importlib.metadata, which costs every export 15 ms or more.
    code = (
        "import sys; from paperbib.exporters import get_exporter; get_exporter('bibtex'); "
        "print('importlib.metadata' in sys.modules)"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "False"


def test_built_in_exporters_are_entry_points():
    assert set(available()) >= BUILT_IN
    for name in BUILT_IN:
        exporter = get_exporter(name)
        assert exporter.name == name
        assert exporter.description
        assert exporter.suffix.startswith(".")


def test_plugin_does_not_leak_into_this_process(plugin_path):
    assert "titles" not in available()


def test_help_lists_installed_plugin(plugin_path):
    run = paperbib(plugin_path, "export", "--to", "help")
    assert run.returncode == 0, run.stderr
    names = [line.split("\t")[0] for line in run.stdout.splitlines()]
    assert set(names) >= BUILT_IN | {"titles", "broken"}
    assert "titles\tTab-separated citation keys and titles (example plugin)" in run.stdout


def test_plugin_exports(papers, plugin_path):
    run = paperbib(plugin_path, "export", "--to", "titles", str(PAPERS))
    assert run.returncode == 0, run.stderr
    rows = [line.split("\t") for line in run.stdout.splitlines()]
    assert rows == [[record.key, record.title] for record in papers.records]


def test_broken_plugin_is_reported(plugin_path):
    listing = paperbib(plugin_path, "export", "--to", "help")
    broken = next(line for line in listing.stdout.splitlines() if line.startswith("broken\t"))
    assert "(not usable)" in broken
    assert "ModuleNotFoundError" in broken
    run = paperbib(plugin_path, "export", "--to", "broken", str(PAPERS))
    assert run.returncode == 1
    assert "exporter 'broken' (paperbib_titles.missing:Exporter, from paperbib-titles) failed to load" in run.stderr
    assert "Traceback" not in run.stderr


def test_unknown_format_lists_installed(plugin_path):
    run = paperbib(plugin_path, "export", "--to", "nosuch", str(PAPERS))
    assert run.returncode == 2
    assert "unknown format 'nosuch'" in run.stderr
    assert "titles" in run.stderr
