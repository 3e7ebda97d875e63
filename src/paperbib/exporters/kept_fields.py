"""Fields from an earlier .bib file that a re-export keeps: whatever the exporter does not generate."""

from __future__ import annotations

from collections.abc import Collection, Sequence

# Styles sort author-less entries by BibTeX's "key" field; with a name list it is not needed.
_NAME_FIELDS = {"author", "editor"}


def merge_kept_fields(
    generated: list[tuple[str, str]], kept: Sequence[tuple[str, str]], owned: Collection[str]
) -> list[tuple[str, str]]:
    """Merge the earlier entry's fields ``kept`` into ``generated``.

    Fields named in ``owned`` come from the list alone, so a stale value is dropped. Every other
    kept field wins over a generated one of the same name, because it was written by hand, and
    kept fields that the export lacks are appended in their earlier order.
    """
    owned_names = {name.lower() for name in owned}
    hand = [(name, value) for name, value in kept if name.lower() not in owned_names]
    hand_names = {name.lower() for name, _ in hand}
    merged = [(name, value) for name, value in generated if name.lower() not in hand_names]
    if hand_names & _NAME_FIELDS:
        merged = [(name, value) for name, value in merged if name.lower() != "key"]
    position = next((index for index, (name, _) in enumerate(merged) if name.lower() != "title"), len(merged))
    # Names go right after the title, where the other fields of a hand-written entry usually are.
    names = [(name, value) for name, value in hand if name.lower() in _NAME_FIELDS]
    others = [(name, value) for name, value in hand if name.lower() not in _NAME_FIELDS]
    return merged[:position] + names + merged[position:] + others
