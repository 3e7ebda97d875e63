from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import load_tricky
from paperbib.exporters.base import ExportOptions
from paperbib.exporters.csl_json import CslJsonExporter

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "csl-data.json").read_text(encoding="utf-8"))
FIXTURES = [
    "ampersand.md",
    "percent.md",
    "braces.md",
    "acronyms.md",
    "math.md",
    "greek.md",
    "cjk.md",
    "emoji.md",
    "typography.md",
    "brackets.md",
    "urls.md",
    "arxiv_versions.md",
    "collision.md",
    "missing_year.md",
    "punctuation.md",
]
CSL_KEYS = set(SCHEMA["items"]["properties"])


def items(bibliography) -> list[dict]:
    text = CslJsonExporter().export(bibliography.records, ExportOptions()).text
    return json.loads(text)


def validate(data: list[dict]) -> None:
    jsonschema.Draft7Validator(SCHEMA).validate(data)


def test_papers_validate_against_schema(papers):
    data = items(papers)
    validate(data)
    assert len(data) == 101
    for item, record in zip(data, papers.records, strict=True):
        assert item["id"] == item["citation-key"] == record.key
        assert item["title"] == record.title
        assert item["type"] == "paper-conference"
        assert item["issued"] == {"date-parts": [[record.year]]}
        assert isinstance(item["issued"]["date-parts"][0][0], int)
        assert set(item) <= CSL_KEYS


def test_first_paper_item(papers):
    item = items(papers)[0]
    assert item["container-title"].startswith("The Twelfth International Conference on Learning Representations")
    assert item["event-title"] == "International Conference on Learning Representations (ICLR 2024)"
    assert item["publisher"] == "OpenReview.net"
    assert item["URL"] == "https://iclr.cc/virtual/2024/poster/17575"
    assert item["note"].splitlines()[0] == "arXiv: 2310.01801"


@pytest.mark.parametrize("fixture", FIXTURES)
def test_tricky_inputs_validate(fixture):
    data = items(load_tricky(fixture))
    validate(data)
    ids = [item["id"] for item in data]
    assert len(set(ids)) == len(ids)
    for item in data:
        assert set(item) <= CSL_KEYS


def test_titles_are_exactly_as_written():
    assert items(load_tricky("ampersand.md"))[0]["title"] == "Backdoors & Bit-Flips: Attacking Quantised Networks"
    assert items(load_tricky("ampersand.md"))[0]["container-title"] == "S&P"
    assert items(load_tricky("percent.md"))[0]["title"].startswith("Pruning 90% of Weights")
    assert items(load_tricky("braces.md"))[1]["title"] == "Recovering From Unclosed { Braces in Model Output"
    assert items(load_tricky("math.md"))[0]["title"] == r"$\ell_1$-Regularised Pruning at $O(\log n)$ Cost"
    greek = items(load_tricky("greek.md"))
    assert greek[1]["title"] == "Latency of 3 \u00b5s at 5 mW: \u0394-Encoding for Event Sensors"
    assert items(load_tricky("typography.md"))[1]["title"] == "GPT\u20112 in 4\u00a0GB: Don\u2019t Quantise, Distil"
    assert items(load_tricky("emoji.md"))[0]["title"] == "\U0001f999 LLaMA-Mini: Shrinking Chat Models \u26a1\ufe0f"
    assert items(load_tricky("cjk.md"))[0]["title"] == "大语言模型的量化：方法与挑战"


def test_missing_year_has_no_issued():
    first, second = items(load_tricky("missing_year.md"))
    assert first["issued"] == {"date-parts": [[2024]]}
    assert first["type"] == "article"
    assert first["publisher"] == "arXiv"
    assert first["number"] == "2407.04321"
    assert "issued" not in second
    assert second["type"] == "paper-conference"


def test_arxiv_versions_in_note():
    data = items(load_tricky("arxiv_versions.md"))
    assert data[0]["note"] == "arXiv: 2310.04321v2"
    assert data[0]["URL"] == "https://arxiv.org/abs/2310.04321v2"


def test_urls_kept_exactly():
    data = items(load_tricky("urls.md"))
    assert data[0]["URL"] == "https://papers.example.cc/files/2018/Compact%20Nets%20Final.pdf#page=2"
    assert "code: https://www.cs.example.edu/~group/compact_nets" in data[0]["note"]
    assert "openreview: https://openreview.net/forum?id=AbAbAb_V_" in data[1]["note"]
