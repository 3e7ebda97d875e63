"""Exporters, found through the ``paperbib.exporters`` entry-point group.

A package adds a format by declaring, in its ``pyproject.toml``::

    [project.entry-points."paperbib.exporters"]
    myformat = "mypackage.module:MyExporter"

where ``MyExporter`` follows :class:`paperbib.exporters.base.Exporter`. docs/plugins.md describes
the interface.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from paperbib.errors import PluginError
from paperbib.exporters.base import Exporter, ExportOptions, ExportResult, StreamingExporter, TextOutput, write_records

GROUP = "paperbib.exporters"

__all__ = [
    "GROUP",
    "ExportOptions",
    "ExportResult",
    "Exporter",
    "PluginError",
    "StreamingExporter",
    "TextOutput",
    "available",
    "get_exporter",
    "write_records",
]


def available() -> list[str]:
    """Names of the installed exporters, sorted."""
    return sorted({entry.name for entry in entry_points(group=GROUP)})


def get_exporter(name: str) -> Exporter:
    """Load and instantiate the exporter registered as ``name``.

    Raises KeyError when no package registers ``name``, and PluginError when the registered
    object cannot be imported, instantiated, or lacks ``export``. When two packages register the
    same name, the first one that importlib.metadata lists is used.
    """
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
