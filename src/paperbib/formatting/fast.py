"""Faster CSL formatting: the style look-ups that citeproc-py repeats for every entry, done once.

citeproc-py (written for 0.11.1, ``CITEPROC_VERSION``, which a test checks) finds macros, the
enclosing layout, inherited name options and locale terms with XPath queries, and
``calls_variable`` walks the same style subtree again each time a group renders. All of these
depend only on the parsed style and its locales, never on the entry, so each result is kept
after its first use. In a cProfile run of 1,000 references in APA, ``xpath_search`` took 34% of
the time and ``calls_variable`` with the macro look-ups it makes took 26%, partly the same time.

The caches live in paperbib's own subclasses of the element classes, installed through
``CslStyle.element_classes``, and citeproc-py itself is not changed. Long lists are also sorted,
disambiguated and rendered on two cores (``FastCslEngine``, ``two_cores``).
"""

from __future__ import annotations

from typing import Any

from citeproc import CitationItem, CitationStylesBibliography, model
from citeproc.string import MixedString, String

from paperbib.formatting import two_cores
from paperbib.formatting.csl_engine import CSL_NAMESPACE, CslEngine, CslStyle
from paperbib.formatting.csl_model import DISAMBIGUATE
from paperbib.formatting.markup import plain_text

CITEPROC_VERSION = "0.11.1"

# Attribute of a style's root element that contains the caches of that style.
_CACHE_ATTRIBUTE = "_paperbib_lookups"


def _lookups(element: Any) -> dict[tuple[Any, ...], Any]:
    """Return the cache shared by all elements of ``element``'s document.

    lxml creates a Python object for an element on demand and drops it when no reference is
    left, so a value stored on an element object may vanish. The document root object stays
    alive (the style refers to it), and the element objects used as keys of its cache stay alive
    with it. An element object also keeps a reference to the cache, which saves finding the root.
    """
    attributes = element.__dict__
    cache = attributes.get(_CACHE_ATTRIBUTE)
    if cache is None:
        root = element.getroottree().getroot()
        cache = root.__dict__.get(_CACHE_ATTRIBUTE)
        if cache is None:
            cache = root.__dict__[_CACHE_ATTRIBUTE] = {}
        attributes[_CACHE_ATTRIBUTE] = cache
    return cache


class CachedLookups:
    """Mixin for citeproc-py element classes that keeps the result of each style look-up.

    Callers only read the returned lists and elements, and rendering never changes the tree's
    structure or the attributes that the queries test, so a kept result stays right.
    """

    def xpath_search(self, expression: str) -> Any:
        key = (self, expression)
        cache = _lookups(self)
        try:
            return cache[key]
        except KeyError:
            result = cache[key] = super().xpath_search(expression)  # type: ignore[misc]
            return result

    def calls_variable(self) -> bool:
        key = (self, "calls_variable")
        cache = _lookups(self)
        try:
            return cache[key]
        except KeyError:
            result = cache[key] = super().calls_variable()  # type: ignore[misc]
            return result


class CachedPlaces:
    """Mixin that keeps an element's enclosing ``cs:layout``, the macros and the locale date formats.

    citeproc-py raises IndexError for an element outside any layout (a macro) and for an
    undefined macro, and both still do. A date form that no locale defines is looked up again.
    """

    def get_layout(self) -> Any:
        attributes = self.__dict__
        layout = attributes.get("_paperbib_layout", _UNSET)
        if layout is _UNSET:
            found = self.xpath_search("./ancestor-or-self::cs:layout[1]")  # type: ignore[attr-defined]
            layout = attributes["_paperbib_layout"] = found[0] if found else None
        if layout is None:
            raise IndexError(f"no cs:layout encloses <{self.tag}>")  # type: ignore[attr-defined]
        return layout

    def get_date(self, form: str) -> Any:
        dates = _lookups(self)
        key = ("get_date", form)
        date = dates.get(key)
        if date is None:
            date = dates[key] = super().get_date(form)  # type: ignore[misc]
        return date

    def get_macro(self, name: str) -> Any:
        macros = _lookups(self)
        key = ("get_macro", name)
        macro = macros.get(key)
        if macro is None:
            macro = macros[key] = super().get_macro(name)  # type: ignore[misc]
        return macro


_UNSET = object()


class CachedTerms:
    """Mixin that keeps the locale term found for each request of an element of the style.

    The term depends on the document's locales and the arguments, not on the element. Not for
    ``cs:locale`` elements, whose own ``get_term`` searches only that locale.
    """

    def get_term(self, name: str, form: Any = None, fallback_locale: bool = True, zero_padded: bool = False) -> Any:
        key = ("get_term", name, form, fallback_locale, zero_padded)
        cache = _lookups(self)
        try:
            return cache[key]
        except KeyError:
            result = cache[key] = super().get_term(name, form, fallback_locale, zero_padded)  # type: ignore[misc]
            return result


