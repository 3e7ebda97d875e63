"""The citeproc-py engine: a CSL style parsed once, then reference lists and in-text citations.

``CslEngine`` wraps citeproc-py's ``CitationStylesStyle`` and ``CitationStylesBibliography``. Each
method is a separate step (source, registration, disambiguation, rendering), so that a subclass can
replace one of them, for example with a faster renderer, and keep the rest.
"""

from __future__ import annotations

import string
import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from citeproc import (
    LANGUAGE_NAMES,
    PRIMARY_DIALECTS,
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    model,
)
from citeproc.source.json import CiteProcJSON
from citeproc.string import String
from lxml import etree

from paperbib.errors import PaperbibError
from paperbib.formatting.csl_model import ADD_GIVENNAME, DISAMBIGUATE, OVERRIDES
from paperbib.formatting.markup import MarkerFormatter, plain_text
from paperbib.formatting.punctuation import clean_punctuation

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"


@dataclass(frozen=True)
class RenderedEntry:
    """One formatted reference: its citation key, marked text (see ``markup``) and its URLs."""

    key: str
    marked: str
    links: tuple[str, ...] = ()


class CslStyle(CitationStylesStyle):
    """A parsed CSL style whose elements use paperbib's corrected classes from ``csl_model``.

    Schema validation is skipped: citeproc-py only warns on invalid styles, and validating takes
    longer than parsing.
    """

    def __init__(self, path: str, locale: str | None = None) -> None:
        lookup = etree.ElementNamespaceClassLookup()
        namespace = lookup.get_namespace(CSL_NAMESPACE)
        for tag, element_class in self.element_classes().items():
            namespace[tag] = element_class
        parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True)
        parser.set_element_class_lookup(lookup)
        try:
            self.xml = etree.parse(path, parser)
        except (OSError, etree.XMLSyntaxError) as error:
            raise PaperbibError(f"{path}: cannot read the CSL style: {error}") from None
        self.root = self.xml.getroot()
        if not isinstance(self.root, model.Style):
            raise PaperbibError(f"{path}: not a CSL style (the root element is not <style>)")
        if locale is not None and locale not in LANGUAGE_NAMES and locale.split("-")[0] not in PRIMARY_DIALECTS:
            # citeproc-py would fall back to en-US without a word.
            raise PaperbibError(f"unknown locale {locale!r}; give a CSL locale such as en-GB, de-DE or fr-FR")
        try:
            self.root.set_locale_list(locale or self.root.get("default-locale", "en-US"), validate=False)
        except ValueError as error:
            raise PaperbibError(f"{path}: {error}") from None

    @classmethod
    def element_classes(cls) -> dict[str | None, type]:
        """The class of each CSL element by tag; None is the class of tags not listed."""
        classes: dict[str | None, type] = {None: model.CitationStylesElement}
        classes.update(
            {
                element.__name__.replace("_", "-").lower(): element
                for element in model.CitationStylesElement.__subclasses__()
            }
        )
        classes.update(OVERRIDES)
        return classes


class UnknownKeyError(PaperbibError):
    """A citation key that is not in the list; ``suggestions`` contains the closest keys."""

    def __init__(self, key: str, suggestions: list[str]) -> None:
        self.key = key
        self.suggestions = suggestions
        hint = f"; closest keys: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown citation key {key!r}{hint}")


