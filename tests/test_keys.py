from __future__ import annotations

import random

from conftest import PAPERS, load_tricky
from paperbib.diagnostics import Code
from paperbib.pipeline import load
from paperbib.steps.keys import KEY_PATTERN, title_words


def test_real_list_keys_are_valid_and_unique(papers):
    keys = [record.key for record in papers.records]
    assert len(set(keys)) == len(keys)
    for record in papers.records:
        assert KEY_PATTERN.match(record.key), record.key
        assert record.key.startswith(f"{record.venue_info.id}{record.year}-"), record.key


def test_first_key_of_real_list(papers):
    assert papers.records[0].key == "iclr2024-model-tells-discard"


def test_keys_survive_shuffle_and_deletion(papers, tmp_path):
    """A paper's key does not depend on its position or on the other papers."""
    text = PAPERS.read_text(encoding="utf-8")
    lines = text.split("\n")
    bullets = [index for index, line in enumerate(lines) if line.startswith("- ") and "[[" in line]
    sections: dict[int, list[int]] = {}
    heading = 0
    for index, line in enumerate(lines):
        if line.startswith("## "):
            heading = index
        if index in bullets:
            sections.setdefault(heading, []).append(index)
    expected = {record.title: record.key for record in papers.records}
    generator = random.Random(20261204)
    for attempt in range(3):
        kept_lines = list(lines)
        for members in sections.values():
            chosen = [lines[i] for i in members]
            generator.shuffle(chosen)
            if attempt > 0:
                chosen = chosen[: max(1, len(chosen) // 2)]
            for position, line_index in enumerate(members):
                kept_lines[line_index] = chosen[position] if position < len(chosen) else ""
        path = tmp_path / f"variant{attempt}.md"
        path.write_text("\n".join(kept_lines), encoding="utf-8")
        variant = load(str(path))
        assert variant.records
        for record in variant.records:
            assert record.key == expected[record.title]


def test_collision_keys_come_from_own_data():
    bibliography = load_tricky("collision.md")
    keys = [record.key for record in bibliography.records]
    assert len(set(keys)) == 3
    assert keys[1] == "icml2023-sparse-attention-long-videos"
    assert keys[0].startswith("icml2023-sparse-attention-long-sequences-")
    assert keys[2].startswith("icml2023-sparse-attention-long-sequences-")
    duplicate_titles = [d for d in bibliography.diagnostics if d.code is Code.DUPLICATE_TITLE]
    assert len(duplicate_titles) == 1
    assert duplicate_titles[0].location.line == 6
    assert "collision.md:4" in duplicate_titles[0].message


def test_collision_keys_do_not_depend_on_order(tmp_path):
    from conftest import TRICKY

    lines = (TRICKY / "collision.md").read_text(encoding="utf-8").split("\n")
    swapped = list(lines)
    swapped[3], swapped[5] = lines[5], lines[3]
    path = tmp_path / "swapped.md"
    path.write_text("\n".join(swapped), encoding="utf-8")
    original = {record.paper_url: record.key for record in load_tricky("collision.md").records}
    for record in load(str(path)).records:
        assert original[record.paper_url] == record.key


def test_cjk_titles_get_distinct_transliterated_keys():
    keys = [record.key for record in load_tricky("cjk.md").records]
    assert keys == ["acl2023-da-yu-yan", "acl2023-mian-xiang-yi"]


def test_keys_drop_quotes_math_and_symbols():
    assert title_words("GPT\u20112 in 4\u00a0GB: Don\u2019t Quantise") == [
        "gpt2",
        "in",
        "4",
        "gb",
        "dont",
        "quantise",
    ]
    assert title_words("Q&A Models") == ["qa", "models"]
    assert title_words(r"$\ell_1$-Regularised Pruning") == ["regularised", "pruning"]
    assert title_words("🦙 LLaMA-Mini ⚡️") == ["llamamini"]


def test_keys_without_year_or_venue():
    keys = [record.key for record in load_tricky("missing_year.md").records]
    assert keys == ["arxiv2024-survey-cache-compression", "workshop-pruning-retraining"]
    for key in keys:
        assert KEY_PATTERN.match(key)


def test_titles_with_equal_words_get_distinct_keys(tmp_path):
    path = tmp_path / "same_words.md"
    path.write_text(
        "# 2021\n## ICML-2021\n- $x$ [[paper](https://x.org/p)]\n- $y$ [[paper](https://x.org/p)]\n"
        "- Δ-Nets [[paper](https://x.org/q)]\n- D-Nets [[paper](https://x.org/q)]\n",
        encoding="utf-8",
    )
    keys = [record.key for record in load(str(path)).records]
    assert len(set(keys)) == 4
    for key in keys:
        assert KEY_PATTERN.match(key)


def test_first_key_matches_unshared_keys():
    from paperbib.steps.keys import first_key, parse_key_format

    records = load(str(PAPERS)).records
    first_keys = [first_key(record) for record in records]
    shared = {key for key in first_keys if first_keys.count(key) > 1}
    for record, key in zip(records, first_keys, strict=True):
        if key not in shared:
            assert record.key == key
    formula = parse_key_format("{venue}{year}-{title:2}")
    formatted = load(str(PAPERS), key_format=formula).records
    assert sum(first_key(record, formula) == record.key for record in formatted) > len(formatted) // 2
