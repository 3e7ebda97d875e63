"""Exporters, found through the ``paperbib.exporters`` entry-point group.

A package adds a format by declaring, in its ``pyproject.toml``::

    [project.entry-points."paperbib.exporters"]
    myformat = "mypackage.module:MyExporter"

where ``MyExporter`` follows :class:`paperbib.exporters.base.Exporter`. docs/plugins.md describes
the interface.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from paperbib.errors import PluginError
from paperbib.exporters.base import (
    Exporter,
    ExportOptions,
    ExportResult,
    PartedExporter,
    StreamingExporter,
    TextOutput,
    write_records,
    write_whole,
)

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

GROUP = "paperbib.exporters"

# paperbib's own exporters, as pyproject.toml registers them. A built-in name is loaded without
# reading the entry points of every installed package, which means importing importlib.metadata
# (15 ms or more per export under python -X importtime). A plugin cannot replace a built-in format.
BUILT_IN = {
    "biblatex": "paperbib.exporters.biblatex:BiblatexExporter",
    "bibtex": "paperbib.exporters.bibtex:BibtexExporter",
    "csl-json": "paperbib.exporters.csl_json:CslJsonExporter",
    "csl-yaml": "paperbib.exporters.csl_yaml:CslYamlExporter",
    "ris": "paperbib.exporters.ris:RisExporter",
}

__all__ = [
    "BUILT_IN",
    "GROUP",
    "ExportOptions",
    "ExportResult",
    "Exporter",
    "PartedExporter",
    "PluginError",
    "StreamingExporter",
    "TextOutput",
    "available",
    "get_exporter",
    "write_records",
    "write_whole",
]


def available() -> list[str]:
    """Return the names of the installed exporters, sorted."""
    from importlib.metadata import entry_points

    return sorted({*BUILT_IN, *(entry.name for entry in entry_points(group=GROUP))})


def get_exporter(name: str) -> Exporter:
    """Load and instantiate the exporter registered as ``name``.

    Raises KeyError when no package registers ``name``, and PluginError when the registered
    object cannot be imported, instantiated, or lacks ``export``. A built-in name always gives
    paperbib's own exporter. When two plugins register the same name, the first one that
    importlib.metadata lists is used.
    """
    if name in BUILT_IN:
        module_name, _, class_name = BUILT_IN[name].partition(":")
        return getattr(importlib.import_module(module_name), class_name)()
    from importlib.metadata import entry_points

    for entry in entry_points(group=GROUP):
        if entry.name == name:
            return _load(entry)
    raise KeyError(name)


def _load(entry: EntryPoint) -> Exporter:
    package = entry.dist.name if entry.dist is not None else "an unknown package"
    where = f"exporter {entry.name!r} ({entry.value}, from {package})"
    try:
        exporter = entry.load()()
    except Exception as error:  # any import-time or constructor error of third-party code
        raise PluginError(
            f"{where} failed to load: {type(error).__name__}: {error}; reinstall or uninstall {package}"
        ) from error
    if not callable(getattr(exporter, "export", None)):
        raise PluginError(f"{where} has no export() method; see docs/plugins.md for the interface")
    return exporter
