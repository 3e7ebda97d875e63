"""Formatting a list: resolve the style once, pick its engine, write entries with an output writer."""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from paperbib.errors import PaperbibError
from paperbib.exporters.base import ExportOptions
from paperbib.formatting.csl_engine import CslEngine, RenderedEntry, UnknownKeyError
from paperbib.formatting.csl_input import citeproc_items
from paperbib.formatting.fast import FastCslEngine
from paperbib.formatting.styles import CSL, ResolvedStyle, resolve_style
from paperbib.formatting.writers import Writer, get_writer
from paperbib.model import Record

if TYPE_CHECKING:
    from paperbib.formatting.pybtex_engine import PybtexEngine

OUTPUT_FORMATS = ("text", "html", "markdown", "latex", "rst")


class StyleError(PaperbibError):
    """A style that the citation engine cannot apply."""


@dataclass(frozen=True)
class FormattedList:
    """A written reference list: the whole document and each entry on its own."""

    text: str
    entries: list[str]
    keys: list[str]


class Formatter:
    """One style and one output format, for any number of lists and citations.

    The style file is parsed once, when the formatter is created. Formatting the same records
    twice gives the same text.
    """

    def __init__(self, style: str, output: str = "text", locale: str | None = None, fast: bool = True) -> None:
        """Resolve ``style`` and parse it. ``fast=False`` formats CSL styles without the caches of
        ``formatting.fast``, which give the same text; it exists to compare the two."""
        self.style: ResolvedStyle = resolve_style(style)
        self.writer: Writer = get_writer(output)
        self.engine: CslEngine | PybtexEngine
        if self.style.engine == CSL:
            engine_class = FastCslEngine if fast else CslEngine
            self.engine = engine_class(self.style.path, locale)
        else:
            # Imported here because importing pybtex takes about 10 ms (python -X importtime), and most
            # styles are CSL styles.
            from paperbib.formatting.pybtex_engine import PybtexEngine

            self.engine = PybtexEngine(self.style.style_id)

    def rendered(self, records: Sequence[Record], options: ExportOptions | None = None) -> list[RenderedEntry]:
        """Format the entries in the style's order as marked text, before an output format is applied."""
        with self._style_errors():
            if isinstance(self.engine, CslEngine):
                return self.engine.bibliography(citeproc_items(records, options))
            return self.engine.bibliography(records)

    @contextlib.contextmanager
    def _style_errors(self) -> Iterator[None]:
        """Report a style that the engine cannot run (e.g. a .csl file that calls an undefined macro)."""
        try:
            yield
        except (IndexError, KeyError, AttributeError, TypeError, ValueError) as error:
            raise StyleError(
                f"style {self.style.style_id!r} cannot be applied: {type(error).__name__}: {error}; "
                "check the .csl file, for example for a macro it calls but does not define"
            ) from None

    def bibliography(self, records: Sequence[Record], options: ExportOptions | None = None) -> FormattedList:
        entries = self.rendered(records, options)
        written = [self.writer.entry(entry.marked, entry.links) for entry in entries]
        return FormattedList(self.writer.document(written), written, [entry.key for entry in entries])

    def citation(self, records: Sequence[Record], keys: Sequence[str], options: ExportOptions | None = None) -> str:
        """Write the in-text citation of ``keys``. Raises UnknownKeyError with the closest keys.

        A key given twice is cited once, as citation processors do within one citation.
        """
        return self.citations(records, [list(dict.fromkeys(keys))], options)[0]

    def citations(
        self, records: Sequence[Record], citations: Sequence[Sequence[str]], options: ExportOptions | None = None
    ) -> list[str]:
        """Write several in-text citations of the same records, each a list of keys."""
        known = [record.key for record in records]
        known_set = set(known)
        for keys in citations:
            for key in keys:
                if key not in known_set:
                    raise UnknownKeyError(key, difflib.get_close_matches(key, known, n=3, cutoff=0.5))
        with self._style_errors():
            if isinstance(self.engine, CslEngine):
                marked = self.engine.citations(citeproc_items(records, options), citations)
            else:
                marked = [self.engine.citation(records, keys) for keys in citations]
        return [self.writer.entry(text) for text in marked]