class CachedRoot:
    """Mixin that keeps an element's root and reads the formatter from it.

    Every element of a style document has the ``cs:style`` root, never a ``cs:locale`` one, so
    its formatter is the root's (``CitationStylesElement.get_formatter`` tests for both).
    """

    def get_root(self) -> Any:
        attributes = self.__dict__
        root = attributes.get("_paperbib_root")
        if root is None:
            root = attributes["_paperbib_root"] = super().get_root()  # type: ignore[misc]
        return root

    def get_formatter(self) -> Any:
        return self.get_root().formatter


# The font attributes of ``model.Formatted.format`` with the value that leaves the text alone.
_PLAIN_FONT = {
    "font-style": "normal",
    "font-variant": "normal",
    "font-weight": "normal",
    "text-decoration": "none",
    "vertical-align": "baseline",
}


class PlainFormat:
    """Mixin that skips ``Formatted.format``'s five formatter calls on elements without font settings."""

    def format(self, string: Any) -> Any:
        attributes = self.__dict__
        plain = attributes.get("_paperbib_plain_font")
        if plain is None:
            plain = attributes["_paperbib_plain_font"] = all(
                self.get(name, default) == default  # type: ignore[attr-defined]
                for name, default in _PLAIN_FONT.items()
            )
        if not plain:
            return super().format(string)  # type: ignore[misc]
        return str(string) if isinstance(string, (int, float)) else string


class PlainAffixes:
    """Mixin that skips ``Affixed.wrap``'s seam checks on elements without a prefix or suffix.

    citeproc-py's wrap then returns a ``String``, a ``MixedString`` or a plain ``str`` unchanged
    (each adds an empty string as a no-op), so those are returned as they are. Other string
    types, such as the marker formatter's, would come back as a plain ``str`` and go the long way.
    """

    def wrap(self, string: Any) -> Any:
        attributes = self.__dict__
        bare = attributes.get("_paperbib_bare")
        if bare is None:
            bare = attributes["_paperbib_bare"] = not self.get("prefix") and not self.get("suffix")  # type: ignore[attr-defined]
        if bare and (type(string) is str or isinstance(string, (String, MixedString))):
            return string
        return super().wrap(string)  # type: ignore[misc]


class TextLanguage:
    """Mixin for ``cs:text`` whose ``process`` finds the item's language without raising.

    citeproc-py's ``Text.process`` reads ``item.reference.language``, which raises two
    exceptions for each rendered text of an item without a language. The rest is the same.
    """

    def process(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        if context is None:
            context = self
        language = dict.get(item.reference, "language", _UNSET)
        if language is _UNSET:
            language = self.get_root().get("default-locale", "en")  # type: ignore[attr-defined]
        language = language[:2]
        attributes = self.__dict__
        source = attributes.get("_paperbib_source")
        if source is None:
            names = ("variable", "macro", "term", "value")
            source = attributes["_paperbib_source"] = next((name for name in names if name in self.attrib), "")  # type: ignore[attr-defined]
        if source == "variable":
            text = self._variable(item, context)  # type: ignore[attr-defined]
        elif source == "macro":
            text = self.get_macro(self.get("macro")).render(item, context)  # type: ignore[attr-defined]
        elif source == "term":
            text = self._term(item)  # type: ignore[attr-defined]
        elif source == "value":
            text = String(self.preformat(self.get("value")))  # type: ignore[attr-defined]
        else:
            raise UnboundLocalError("cs:text has none of variable, macro, term and value")
        return text, language


class CachedLocaleOptions:
    """Mixin that keeps the locale options (``punctuation-in-quote``...), which depend on the locales only."""

    def get_locale_option(self, name: str) -> Any:
        options = _lookups(self)
        key = ("get_locale_option", name)
        try:
            return options[key]
        except KeyError:
            value = options[key] = super().get_locale_option(name)  # type: ignore[misc]
            return value


# The condition attributes of cs:if in the order citeproc-py's If.render tests them, with the
# method that tests each. _position also takes the rendering context.
_CONDITIONS = (
    ("type", "_type"),
    ("variable", "_variable"),
    ("is-numeric", "_is_numeric"),
    ("is-uncertain-date", "_is_uncertain_date"),
    ("locator", "_locator"),
)


class FastConditions:
    """Mixin for ``cs:if`` and ``cs:else-if`` that reads which conditions to test once.

    ``matches`` gives the result that citeproc-py's ``If.render`` and ``csl_model.If.render``
    compute before they render the branch or raise ``ConditionFailed``, so that
    :class:`FastChoose` can skip a branch without an exception.
    """

    def _condition_plan(self) -> tuple[bool, list[str], bool, str | None]:
        attributes = self.__dict__
        plan = attributes.get("_paperbib_conditions")
        if plan is None:
            disambiguate = self.get("disambiguate", "").lower() == "true"  # type: ignore[attr-defined]
            tests = [method for attribute, method in _CONDITIONS if self.get(attribute) is not None]  # type: ignore[attr-defined]
            position = self.get("position") is not None  # type: ignore[attr-defined]
            plan = attributes["_paperbib_conditions"] = (disambiguate, tests, position, self.get("match"))  # type: ignore[attr-defined]
        return plan

    def matches(self, item: Any, context: Any = None) -> bool:
        disambiguate, tests, position, match = self._condition_plan()
        if disambiguate and not item.reference.get(DISAMBIGUATE, False):
            return False
        results: list[Any] = []
        for method in tests:
            results += getattr(self, method)(item)
        if position:
            results += self._position(item, context)  # type: ignore[attr-defined]
        if match == "any":
            return any(results)
        if match == "none":
            return not any(results)
        return all(results)

    def render(self, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any) -> Any:
        if not self.matches(item, context):
            raise model.ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)  # type: ignore[attr-defined]


