"""Title facts: the forms of each title that the duplicate and key steps use, computed while the list is read.

Both are pure functions of the title, so the reader can compute them for the part of a long list
that a forked child reads (see ``read_markdown``'s ``prepare``), and the steps then only look them up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from paperbib.model import Record
from paperbib.steps.keys import significant_words
from paperbib.text import normalise_title


@dataclass
class TitleFacts:
    """Title -> its comparison form (``normalise_title``) and title -> its key words (``significant_words``).

    The key words of a title are kept joined by "-" (they contain none), one string instead of a list
    of strings: about a third of the memory for the 100,000 titles of a generated list.
    """

    normalised: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def of(records: list[Record]) -> tuple[dict[str, str], dict[str, str]]:
        """Return both mappings for the titles of ``records``, as marshal can pass them between processes."""
        normalised: dict[str, str] = {}
        words: dict[str, str] = {}
        for record in records:
            title = record.title
            if title not in normalised:
                normalised[title] = normalise_title(title)
                words[title] = "-".join(significant_words(title))
        return normalised, words

    def add(self, part: tuple[dict[str, str], dict[str, str]]) -> None:
        normalised, words = part
        self.normalised.update(normalised)
        self.words.update(words)
