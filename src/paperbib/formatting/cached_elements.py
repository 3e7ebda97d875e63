"""paperbib's subclasses of citeproc-py's CSL element classes that keep per-style work.

citeproc-py (written for 0.11.1, ``fast.CITEPROC_VERSION``, which a test checks) finds macros,
the enclosing layout, inherited name options and locale terms with XPath queries, and
``calls_variable`` walks the same style subtree again each time a group renders. All of these
depend only on the parsed style and its locales, never on the entry, so each result is kept
after its first use. In a cProfile run of 1,000 references in APA, ``xpath_search`` took 34% of
the time and ``calls_variable`` with the macro look-ups it makes took 26%, partly the same time.
The other mixins read an element's attributes once (conditions, font settings, affixes) and
skip the exceptions that citeproc-py raises for every branch not taken.

Each mixin is added to the element class it applies to by :func:`cached_class`, and citeproc-py
itself is not changed.
"""

from __future__ import annotations

import contextlib
from typing import Any

from citeproc import model
from citeproc.source import VariableError
from citeproc.string import MixedString, String

from paperbib.formatting import two_cores
from paperbib.formatting.csl_engine import CSL_NAMESPACE
from paperbib.formatting.csl_model import DISAMBIGUATE

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


class CachedChildren:
    """Mixin that keeps the child that citeproc-py's attribute access (``names.label``) finds.

    ``SomewhatObjectifiedElement.__getattr__`` searches the children for every access, and
    finds None when there is no such child. The children of a style element stay the same
    after ``FastCslStyle`` loads the style, which inserts the ``cs:name`` elements that
    ``csl_model.Names`` would insert while rendering.
    """

    def __getattr__(self, name: str) -> Any:
        child = super().__getattr__(name)  # type: ignore[misc]
        self.__dict__[name] = child
        return child