class FastChoose:
    """Mixin for ``cs:choose`` that tests its branches with :class:`FastConditions` instead of exceptions."""

    def render(self, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any) -> Any:
        attributes = self.__dict__
        branches = attributes.get("_paperbib_branches")
        if branches is None:
            branches = attributes["_paperbib_branches"] = self.getchildren()  # type: ignore[attr-defined]
        for branch in branches:
            try:
                if isinstance(branch, FastConditions):
                    if not branch.matches(item, context):
                        continue
                    return branch.render_children(item, context=context, delimiter=delimiter, **kwargs)  # type: ignore[attr-defined]
                return branch.render(item, context=context, delimiter=delimiter, **kwargs)
            except model.ConditionFailed:
                continue
        return None


class CachedTypes:
    """Mixin for ``cs:if`` and ``cs:else-if`` that splits the ``type`` and ``variable`` attributes once."""

    def _type(self, item: Any) -> list[bool]:
        attributes = self.__dict__
        types = attributes.get("_paperbib_types")
        if types is None:
            types = attributes["_paperbib_types"] = [name.lower() for name in self.get("type").split()]  # type: ignore[attr-defined]
        if not types:
            return []
        reference_type = item.reference.type
        return [name == reference_type for name in types]

    def _variable(self, item: Any) -> list[bool]:
        attributes = self.__dict__
        variables = attributes.get("_paperbib_variables")
        if variables is None:
            variables = attributes["_paperbib_variables"] = [
                name.replace("-", "_")
                for name in self.get("variable").split()  # type: ignore[attr-defined]
            ]
        reference = item.reference
        return [("locator" in item) if name == "locator" else (name in reference) for name in variables]


class CachedNameOptions:
    """Mixin for ``cs:name`` that keeps each inherited option per rendering context.

    An option depends on the element, the context's enclosing ``cs:citation`` or
    ``cs:bibliography`` and, for ``demote-non-dropping-particle``, on whether the names are
    rendered for sorting. Options that the sort key sets itself are looked up each time.
    """

    def get_option(self, name: str, context: Any = None, sort_options: Any = None) -> Any:
        if sort_options is not None and name in sort_options:
            return super().get_option(name, context, sort_options)  # type: ignore[misc]
        attributes = self.__dict__
        options = attributes.get("_paperbib_options")
        if options is None:
            options = attributes["_paperbib_options"] = {}
        key = (name, context, sort_options is not None)
        try:
            return options[key]
        except KeyError:
            value = options[key] = super().get_option(name, context, sort_options)  # type: ignore[misc]
            return value


class ParallelSort:
    """Mixin for ``cs:sort`` that computes the sort keys of a long list on two cores.

    A list of one item is returned without computing its keys: disambiguation renders one
    single-item citation per entry, and citeproc-py sorts each of them by the citation's keys,
    which only fills the layout's ``repressed`` dict that rendering resets for every item.
    """

    def sort(self, items: list[Any], context: Any) -> list[Any]:
        if len(items) < 2:
            return list(items)
        keys = self.findall("cs:key", self.nsmap)  # type: ignore[attr-defined]
        if len(items) >= two_cores.PARALLEL_MIN_ITEMS and keys and items_render_independently(self):

            def compute(chunk: list[Any]) -> list[tuple[Any, ...]]:
                return list(zip(*(key.sort_keys(chunk, context) for key in keys), strict=True))

            rows = two_cores.split_map(compute, items)
            for index, key in enumerate(keys):
                key.__dict__[_SORT_KEYS] = (items, [row[index] for row in rows])
        try:
            return super().sort(items, context)  # type: ignore[misc]
        finally:
            for key in keys:
                key.__dict__.pop(_SORT_KEYS, None)


