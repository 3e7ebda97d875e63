"""Findings about an input: skipped lines, warnings and notes, each tied to a ``file:line``."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from paperbib.model import Location


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Code(enum.Enum):
    """Stable finding codes; the value is what users see and may filter on."""

    SKIPPED_LINE = "PB100"  # a line that looks like a paper but could not be read
    UNCLOSED_LINK = "PB101"
    EMPTY_TITLE = "PB102"
    NO_LINKS = "PB103"
    MALFORMED_URL = "PB104"
    MALFORMED_LINK = "PB105"  # a reference link without definition, or an invalid arXiv ID in the text or a link
    RESOURCE_ENTRY = "PB106"  # an entry in a software, dataset or other non-paper section
    CONTROL_CHARACTER = "PB107"  # control characters or terminal escape sequences removed from a line
    NO_VENUE = "PB110"
    NO_YEAR = "PB111"
    UNKNOWN_VENUE = "PB112"
    YEAR_FROM_ARXIV = "PB113"  # a preprint's year read from its arXiv ID, or a heading year that differs from it
    DUPLICATE = "PB120"
    DUPLICATE_TITLE = "PB121"
    EMPTY_HEADING = "PB130"
    NO_PAPERS = "PB131"  # a whole file without a single paper
    UNMAPPED_CHARACTER = "PB140"
    NEEDS_UNICODE_ENGINE = "PB141"
    ENRICH_CONFLICT = "PB150"  # a fetched value differs from the list's or the catalogue's
    ENRICH_AMBIGUOUS = "PB151"
    ENRICH_NOT_FOUND = "PB152"
    ENRICH_FAILED = "PB153"
    SIDECAR_INVALID = "PB154"
    SIDECAR_ORPHAN = "PB155"  # a sidecar entry that matches no paper of the list


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    severity: Severity
    code: Code
    message: str

    @property
    def skipped(self) -> bool:
        """True when the line was not turned into a paper."""
        return self.code in _SKIP_CODES

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}: {self.message} [{self.code.value}]"


_SKIP_CODES = {Code.SKIPPED_LINE, Code.UNCLOSED_LINK, Code.EMPTY_TITLE, Code.RESOURCE_ENTRY}
