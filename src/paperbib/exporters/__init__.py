"""Exporters, found through the ``paperbib.exporters`` entry-point group.

A package adds a format by declaring, in its ``pyproject.toml``::

    [project.entry-points."paperbib.exporters"]
    myformat = "mypackage.module:MyExporter"

where ``MyExporter`` follows :class:`paperbib.exporters.base.Exporter`.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from paperbib.exporters.base import Exporter, ExportOptions, ExportResult

GROUP = "paperbib.exporters"

__all__ = ["GROUP", "ExportOptions", "ExportResult", "Exporter", "available", "get_exporter"]


def available() -> list[str]:
    """Names of the installed exporters, sorted."""
    return sorted({entry.name for entry in entry_points(group=GROUP)})


def get_exporter(name: str) -> Exporter:
    """Load and instantiate the exporter registered as ``name``; raises KeyError when none is."""
    for entry in entry_points(group=GROUP):
        if entry.name == name:
            exporter_class = entry.load()
            return exporter_class()
    raise KeyError(name)
