from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import PAPERS, load_tricky
from paperbib.cli import main
from paperbib.pipeline import load
from paperbib.steps.keys import KEY_PATTERN, KeyFormatError, assign_keys, parse_key_format


def keys_for(bibliography, formula: str) -> list[str]:
    return [record.key for record in assign_keys(bibliography.records, parse_key_format(formula))]


def test_venue_year_formula_gives_default_keys(papers):
    assert keys_for(papers, "{venue}{year}-{title:3}") == [record.key for record in papers.records]


def test_formula_fields(papers):
    first = papers.records[0]
    assert first.ids.arxiv == "2310.01801"
    keys = keys_for(papers, "{year}:{title:1}_{arxiv}")
    assert keys[0] == "2024:model_2310-01801"
    assert keys_for(papers, "{venue}-{title}")[0] == "iclr-model-tells-discard"


@pytest.mark.parametrize("formula", ["{venue}{year}-{title:3}", "{year}", "{venue}", "{title:1}", "{arxiv}-{hash}"])
def test_formula_keys_are_valid_and_unique(papers, formula):
    keys = keys_for(papers, formula)
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert KEY_PATTERN.match(key), key


def test_empty_fields_leave_no_stray_separators():
    bibliography = load_tricky("missing_year.md")
    assert keys_for(bibliography, "{venue}-{year}-{title:2}") == [
        "arxiv-2024-survey-cache",
        "workshop-pruning-retraining",
    ]
    keys = keys_for(bibliography, "{arxiv}")
    assert keys[0] == "2407-04321"
    assert len(keys[1]) == 6  # no arXiv ID: the identity hash


def test_collisions_get_more_words_then_hash():
    keys = keys_for(load_tricky("collision.md"), "{venue}-{title:2}")
    assert keys[1] == "icml-sparse-attention-long-videos"
    assert keys[0].startswith("icml-sparse-attention-long-sequences-")
    assert keys[2].startswith("icml-sparse-attention-long-sequences-")
    assert keys[0] != keys[2]


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("{author}", "unknown field {author}"),
        ("{year:2}", "only {title} takes a word count"),
        ("{title:0}", "word count 0 is outside 1-20"),
        ("{title:21}", "word count 21 is outside 1-20"),
        ("Key{year}", "character 'K' at position 1 is not allowed"),
        ("{venue} {year}", "character ' ' at position 8 is not allowed"),
        ("fixed", "has no field"),
    ],
)
def test_invalid_formulas(formula, message):
    with pytest.raises(KeyFormatError, match=message.replace("{", r"\{").replace("}", r"\}")):
        parse_key_format(formula)


def test_cli_key_format(papers):
    result = CliRunner().invoke(main, ["export", str(PAPERS), "--to", "csl-json", "--key-format", "{year}-{title:2}"])
    assert result.exit_code == 0, result.stderr
    assert '"id": "2024-model-tells"' in result.stdout


def test_cli_invalid_key_format_is_usage_error():
    result = CliRunner().invoke(main, ["export", str(PAPERS), "--key-format", "{author}"])
    assert result.exit_code == 2
    assert "Invalid value for '--key-format'" in result.stderr
    assert "unknown field {author}" in result.stderr


def test_load_accepts_key_format():
    bibliography = load(str(PAPERS), key_format=parse_key_format("{venue}-{hash}"))
    assert bibliography.records[0].key.startswith("iclr-")