# Attribute of a cs:key element: (items, their sort keys) computed by ParallelSort.
_SORT_KEYS = "_paperbib_sort_keys"


class PrecomputedSortKeys:
    """Mixin for ``cs:key`` that returns the keys :class:`ParallelSort` computed for the same list."""

    def sort_keys(self, items: list[Any], context: Any) -> list[Any]:
        precomputed = self.__dict__.get(_SORT_KEYS)
        if precomputed is not None and precomputed[0] is items:
            return precomputed[1]
        return super().sort_keys(items, context)  # type: ignore[misc]


def items_render_independently(element: Any) -> bool:
    """Tell whether an item's output in the style of ``element`` is the same whatever was rendered before.

    citeproc-py's ``Date_Part.process`` copies the attributes of a style's ``cs:date-part`` into
    the locale's date format that the ``cs:date`` uses (``form="text"`` or ``"numeric"``), and
    they stay there. When two dates of the same form override different attributes, a date
    renders differently after the other one did, so its output depends on the items rendered
    before it, which a forked child does not share. Such styles run every step in one process.
    """
    lookups = _lookups(element)
    independent = lookups.get(_INDEPENDENT)
    if independent is None:
        independent = lookups[_INDEPENDENT] = _date_overrides_agree(element.getroottree().getroot())
    return independent


_INDEPENDENT = ("items_render_independently",)


def _date_overrides_agree(root: Any) -> bool:
    overrides: dict[str, set[tuple[Any, ...]]] = {}
    locale_tag = f"{{{CSL_NAMESPACE}}}locale"
    for date in root.iter(f"{{{CSL_NAMESPACE}}}date"):
        form = date.get("form")
        if form is None or any(ancestor.tag == locale_tag for ancestor in date.iterancestors()):
            continue
        # The name attribute is copied onto the part of the same name, so it changes nothing.
        copied = (
            (part.get("name", ""), tuple(sorted((key, value) for key, value in part.attrib.items() if key != "name")))
            for part in date.findall("cs:date-part", date.nsmap)
        )
        parts = tuple(sorted(part for part in copied if part[1]))
        overrides.setdefault(form, set()).add(parts)
    return all(len(variants) == 1 for variants in overrides.values())


_CACHED_CLASSES: dict[type, type] = {}


def cached_class(element_class: type) -> type:
    """Return the subclass of ``element_class`` with the caching mixins that apply to it, made once per class."""
    cached = _CACHED_CLASSES.get(element_class)
    if cached is None:
        mixins: list[type] = [CachedLookups, CachedRoot, CachedPlaces, CachedLocaleOptions]
        if not issubclass(element_class, model.Locale):
            mixins.append(CachedTerms)
        # citeproc-py's Date_Part.process copies attributes into the date parts of locale date
        # formats while rendering, so what these two mixins read once could change.
        attributes_change = issubclass(element_class, model.Date_Part)
        if issubclass(element_class, model.Formatted) and not attributes_change:
            mixins.append(PlainFormat)
        if issubclass(element_class, model.Affixed) and not attributes_change:
            mixins.append(PlainAffixes)
        if issubclass(element_class, model.Text):
            mixins.append(TextLanguage)
        if issubclass(element_class, model.If):
            mixins += [FastConditions, CachedTypes]
        if issubclass(element_class, model.Choose):
            mixins.append(FastChoose)
        if issubclass(element_class, model.Name):
            mixins.append(CachedNameOptions)
        if issubclass(element_class, model.Sort):
            mixins.append(ParallelSort)
        if issubclass(element_class, model.Key):
            mixins.append(PrecomputedSortKeys)
        cached = type(f"Cached{element_class.__name__}", (*mixins, element_class), {})
        _CACHED_CLASSES[element_class] = cached
    return cached


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
            if names.name is None and not isinstance(names.getparent(), model.Substitute):
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

    Sorting keys (``ParallelSort``), the citations that disambiguation compares and the entries
    are computed item by item, half in a forked child (``two_cores.split_map``). Its output is
    the same as :class:`CslEngine`'s, character for character.
    """

    style_class = FastCslStyle
    citation_item_class = FastCitationItem

    def single_citations(self, bibliography: CitationStylesBibliography) -> list[str]:
        """Render the single-item citations on two cores unless a style tests cite positions.

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