class CslEngine:
    """Formats CSL items with one style, parsed when the engine is created."""

    style_class: type[CslStyle] = CslStyle
    citation_item_class: type[CitationItem] = CitationItem

    def __init__(self, style_path: str, locale: str | None = None) -> None:
        self.style_path = style_path
        self.style = self.style_class(style_path, locale)
        self.punctuation_in_quote = (self.style.root.get_locale_option("punctuation-in-quote") or "").lower() == "true"

    @property
    def has_bibliography(self) -> bool:
        return self.style.has_bibliography()

    def bibliography(self, items: Sequence[dict[str, Any]]) -> list[RenderedEntry]:
        """Format the reference list of ``items``, sorted and numbered as the style specifies."""
        if not self.has_bibliography:
            raise PaperbibError(f"{self.style_path}: this style defines no reference list; use 'paperbib cite'")
        bibliography = self.register(items)
        self.disambiguate(bibliography)
        rendered = self.render_bibliography(bibliography)
        links = {item["id"]: _links(item) for item in items}
        return [
            RenderedEntry(key, self.clean(str(text)), links.get(key, ()))
            for key, text in zip(bibliography.keys, rendered, strict=True)
        ]

    def citation(self, items: Sequence[dict[str, Any]], keys: Sequence[str]) -> str:
        """Format the in-text citation of ``keys``, numbered as in the reference list of ``items``."""
        return self.citations(items, [keys])[0]

    def citations(self, items: Sequence[dict[str, Any]], citations: Sequence[Sequence[str]]) -> list[str]:
        """Format several citations against one reference list, registered and disambiguated once."""
        known = {item["id"] for item in items}
        for keys in citations:
            for key in keys:
                if key not in known:
                    raise UnknownKeyError(key, [])
        bibliography = self.register(items)
        self.disambiguate(bibliography)
        return [self.clean(str(self.render_citation(bibliography, keys))) for keys in citations]

    def source(self, items: Sequence[dict[str, Any]]) -> CiteProcJSON:
        with warnings.catch_warnings():
            # citeproc-py warns about every CSL variable it does not know (event-title, ...).
            warnings.simplefilter("ignore", UserWarning)
            return CiteProcJSON(list(items))

    def register(self, items: Sequence[dict[str, Any]]) -> CitationStylesBibliography:
        """Register every item in input order in a new bibliography, then sort it in the style's order."""
        bibliography = CitationStylesBibliography(self.style, self.source(items), MarkerFormatter)
        for item in items:
            bibliography.register(Citation([self.citation_item_class(item["id"])]))
        if self.has_bibliography:
            bibliography.sort()  # note styles without a reference list keep the input order
        return bibliography

    def disambiguate(self, bibliography: CitationStylesBibliography) -> None:
        """Tell apart items whose in-text citations would read the same, as the style requests.

        The steps follow the CSL specification. With ``disambiguate-add-givenname``, the first
        author gets initials (``H. Tanaka``): under the ``primary-name`` and ``all-names`` rules
        whenever two first authors share a family name, under ``by-cite`` only in citations that
        are still ambiguous. Then styles with ``disambiguate-add-year-suffix`` get a, b, c...
        after the year, in reference list order as in citeproc-js and pandoc. Items that remain
        ambiguous are marked for the style's ``disambiguate="true"`` conditions.
        """
        citation = self.style.root.citation
        if citation is None:
            return
        if citation.get("disambiguate-add-givenname", "false").lower() == "true":
            rule = citation.get("givenname-disambiguation-rule", "by-cite")
            if rule == "by-cite":
                # Initials help only where the first authors of an ambiguous group differ.
                candidates = [
                    key
                    for keys in self.ambiguous_groups(bibliography)
                    if len({_first_author(bibliography, key) for key in keys}) > 1
                    for key in keys
                ]
            else:
                candidates = _shared_first_family(bibliography)
            for key in candidates:
                bibliography.source[key][ADD_GIVENNAME] = True
        add_year_suffix = citation.get("disambiguate-add-year-suffix", "false").lower() == "true"
        for keys in self.ambiguous_groups(bibliography):
            for index, key in enumerate(keys):
                if add_year_suffix:
                    bibliography.source[key]["year_suffix"] = String(_suffix(index))
                else:
                    bibliography.source[key][DISAMBIGUATE] = True

    def ambiguous_groups(self, bibliography: CitationStylesBibliography) -> list[list[str]]:
        """Keys whose single-item citations read the same, grouped, in reference list order."""
        groups: dict[str, list[str]] = defaultdict(list)
        for key, text in zip(bibliography.keys, self.single_citations(bibliography), strict=True):
            groups[text].append(key)
        return [keys for keys in groups.values() if len(keys) > 1]

    def single_citations(self, bibliography: CitationStylesBibliography) -> list[str]:
        """Return the plain text of each item's citation on its own, in reference list order."""
        return [plain_text(str(self.render_citation(bibliography, [key]))) for key in bibliography.keys]

    def render_bibliography(self, bibliography: CitationStylesBibliography) -> list[Any]:
        return bibliography.bibliography()

    def render_citation(self, bibliography: CitationStylesBibliography, keys: Sequence[str]) -> Any:
        citation = Citation([self.citation_item_class(key) for key in keys])
        bibliography.register(citation)
        return bibliography.cite(citation, lambda item: None)

    def clean(self, marked: str) -> str:
        return clean_punctuation(marked, self.punctuation_in_quote)


def _links(item: dict[str, Any]) -> tuple[str, ...]:
    links = []
    if item.get("DOI"):
        links.append(f"https://doi.org/{item['DOI']}")
    if item.get("URL"):
        links.append(str(item["URL"]))
    return tuple(links)


def _suffix(index: int) -> str:
    """a..z, then aa, ab..., as citeproc-js numbers year suffixes."""
    letters = string.ascii_lowercase
    text = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        text = letters[remainder] + text
    return text


def _shared_first_family(bibliography: CitationStylesBibliography) -> list[str]:
    """Keys whose first author shares a family name with another item's different first author.

    NOTE: only the first author is given initials, also under the all-names rules.
    """
    given_names: dict[str, set[str]] = defaultdict(set)
    first_authors: dict[str, tuple[str, str]] = {}
    for key in bibliography.keys:
        first = _first_author(bibliography, key)
        if first is not None:
            first_authors[key] = first
            given_names[first[0]].add(first[1])
    return [key for key, (family, _) in first_authors.items() if len(given_names[family]) > 1]


def _first_author(bibliography: CitationStylesBibliography, key: str) -> tuple[str, str] | None:
    """(family name with particle, given name) of an item's first personal author, if any."""
    names = bibliography.source[key].get("author") or []
    if not names or "family" not in names[0]:
        return None
    family = f"{names[0].get('non-dropping-particle', '')} {names[0]['family']}".strip()
    return family, names[0].get("given", "")
