from __future__ import annotations

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
