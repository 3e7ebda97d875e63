from __future__ import annotations

import json

from exports import export_text
from paperbib.diagnostics import Code
from paperbib.pipeline import process
from paperbib.reader.markdown_list import read_markdown
from paperbib.source import Source


def run(text: str):
    result = read_markdown(Source("list.md", text))
    return process(result.records, result.diagnostics)


def test_same_arxiv_id_merges_with_warning():
    bibliography = run(
        "# 2024\n## ICLR-2024\n- Title One [[arxiv](https://arxiv.org/abs/2310.01801)]\n"
        "- Title One Again [[arxiv](https://arxiv.org/abs/2310.01801v2)] [[code](https://github.com/a/b)]\n"
    )
    assert len(bibliography.records) == 1
    record = bibliography.records[0]
    assert [link.url for link in record.links][-1] == "https://github.com/a/b"
    assert [location.line for location in record.duplicates] == [4]
    (warning,) = [d for d in bibliography.diagnostics if d.code is Code.DUPLICATE]
    assert "list.md:3" in warning.message


def test_same_title_same_venue_year_merges():
    bibliography = run(
        "# 2024\n## ICLR-2024\n- Sparse Things [[paper](https://a.org/1)]\n- sparse things. [[paper](https://a.org/1)]\n"
    )
    assert len(bibliography.records) == 1


def test_same_title_other_year_is_kept():
    bibliography = run(
        "# 2024\n## ICLR-2024\n- Sparse Things [[paper](https://a.org/1)]\n"
        "# 2023\n## ICLR-2023\n- Sparse Things [[paper](https://a.org/2)]\n"
    )
    assert len(bibliography.records) == 2


def test_published_listing_wins_over_preprint():
    bibliography = run(
        "# 2023\n## arXiv\n- Fast Sparse Transformers [[arxiv](https://arxiv.org/abs/2301.11111)]\n"
        "# 2024\n## ICLR-2024\n- Fast Sparse Transformers [[paper](https://openreview.net/forum?id=FST1)] "
        "[[arxiv](https://arxiv.org/abs/2301.11111v2)]\n"
    )
    (record,) = bibliography.records
    assert record.venue_info.id == "iclr"
    assert record.year == 2024
    assert record.ids.arxiv == "2301.11111v2"
    assert record.location.line == 6
    assert [location.line for location in record.duplicates] == [3]


def test_symbols_distinguish_titles():
    bibliography = run(
        "# 2024\n## ICLR-2024\n- C++ Programming Tips [[paper](https://a.org/1)]\n"
        "- C# Programming Tips [[paper](https://a.org/1)]\n"
    )
    assert len(bibliography.records) == 2


def test_titles_without_words_are_not_merged():
    bibliography = run("# 2024\n## ICLR-2024\n- ??? [[paper](https://a.org/1)]\n- ... [[paper](https://a.org/2)]\n")
    assert len(bibliography.records) == 2
    assert not [d for d in bibliography.diagnostics if d.code in (Code.DUPLICATE, Code.DUPLICATE_TITLE)]


MERGED_VERSIONS = (
    "# 2023\n## ICLR-2023\n"
    "- Two Listed Versions [[paper](https://arxiv.org/abs/2310.01801v1)] [[code](https://github.com/a/b)]\n"
    "- Two Listed Versions [[arxiv](https://arxiv.org/pdf/2310.01801v2.pdf)]\n"
    "- Versions In One Bullet [[arxiv](https://arxiv.org/abs/2311.01234v2)] [[paper](https://arxiv.org/abs/2311.01234v1)]\n"
)


def test_merged_versions_give_one_version():
    bibliography = run(MERGED_VERSIONS)
    merged, single = bibliography.records
    assert merged.ids.arxiv == "2310.01801v2"
    assert single.ids.arxiv == "2311.01234v2"
    (warning,) = [d for d in bibliography.diagnostics if d.code is Code.DUPLICATE]
    assert "arXiv:2310.01801v2" in warning.message
    assert "arXiv:2310.01801v1" in warning.message


def test_merged_versions_agree_in_every_format():
    bibliography = run(MERGED_VERSIONS)
    bibtex = export_text("bibtex", bibliography)
    assert "url = {https://arxiv.org/abs/2310.01801v2}" in bibtex
    assert "eprint = {2310.01801v2}" in bibtex
    assert "paper: https://arxiv.org/abs/2310.01801v1" in bibtex  # the other version is not lost
    assert "url = {https://arxiv.org/abs/2311.01234v2}" in bibtex
    assert "paper: https://arxiv.org/abs/2311.01234v1" in bibtex
    biblatex = export_text("biblatex", bibliography)
    assert "url = {https://arxiv.org/abs/2310.01801v2}" in biblatex
    assert "eprint = {2310.01801v2}" in biblatex
    items = json.loads(export_text("csl-json", bibliography))
    assert items[0]["URL"] == "https://arxiv.org/abs/2310.01801v2"
    assert "arXiv: 2310.01801v2" in items[0]["note"]
    assert "https://arxiv.org/abs/2310.01801v1" in items[0]["note"]
    ris = export_text("ris", bibliography)
    assert "UR  - https://arxiv.org/abs/2310.01801v2" in ris
    assert "UR  - https://arxiv.org/abs/2310.01801v1" not in ris
