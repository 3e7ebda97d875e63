"""Exceptions for input and output problems that the CLI reports as one line."""

from __future__ import annotations


class PaperbibError(Exception):
    """A problem with the user's input or output files, reported without a traceback."""


class InputError(PaperbibError):
    """The input cannot be read: missing, not UTF-8, empty or without papers."""


class ExportError(PaperbibError):
    """A record cannot be written safely in the requested format."""


class PluginError(PaperbibError):
    """An installed plugin cannot be loaded or does not follow the plugin interface."""
