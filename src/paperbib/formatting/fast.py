"""Faster CSL formatting: style look-ups done once per style, and long lists on two cores.

citeproc-py (written for 0.11.1, ``CITEPROC_VERSION``, which a test checks) repeats for every
entry look-ups that depend only on the style. :class:`FastCslStyle` parses a style into
paperbib's subclasses of the element classes (``cached_elements``), which keep them, and
:class:`FastCslEngine` sorts, disambiguates and renders long lists on two cores
(``two_cores``). citeproc-py itself is not changed.
"""

from __future__ import annotations

from typing import Any

from citeproc import CitationItem, CitationStylesBibliography, model

from paperbib.formatting import two_cores
from paperbib.formatting.cached_elements import cached_class, items_render_independently
from paperbib.formatting.csl_engine import CSL_NAMESPACE, CslEngine, CslStyle
from paperbib.formatting.markup import plain_text

CITEPROC_VERSION = "0.11.1"


class FastCslStyle(CslStyle):
    """A :class:`CslStyle` whose elements keep their look-ups."""

    def __init__(self, path: str, locale: str | None = None) -> None:
        super().__init__(path, locale)
        self._insert_names()
        # lxml drops the Python object of an element when nothing refers to it, and with it the
        # values the mixins keep in the object's __dict__. Holding every element keeps them.
        self.elements = list(self.root.iter())

    def _insert_names(self) -> None:
        """Give each ``cs:names`` the ``cs:name`` that ``csl_model.Names`` inserts at its first rendering.

        With the tree complete before anything renders, a forked child and its parent work on
        the same tree, and no look-up is cached before an insertion changes its result.
        """
        for names in self.root.iter(f"{{{CSL_NAMESPACE}}}names"):
            # find(), not the .name attribute, which cached_elements.CachedChildren keeps.
            if names.find("cs:name", names.nsmap) is None and not isinstance(names.getparent(), model.Substitute):
                names.insert(0, names.makeelement(f"{{{CSL_NAMESPACE}}}name"))

    @classmethod
    def element_classes(cls) -> dict[str | None, type]:
        # The class of tags without one of their own (None) stays as it is: those are the style's
        # metadata, which rendering never reads. Subclassing it would also add the subclass to
        # CitationStylesElement.__subclasses__(), from which every style maps its tags.
        return {
            tag: element_class if tag is None else cached_class(element_class)
            for tag, element_class in super().element_classes().items()
        }


class _ReferenceOnce:
    """Descriptor that looks up an item's reference once and then leaves it in the item's ``__dict__``.

    It defines no ``__set__``, so the attribute in the instance ``__dict__`` wins from then on.
    """

    def __get__(self, item: Any, owner: type | None = None) -> Any:
        if item is None:
            return self
        reference = item.__dict__["reference"] = CitationItem.reference.fget(item)  # type: ignore[attr-defined]
        return reference


class FastCitationItem(CitationItem):
    """A citation item that looks its reference up once.

    citeproc-py finds ``item.reference`` through the item's citation and bibliography for every
    variable it renders: about 480 times per APA entry, counting sorting and disambiguation. The
    engine puts each item in exactly one citation of one bibliography, so the reference never
    changes once found.
    """

    reference = _ReferenceOnce()


class FastCslEngine(CslEngine):
    """A :class:`CslEngine` on a :class:`FastCslStyle` that computes long lists on two cores.

    Sorting keys (``cached_elements.ParallelSort``), the citations that disambiguation compares
    and the entries are computed item by item, half in a forked child (``two_cores.split_map``).
    Styles in which an item's output may depend on the items rendered before it
    (``cached_elements.items_render_independently``) run in one process. The output is the same
    as :class:`CslEngine`'s, character for character.
    """

    style_class = FastCslStyle
    citation_item_class = FastCitationItem

    def single_citations(self, bibliography: CitationStylesBibliography) -> list[str]:
        """Render the single-item citations, on two cores unless the style tests cite positions.

        A ``position`` condition looks at the citations rendered before (``first``,
        ``subsequent``, ``ibid``), which a child process does not see.
        """
        if self._tests_positions() or not items_render_independently(self.style.root):
            return super().single_citations(bibliography)

        def render(keys: list[str]) -> list[str]:
            return [plain_text(str(self.render_citation(bibliography, [key]))) for key in keys]

        return two_cores.split_map(render, bibliography.keys)

    def render_bibliography(self, bibliography: CitationStylesBibliography) -> list[Any]:
        """Render the entries, on two cores unless each entry depends on the one before.

        Under ``subsequent-author-substitute`` an entry compares its names with the entry
        before, so those styles render in one process.
        """
        if self._substitutes_authors() or not items_render_independently(self.style.root):
            return super().render_bibliography(bibliography)
        render = self.style.render_bibliography

        def render_text(items: list[Any]) -> list[str]:
            return [str(text) for text in render(items)]

        return two_cores.split_map(render_text, bibliography.items)

    def _substitutes_authors(self) -> bool:
        bibliography_element = self.style.root.bibliography
        return bibliography_element is not None and bibliography_element.get("subsequent-author-substitute") is not None

    def _tests_positions(self) -> bool:
        return bool(self.style.root.xpath_search(".//cs:if[@position] | .//cs:else-if[@position]"))