class CachedPlaces:
    """Mixin that keeps an element's enclosing ``cs:layout`` and the macros found by name.

    citeproc-py raises IndexError for an element outside any layout (a macro) and for an
    undefined macro, and both still do.
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

    def get_macro(self, name: str) -> Any:
        macros = _lookups(self)
        key = ("get_macro", name)
        macro = macros.get(key)
        if macro is None:
            macro = macros[key] = super().get_macro(name)  # type: ignore[misc]
        return macro


_UNSET = object()


class CachedTerms:
    """Mixin that keeps the locale term and date format found for each request of an element of the style.

    They depend on the document's locales and the arguments, not on the element. Not for
    ``cs:locale`` elements, whose own ``get_term`` and ``get_date`` search only that locale. A
    date form that no locale defines is looked up again.
    """

    def get_date(self, form: str) -> Any:
        dates = _lookups(self)
        key = ("get_date", form)
        date = dates.get(key)
        if date is None:
            date = dates[key] = super().get_date(form)  # type: ignore[misc]
        return date

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

    def _condition_plan(
        self,
    ) -> tuple[bool, list[str], bool, str | None, frozenset[str] | None, frozenset[str] | None]:
        attributes = self.__dict__
        plan = attributes.get("_paperbib_conditions")
        if plan is None:
            disambiguate = self.get("disambiguate", "").lower() == "true"  # type: ignore[attr-defined]
            tests = [method for attribute, method in _CONDITIONS if self.get(attribute) is not None]  # type: ignore[attr-defined]
            position = self.get("position") is not None  # type: ignore[attr-defined]
            match = self.get("match")  # type: ignore[attr-defined]
            plan = attributes["_paperbib_conditions"] = (
                disambiguate,
                tests,
                position,
                match,
                self._type_set(tests, position, match),
                self._variable_set(tests, position),
            )
        return plan

    def _type_set(self, tests: list[str], position: bool, match: str | None) -> frozenset[str] | None:
        """Return the types that satisfy a condition on the type alone, as a set, or None for other conditions.

        Most branches of a style test only ``type``: "any of these types", or one type.
        """
        if tests != ["_type"] or position:
            return None
        types = frozenset(name.lower() for name in self.get("type").split())  # type: ignore[attr-defined]
        if types and (match == "any" or (match != "none" and len(types) == 1)):
            return types
        return None

    def _variable_set(self, tests: list[str], position: bool) -> frozenset[str] | None:
        """Return the variables of a condition on variables alone, as a set, or None when it tests ``locator``.

        ``locator`` is a field of the citation item, not of the reference.
        """
        if tests != ["_variable"] or position:
            return None
        variables = frozenset(name.replace("-", "_") for name in self.get("variable").split())  # type: ignore[attr-defined]
        return None if "locator" in variables else variables

    def matches(self, item: Any, context: Any = None) -> bool:
        disambiguate, tests, position, match, type_set, variable_set = self._condition_plan()
        if disambiguate and not item.reference.get(DISAMBIGUATE, False):
            return False
        if type_set is not None:
            return item.reference.type in type_set
        if variable_set is not None:
            present = item.reference.keys()
            if match == "any":
                return not present.isdisjoint(variable_set)
            if match == "none":
                return present.isdisjoint(variable_set)
            return present >= variable_set
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


class GroupBody:
    """citeproc-py's ``Group.process`` with the group's delimiter and children read once.

    It sits between ``csl_model.Group``, whose ``process`` counts variable look-ups around it,
    and ``model.Group`` in the method resolution order (see :func:`cached_class`).
    """

    def process(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        attributes = self.__dict__
        plan = attributes.get("_paperbib_group")
        if plan is None:
            children = [(child, isinstance(child, model.Choose)) for child in self.iterchildren()]  # type: ignore[attr-defined]
            plan = attributes["_paperbib_group"] = (self.get("delimiter", ""), children)  # type: ignore[attr-defined]
        delimiter, children = plan
        output = []
        variable_called = False
        variable_rendered = False
        for child, is_choose in children:
            variable_called = variable_called or child.calls_variable()
            try:
                if is_choose:
                    child_text = child.render(item, context=context, delimiter=delimiter, **kwargs)
                else:
                    child_text = child.render(item, context=context, **kwargs)
                if child_text is not None:
                    output.append(child_text)
                    variable_rendered = variable_rendered or child.calls_variable()
            except VariableError:
                pass
        if output and (not variable_called or variable_rendered):
            return self.join(output)  # type: ignore[attr-defined]
        raise VariableError


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
    """Mixin for ``cs:sort`` that computes only the sort keys that decide the order, on two cores.

    citeproc-py computes every key of every item (ten keys per entry in APA) and then sorts with
    a comparison that looks at a key only when the keys before it are equal. Here each key is
    computed only for the items that are still tied with another item on all the keys before
    it, and the first key of a long list on two cores. The keys never computed are never
    compared, so the order is the same. A list of one item is returned without computing its
    keys: disambiguation sorts one single-item citation per entry.

    Styles in which an item's output may depend on what was rendered before it
    (:func:`items_render_independently`) compute every key, as citeproc-py does.
    """

    def sort(self, items: list[Any], context: Any) -> list[Any]:
        if len(items) < 2:
            return list(items)
        keys = self.findall("cs:key", self.nsmap)  # type: ignore[attr-defined]
        if keys and items_render_independently(self):
            for key, column in zip(keys, _deciding_sort_keys(keys, items, context), strict=True):
                key.__dict__[_SORT_KEYS] = (items, column)
        try:
            return super().sort(items, context)  # type: ignore[misc]
        finally:
            for key in keys:
                key.__dict__.pop(_SORT_KEYS, None)


def _deciding_sort_keys(keys: list[Any], items: list[Any], context: Any) -> list[list[Any]]:
    """Return one column of values per key, None for the items whose value no comparison reads."""
    columns = []
    tied = [list(range(len(items)))]  # groups of item indexes equal on every key so far
    for key in keys:
        needed = [index for group in tied for index in group]
        chosen = [items[index] for index in needed]

        def compute(chunk: list[Any], key: Any = key) -> list[Any]:
            return key.sort_keys(chunk, context)

        column: list[Any] = [None] * len(items)
        for index, value in zip(needed, two_cores.split_map(compute, chosen), strict=True):
            column[index] = value
        columns.append(column)
        refined = []
        for group in tied:
            equal: dict[Any, list[int]] = {}
            for index in group:
                equal.setdefault(_compared_as(column[index]), []).append(index)
            refined += [indexes for indexes in equal.values() if len(indexes) > 1]
        tied = refined
    return columns


def _compared_as(value: Any) -> tuple[Any, ...]:
    """Return what citeproc-py's ``Sort.sort`` compares for ``value``: equal results compare equal.

    It lowercases strings and compares two values as integers when both convert to one. Two
    None values are equal too.
    """
    if value is None:
        return (None,)
    with contextlib.suppress(AttributeError):
        value = str(value.lower())
    try:
        return (int, int(str(value)))
    except ValueError:
        return (str, value)


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
        mixins: list[type] = [CachedLookups, CachedChildren, CachedRoot, CachedPlaces, CachedLocaleOptions]
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
        bases: tuple[type, ...] = (*mixins, element_class)
        if issubclass(element_class, model.Group) and element_class is not model.Group:
            # GroupBody replaces model.Group.process below element_class's own process.
            bases = (*bases, GroupBody, model.Group)
        cached = type(f"Cached{element_class.__name__}", bases, {})
        _CACHED_CLASSES[element_class] = cached
    return cached
