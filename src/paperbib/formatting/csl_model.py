"""Corrections to citeproc-py 0.11's CSL element classes, installed when paperbib parses a style.

citeproc-py turns each element of a style into an instance of a class named after its tag. These
subclasses change these behaviours where citeproc-py differs from the CSL 1.0.2 specification and
from citeproc-js and pandoc:

- ``cs:substitute``: the variables that stood in for the names are suppressed in the rest of the
  entry even when they were rendered through a macro. citeproc-py suppressed them only for a
  direct ``<text variable=...>``, so title-only entries printed their title twice in APA.
- ``cs:group``: a group is suppressed when the variables it looked up while rendering, in nested
  groups too, were all empty. citeproc-py judged only from which children can call variables, so
  IEEE printed ``[Online].`` before every URL, where pandoc, which counts lookups, prints nothing.
- ``cs:name``: ``initialize="false"`` keeps given names whole (Chicago and MLA print ``Chen, Li``),
  and a lowercase part after a hyphen is dropped when initialising (``Ji-ho`` gives ``J.``, not
  ``J.-. ho .``), as in pandoc. ``demote-non-dropping-particle="sort-only"`` now applies to sorting.
- title case also capitalises the parts of hyphenated words (``Pre-Trained``, ``End-to-End``),
  as the CSL specification's title case rules and pandoc do. citeproc-py split words at spaces only.
- ``subsequent-author-substitute``: names identical to those of the entry before are replaced
  by the given text (``———`` in MLA), which citeproc-py ignored.
- the first author of a citation gets initials when the engine requests given-name
  disambiguation (``H. Tanaka``), which citeproc-py does not implement.
- ``disambiguate="true"`` conditions hold only for items whose citations are otherwise
  identical; citeproc-py took them for every item, so MLA cited every paper with its title.
- a field that ends with a comma because the field after it was empty (IEEE without a year:
  ``in Workshop, Available: ...``) ends with a period when a new clause follows.
- sorting compares keys without markup, punctuation and case, so ``[Re] Winning`` sorts
  under R and italic titles sort among the others, as in pandoc.
- quotes inside a quoted title become inner quotes (``“A ‘B’ C”``), and ``capitalize-first``
  leaves words that are not lowercase alone (``arXiv``), as the CSL specification requires.
- ``cs:name-part`` with ``text-case`` no longer fails on plain-text name fields.
- ``second-field-align``: the first field of a bibliography entry (the ``[1]`` of IEEE) is a block
  of its own, followed by a break that writers turn into a space.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from citeproc import model
from citeproc.source import VariableError
from citeproc.string import NoCase, String, join

from paperbib.formatting.markup import BLOCK_BREAK, plain_text

# Key in a layout's ``repressed`` dict for the variables rendered while a cs:substitute is tried.
# citeproc-py resets that dict for every entry, so the log cannot leak from one entry to the next.
_SUBSTITUTE_LOG = "paperbib-substitute-log"


# Key in a layout's ``repressed`` dict for the first names rendered in the entry, without affixes.
_FIRST_NAMES = "paperbib-first-names"

# Keys in a layout's ``repressed`` dict counting the variables looked up, and those that had a
# value, so far in the current entry. Groups compare the counts before and after their children.
_ACCESSED = "paperbib-variables-accessed"
_NONEMPTY = "paperbib-variables-nonempty"


def _count_variable(element: Any, context: Any, text: Any) -> None:
    try:
        counts = (context if context is not None else element).get_layout().repressed
    except IndexError:
        return  # a date format of the locale, which the style's own date element already counts
    counts[_ACCESSED] = counts.get(_ACCESSED, 0) + 1
    if text:
        counts[_NONEMPTY] = counts.get(_NONEMPTY, 0) + 1


def _variable_counts(element: Any, context: Any) -> tuple[int, int]:
    counts = (context if context is not None else element).get_layout().repressed
    return counts.get(_ACCESSED, 0), counts.get(_NONEMPTY, 0)


class Group(model.Group):
    def process(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        accessed, nonempty = _variable_counts(self, context)
        output = super().process(item, context=context, **kwargs)
        accessed_after, nonempty_after = _variable_counts(self, context)
        if accessed_after > accessed and nonempty_after == nonempty:
            raise VariableError
        return output


class _CountedRender:
    """Counts a names, date or number element as one variable lookup, empty or not."""

    def render(self, *args: Any, **kwargs: Any) -> Any:
        text = None
        try:
            text = super().render(*args, **kwargs)  # type: ignore[misc]
        finally:
            _count_variable(self, kwargs.get("context"), text)
        return text


class Names(_CountedRender, model.Names):
    def render(self, *args: Any, **kwargs: Any) -> Any:
        if self.name is None and not isinstance(self.getparent(), model.Substitute):
            # citeproc-py would insert its own Name class here, again on every entry; a <name>
            # made by this document's parser uses the corrected class and is inserted once.
            # Names inside cs:substitute use the <name> of the names element they stand in for.
            self.insert(0, self.makeelement(f"{{{self.nsmap['cs']}}}name"))
        return super().render(*args, **kwargs)

    def process(self, item: Any, names_context: Any = None, context: Any = None, **kwargs: Any) -> Any:
        text = super().process(item, names_context=names_context, context=context, **kwargs)
        roles = self.get("variable", "").split()
        if text and any(role in item.reference for role in roles):
            layout = (context if context is not None else self).get_layout()
            layout.repressed.setdefault(_FIRST_NAMES, str(text))
        return text


class Date(_CountedRender, model.Date):
    pass


class Number(_CountedRender, model.Number):
    pass


class Text(model.Text):
    def _variable(self, item: Any, context: Any) -> Any:
        text = None
        try:
            text = super()._variable(item, context)
        finally:
            if self.get("variable") not in self.generated_variables:
                _count_variable(self, context, text)
        layout = (context if context is not None else self).get_layout()
        log = layout.repressed.get(_SUBSTITUTE_LOG)
        if log is not None and text:
            log.add(self.get("variable"))
        return text

    def quote(self, string: Any) -> Any:
        if self.get("quotes", "false").lower() == "true":
            # A quotation inside a quoted title takes the inner quotation marks: “A ‘B’ C”.
            outer = (str(self.get_single_term(name="open-quote")), str(self.get_single_term(name="close-quote")))
            inner = (
                str(self.get_single_term(name="open-inner-quote")),
                str(self.get_single_term(name="close-inner-quote")),
            )
            if all(outer) and all(inner):
                string = string.replace(outer[0], inner[0]).replace(outer[1], inner[1])
        return super().quote(string)

    def case(self, text: Any, language: str | None = None) -> Any:
        text_case = self.get("text-case")
        if text_case in ("capitalize-first", "capitalize-all"):
            # CSL capitalises only lowercase words, so "arXiv" stays "arXiv".
            words = str(text).split()
            if words and not words[0].islower():
                return text
        if text_case != "title" or (language is not None and language != "en"):
            return super().case(text, language)
        output = []
        previous = ":"  # the first word is always capitalised
        for word in text.words():
            output.append(_title_case_word(word, previous, self._stop_words))
            previous = str(word)[-1:]
        return " ".join(output)


def _title_case_word(word: Any, previous: str, stop_words: list[str]) -> Any:
    if isinstance(word, NoCase):
        return word
    parts = str(word).split("-")
    for index, part in enumerate(parts):
        if not part.islower():
            continue
        at_start = index == 0 and previous in (":", ".")
        if part not in stop_words or at_start:
            parts[index] = part[0].upper() + part[1:]
    return word.__class__("-".join(parts))


# Reference fields that the engine sets for disambiguation (see CslEngine.disambiguate): items
# whose citations stay ambiguous, and items whose first author needs initials in citations.
DISAMBIGUATE = "paperbib_disambiguate"
ADD_GIVENNAME = "paperbib_add_givenname"


class Name(model.Name):
    def get_option(self, name: str, context: Any = None, sort_options: Any = None) -> Any:
        if name == "initialize-with" and self.get("initialize", "true").lower() == "false":
            return None
        value = super().get_option(name, context, sort_options)
        if name == "demote-non-dropping-particle" and sort_options is not None and value == "sort-only":
            return "display-and-sort"  # sort "van der Berg" under B, as the option name says
        return value

    def process(self, item: Any, variable: str, context: Any = None, sort_options: Any = None, **kwargs: Any) -> Any:
        names = item.reference.get(variable)
        expand = (
            names
            and sort_options is None
            and item.reference.get(ADD_GIVENNAME, False)
            and self.get_option("form", context) == "short"
            and (context if context is not None else self).xpath_search("ancestor-or-self::cs:citation")
        )
        if not expand:
            return super().process(item, variable, context=context, sort_options=sort_options, **kwargs)
        item.reference[variable] = [self._with_initials(names[0], context), *names[1:]]
        try:
            return super().process(item, variable, context=context, sort_options=sort_options, **kwargs)
        finally:
            item.reference[variable] = names

    def _with_initials(self, name: Any, context: Any) -> Any:
        """Return ``name`` with the initials of its given name put before the family name."""
        given = name.get("given")
        if not given or "literal" in name:
            return name
        initials = self.initialize(given, self.get_option("initialize-with", context) or ". ", context).strip()
        fields = dict(name)
        # The short form prints the non-dropping particle and the family name, so the initials go
        # in front of the particle: "P. van der Berg".
        particle = fields.get("non-dropping-particle")
        if particle:
            fields["non-dropping-particle"] = f"{initials} {particle}"
        else:
            fields["family"] = f"{initials} {fields['family']}"
        return type(name)(**fields)

    def initialize(self, given: str, mark: str, context: Any) -> str:
        head, *tail = given.split("-")
        capitalised_parts = [head, *(part for part in tail if part[:1].isupper())]
        return super().initialize("-".join(capitalised_parts), mark, context)


class NamePart(model.Name_Part):
    def format_part(self, given: Any, family: Any) -> Any:
        # Name fields are plain str; citeproc-py's case changes need its String class.
        given = String(given) if isinstance(given, str) and not isinstance(given, String) else given
        family = String(family) if isinstance(family, str) and not isinstance(family, String) else family
        return super().format_part(given, family)


class Key(model.Key):
    def sort_keys(self, items: list[Any], context: Any) -> list[Any]:
        return [collation_key(key) for key in super().sort_keys(items, context)]


def collation_key(key: Any) -> Any:
    """Return a sort key compared like pandoc's collation: no markup, punctuation or symbols, case-folded.

    So ``[Re] Winning`` sorts under R, and an italic or quoted title sorts by its words.
    """
    if key is None or isinstance(key, int):
        return key
    text = plain_text(str(key))
    kept = "".join(char for char in text if unicodedata.category(char)[0] not in "PS")
    return " ".join(kept.split()).casefold()


class _ClosedSentences:
    """Ends a field with a period, not a comma, when the field after it was empty.

    IEEE writes ``“Title,” in Workshop,`` and expects the date group to follow. Without a year
    that group is empty, so the next field (`` Available: URL``) would follow the comma. A
    child output that ends with ``", "`` followed by one that starts a new clause (a space and
    a capital) gets ``". "`` instead. Only children joined without a delimiter are checked.
    """

    def render_children(self, item: Any, delimiter: str = "", **kwargs: Any) -> Any:
        output = []
        for child in self.iterchildren():  # type: ignore[attr-defined]
            try:
                if isinstance(child, model.Choose):
                    text = child.render(item, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, **kwargs)
            except VariableError:
                continue
            if text is not None:
                output.append(text)
        if not output:
            return None
        if not delimiter:
            for index in range(len(output) - 1):
                current, following = str(output[index]), plain_text(str(output[index + 1]))
                if current.endswith(", ") and following[:1] == " " and following[1:2].isupper():
                    output[index] = current[:-2] + ". "
        return join(output, delimiter)


class If(_ClosedSentences, model.If):
    def render(self, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any) -> Any:
        if self.get("disambiguate", "").lower() == "true" and not item.reference.get(DISAMBIGUATE, False):
            raise model.ConditionFailed
        return super().render(item, context=context, delimiter=delimiter, **kwargs)


class ElseIf(If, model.Else_If):
    pass


class Else(_ClosedSentences, model.Else):
    pass


class Substitute(model.Substitute):
    def render(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        layout = (context if context is not None else self).get_layout()
        outer_log = layout.repressed.get(_SUBSTITUTE_LOG)
        layout.repressed[_SUBSTITUTE_LOG] = set()
        try:
            return super().render(item, context=context, **kwargs)
        finally:
            rendered = layout.repressed.pop(_SUBSTITUTE_LOG)
            if outer_log is not None:
                layout.repressed[_SUBSTITUTE_LOG] = outer_log | rendered

    def add_to_repressed_list(self, child: Any, context: Any) -> None:
        layout = (context if context is not None else self).get_layout()
        text_tag = f"{{{self.nsmap['cs']}}}text"
        layout.repressed.setdefault(text_tag, []).extend(sorted(layout.repressed.get(_SUBSTITUTE_LOG, ())))


class Layout(model.Layout):
    def render_bibliography(self, citation_items: list[Any]) -> list[Any]:
        bibliography = self.getparent()
        split = bool(bibliography.get("second-field-align"))
        author_substitute = bibliography.get("subsequent-author-substitute")
        previous_names = None
        output_items = []
        for item in citation_items:
            self.repressed = {}
            if split:
                head, rest = self._render_split(item)
                parts = [part for part in (head, rest) if part is not None]
                body = join(parts, BLOCK_BREAK) if parts else None
            else:
                body = self.render_children(item)
            if body is None:
                continue
            text = self.format(self.wrap(body))
            names = self.repressed.get(_FIRST_NAMES)
            if author_substitute is not None and names and names == previous_names:
                # The "complete-all" rule, CSL's default: identical names are replaced as a whole.
                text = str(text).replace(names, author_substitute, 1)
            previous_names = names
            output_items.append(text)
        return output_items

    def _render_split(self, item: Any) -> tuple[Any, Any]:
        """Render the first child that has output apart from the children after it."""
        head = None
        rest: list[Any] = []
        for child in self.iterchildren():
            try:
                text = child.render(item, delimiter="") if isinstance(child, model.Choose) else child.render(item)
            except VariableError:
                continue
            if text is None:
                continue
            if head is None:
                head = text
            else:
                rest.append(text)
        return head, join(rest, self.get("delimiter", "")) if rest else None


# Tag name -> class, for the element class lookup of a style's parser.
OVERRIDES = {
    "substitute": Substitute,
    "layout": Layout,
    "text": Text,
    "group": Group,
    "names": Names,
    "date": Date,
    "number": Number,
    "name": Name,
    "key": Key,
    "name-part": NamePart,
    "if": If,
    "else-if": ElseIf,
    "else": Else,
}
