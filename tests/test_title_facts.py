"""Title facts computed ahead give the same duplicates and keys as the steps compute alone."""

from __future__ import annotations

import copy

from conftest import PAPERS, TRICKY
from paperbib.reader.markdown_list import read_markdown
from paperbib.source import read_source
from paperbib.steps.dedupe import dedupe
from paperbib.steps.identify import identify
from paperbib.steps.keys import assign_keys, significant_words
from paperbib.steps.resolve_venues import resolve_venues
from paperbib.steps.title_facts import TitleFacts
from paperbib.text import normalise_title
from paperbib.venues import default_catalogue


def _records():
    records = []
    for path in [PAPERS, *sorted(TRICKY.glob("*.md"))]:
        if "latin1" in path.name:
            continue
        records += read_markdown(read_source(str(path))).records
    records = identify(records, copy=False)
    records, _ = resolve_venues(records, default_catalogue(), copy=False)
    return records + copy.deepcopy(records[:20])  # listed twice, so that some are merged


def test_title_facts_equal_the_functions() -> None:
    records = _records()
    normalised, words = TitleFacts.of(records)
    assert normalised == {record.title: normalise_title(record.title) for record in records}
    assert words == {record.title: "-".join(significant_words(record.title)) for record in records}


def test_title_facts_give_the_same_steps() -> None:
    records = _records()
    facts = TitleFacts()
    facts.add(TitleFacts.of(records))
    alone, alone_findings = dedupe(copy.deepcopy(records))
    ahead, ahead_findings = dedupe(copy.deepcopy(records), facts.normalised)
    assert ahead == alone
    assert ahead_findings == alone_findings
    assert alone_findings  # the doubled records were merged
    keyed_alone = [record.key for record in assign_keys(alone, copy=True)]
    keyed_ahead = [record.key for record in assign_keys(ahead, copy=True, words=facts.words)]
    assert keyed_ahead == keyed_alone
