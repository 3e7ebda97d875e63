"""pybtex formatting styles that accept entries without authors, as paper lists have them.

pybtex's plain, unsrt, alpha and unsrtalpha styles raise ``FieldIsMissing`` for an article or
conference paper without an author. These subclasses make the names optional, so such an entry
starts with its title and no empty ``.`` or ``,`` is left behind. The year is optional too. An
entry without authors is sorted and labelled by its ``key`` field (the title), as BibTeX's
plain.bst does. They are registered as ``paperbib-plain``, ``paperbib-unsrt``,
``paperbib-alpha`` and ``paperbib-unsrtalpha`` under pybtex's ``pybtex.style.formatting`` entry
points, so ``pybtex`` itself can use them too.
"""

from __future__ import annotations

from typing import Any

from pybtex.richtext import Text
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as UnsrtBase
from pybtex.style.formatting.unsrt import pages
from pybtex.style.labels.alpha import LabelStyle as AlphaLabels
from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitle
from pybtex.style.template import field, first_of, join, optional, optional_field, sentence, tag, words

# pybtex's date requires a year; list entries may have none ("Under Review" sections).
optional_date = optional[words[optional_field("month"), field("year")]]


class TitleKeySorting(AuthorYearTitle):
    """pybtex's author-year-title order, with the ``key`` field standing in for missing authors."""

    def sorting_key(self, entry: Any) -> tuple[str, str, str]:
        author_key, year, title = super().sorting_key(entry)
        if not author_key:
            # The key field is the title with protecting braces, which must not affect the order.
            author_key = entry.fields.get("key", "").replace("{", "").replace("}", "").lower()
        return author_key, year, title


class TextKeyLabels(AlphaLabels):
    """alpha labels that take the first letters of the ``key`` field as text, not as LaTeX source.

    pybtex cuts the first three characters of the key's source, so ``{AMC}: ...`` gives the label
    ``{AM18``. BibTeX's alpha.bst uses ``text.prefix$``, which counts neither braces nor the
    letters of an accent command. Cutting the key's decoded text to three characters gives the
    same letters.
    """

    def format_label(self, entry: Any) -> str:
        key = entry.fields.get("key")
        if key is not None:
            from pybtex.database import Entry

            entry_as_text = Entry(entry.type, fields={**entry.fields}, persons=entry.persons)
            entry_as_text.key = entry.key
            entry_as_text.fields["key"] = Text.from_latex(key).render_as("text")
            entry = entry_as_text
        return str(super().format_label(entry))


class UnsrtStyle(UnsrtBase):
    """unsrt (citation order, numbers) without requiring authors."""

    def format_names(self, role: str, as_sentence: bool = True) -> Any:
        return optional[super().format_names(role, as_sentence)]

    def get_article_template(self, e: Any) -> Any:
        volume_and_pages = first_of[
            optional[join[field("volume"), optional["(", field("number"), ")"], ":", pages]],
            words["pages", pages],
        ]
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            sentence[tag("em")[field("journal")], optional[volume_and_pages], optional_date],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]

    def format_address_organization_publisher_date(self, e: Any, include_organization: bool = True) -> Any:
        organization = optional_field("organization") if include_organization else None
        return first_of[
            optional[
                join(sep=" ")[
                    sentence[field("address"), optional_date],
                    sentence[organization, optional_field("publisher")],
                ],
            ],
            sentence[organization, optional_field("publisher"), optional_date],
        ]


class PlainStyle(UnsrtStyle):
    """plain (sorted by author, year, title; numbers) without requiring authors."""

    default_sorting_style = "author_year_title"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sort = TitleKeySorting().sort


class AlphaStyle(PlainStyle):
    """alpha (sorted; labels such as ``Mod24``) without requiring authors."""

    default_label_style = TextKeyLabels


class UnsrtAlphaStyle(UnsrtStyle):
    """unsrtalpha (citation order; alpha labels) without requiring authors."""

    default_label_style = TextKeyLabels


NO_DATE = "n.d."


class PaperListStyle(UnsrtStyle):
    """``paperbib-unsrt`` that prints ``n.d.`` (no date) for an entry without a year.

    Registered as ``paperbib`` for pybtex's own commands:
    ``pybtex-format --style paperbib papers.md papers.html``.
    """

    def format_entry(self, label: str, entry: Any, bib_data: Any = None) -> Any:
        if "year" not in entry.fields:
            from pybtex.database import Entry

            # A copy, so the bibliography data itself keeps no invented year.
            dated = Entry(entry.type, fields={**entry.fields, "year": NO_DATE}, persons=entry.persons)
            dated.key = entry.key
            entry = dated
        return super().format_entry(label, entry, bib_data)
