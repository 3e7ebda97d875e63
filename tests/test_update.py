from __future__ import annotations

import random
import re
from dataclasses import replace

import bibtexparser
import pytest
from click.testing import CliRunner

from conftest import PAPERS, TRICKY
from exports import export_text, load_input
from paperbib.cli import main
from paperbib.errors import InputError
from paperbib.exporters.kept_fields import merge_kept_fields
from paperbib.model import Identifiers
from paperbib.steps.update import ExistingEntry, read_existing, update_keys

HAND_FIELDS = {
    "author": 'M{\\"u}ller, Anna and Chen, Bo',
    "pages": "101--112",
    "note": "Oral presentation",
}


def run_export(*arguments: str):
    result = CliRunner().invoke(main, ["export", *arguments], catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def entries(path) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    return {entry.key: {field.key: field.value for field in entry.fields} for entry in library.entries}


def add_fields_by_hand(path, keys: list[str]) -> None:
    """Insert HAND_FIELDS after the first line of each entry in ``keys``, as a user would."""
    text = path.read_text(encoding="utf-8")
    for key in keys:
        extra = "".join(f"  {name} = {{{value}}},\n" for name, value in HAND_FIELDS.items())
        text, count = re.subn(rf"(@\w+\{{{re.escape(key)},\n)", lambda match, extra=extra: match.group(1) + extra, text)
        assert count == 1, key
    path.write_text(text, encoding="utf-8")


def changed_list(tmp_path) -> tuple:
    """papers.md with every section shuffled, three papers removed, one retitled and one added."""
    lines = PAPERS.read_text(encoding="utf-8").split("\n")
    bullets = [index for index, line in enumerate(lines) if line.startswith("- ") and "[[" in line]
    generator = random.Random(7)
    removed_lines = [lines[index] for index in generator.sample(bullets, 3)]
    sections: dict[int, list[int]] = {}
    heading = 0
    for index, line in enumerate(lines):
        if line.startswith("## "):
            heading = index
        if index in bullets:
            sections.setdefault(heading, []).append(index)
    changed = list(lines)
    for members in sections.values():
        chosen = [lines[index] for index in members]
        generator.shuffle(chosen)
        for line_index, line in zip(members, chosen, strict=True):
            changed[line_index] = "" if line in removed_lines else line
    first_heading = next(index for index, line in enumerate(changed) if line.startswith("## "))
    changed.insert(
        first_heading + 1,
        "- A Newly Listed Paper on Sparse Caches [[paper](https://openreview.net/forum?id=NewNew1234)]",
    )
    retitled = next(line for line in changed if "[[arxiv](https://arxiv.org/abs/2310.01801)]" in line)
    changed[changed.index(retitled)] = retitled.replace(
        "Model Tells You What to Discard", "Model Tells You What To Drop"
    )
    path = tmp_path / "papers.md"
    path.write_text("\n".join(changed), encoding="utf-8")
    return path, removed_lines


@pytest.mark.parametrize("format_name", ["bibtex", "biblatex"])
def test_update_scenario_keeps_keys_and_hand_fields(papers, tmp_path, format_name):
    refs = tmp_path / "refs.bib"
    first_run = run_export(str(PAPERS), "--to", format_name, "-o", str(refs), "--update")
    assert "keys: 0 kept, 101 added, 0 removed, 0 renamed" in first_run.stderr
    before = entries(refs)
    assert list(before) == [record.key for record in papers.records]

    edited = [papers.records[0].key, papers.records[40].key, papers.records[-1].key]
    add_fields_by_hand(refs, edited)
    new_list, removed_lines = changed_list(tmp_path)
    key_map = tmp_path / "keys.tsv"
    second_run = run_export(str(new_list), "--to", format_name, "-o", str(refs), "--update", "--key-map", str(key_map))
    after = entries(refs)

    removed_titles = [line[2:].split(" [[")[0] for line in removed_lines]
    removed_keys = sorted(record.key for record in papers.records if record.title in removed_titles)
    assert len(removed_keys) == 3
    for key in before:
        if key in removed_keys:
            assert key not in after
            assert f"removed {key}" in second_run.stderr
        else:
            assert key in after, key
    for key in edited:
        if key in removed_keys:
            continue
        for name, value in HAND_FIELDS.items():
            assert after[key][name] == value, (key, name)
        assert "key" not in after[key]
    # The retitled paper is matched by its arXiv ID: same key, title from the list.
    assert after["iclr2024-model-tells-discard"]["title"].startswith("Model Tells You What To Drop")
    assert "added iclr2024-newly-listed-paper" in second_run.stderr
    assert "keys: 98 kept, 1 added, 3 removed, 0 renamed" in second_run.stderr
    rows = [line.split("\t") for line in key_map.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["change", "old_key", "new_key"]
    assert ["added", "-", "iclr2024-newly-listed-paper"] in rows
    for key in removed_keys:
        assert ["removed", key, "-"] in rows
    assert sum(row[0] == "kept" for row in rows) == 98


def test_update_keeps_old_keys_under_new_key_format(papers, tmp_path):
    refs = tmp_path / "refs.bib"
    run_export(str(PAPERS), "-o", str(refs))
    result = run_export(str(PAPERS), "-o", str(refs), "--update", "--key-format", "{year}-{title:2}")
    assert "keys: 101 kept, 0 added, 0 removed, 0 renamed" in result.stderr
    assert list(entries(refs)) == [record.key for record in papers.records]


def test_update_rename_keys_lists_old_and_new(papers, tmp_path):
    refs = tmp_path / "refs.bib"
    run_export(str(PAPERS), "-o", str(refs))
    result = run_export(str(PAPERS), "-o", str(refs), "--update", "--rename-keys", "--key-format", "{year}-{title:2}")
    assert "keys: 0 kept, 0 added, 0 removed, 101 renamed" in result.stderr
    assert "renamed iclr2024-model-tells-discard -> 2024-model-tells" in result.stderr
    assert "2024-model-tells" in entries(refs)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--update"], "--update needs -o/--output"),
        (["--key-map", "map.tsv"], "--key-map needs --update"),
        (["--rename-keys"], "--rename-keys needs --update"),
        (["--to", "ris", "-o", "refs.ris", "--update"], "--update works with bibtex and biblatex"),
    ],
)
def test_update_usage_errors(tmp_path, arguments, message):
    result = CliRunner().invoke(main, ["export", str(PAPERS), *arguments])
    assert result.exit_code == 2
    assert message in result.stderr


def test_update_rejects_unparsable_bib(tmp_path):
    refs = tmp_path / "refs.bib"
    refs.write_text("@misc{good, title = {A}}\n\n@misc{broken\n  title = {B}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", str(PAPERS), "-o", str(refs), "--update"])
    assert result.exit_code == 1
    assert f"{refs}:3: cannot parse the block that starts on this line: Expected comma after entry key" in (
        result.stderr
    )
    assert refs.read_text(encoding="utf-8").startswith("@misc{good")


def existing(key: str, **fields: str) -> ExistingEntry:
    return ExistingEntry(key, "misc", tuple(fields.items()), 1)


def test_match_by_arxiv_ignores_version(papers):
    record = papers.records[0]
    old = existing("mykey", title="Something Else", eprint="2310.01801v3")
    result = update_keys([record], [old])
    assert result.records[0].key == "mykey"
    assert result.report.kept == ["mykey"]


def test_match_by_doi_case_insensitive():
    record = load_input(TRICKY / "ampersand.md").records[0]
    record = replace(record, ids=Identifiers(doi="10.1109/SP46215.2023.00099"))
    old = existing("sp-backdoors", title="Other", url="https://doi.org/10.1109/sp46215.2023.00099")
    assert update_keys([record], [old]).records[0].key == "sp-backdoors"


def test_match_by_title_through_latex():
    records = load_input(TRICKY / "greek.md").records
    old = [
        existing("alpha-old", title="$\\alpha$-{M}ixing and $\\beta$-Warmup for Low-Bit Detectors"),
        existing("delta-old", title="{Latency of 3 {µs} at 5 {mW}: {Δ}-Encoding for Event Sensors}"),
    ]
    result = update_keys(records, old)
    assert [record.key for record in result.records] == ["alpha-old", "delta-old"]


def test_entry_matches_one_record_only():
    records = load_input(TRICKY / "collision.md").records
    old = [existing("only-one", title="Sparse Attention for Long Sequences")]
    result = update_keys(records, old)
    keys = [record.key for record in result.records]
    assert keys.count("only-one") == 1
    assert len(set(keys)) == len(keys)


def test_new_paper_never_takes_removed_key(papers):
    record = papers.records[0]
    old = existing(record.key, title="A Paper That Left The List", eprint="1111.11111")
    result = update_keys([record], [old])
    new_key = result.records[0].key
    assert new_key != record.key
    assert new_key.startswith(record.key + "-")
    assert result.report.added == [new_key]
    assert result.report.removed == [record.key]


def test_read_existing_reads_paperbib_output(papers, tmp_path):
    refs = tmp_path / "refs.bib"
    refs.write_text(export_text("bibtex", papers), encoding="utf-8")
    found = read_existing(str(refs))
    assert [entry.key for entry in found] == [record.key for record in papers.records]
    assert found[0].value("eprint") == "2310.01801"


def test_read_existing_rejects_latin1(tmp_path):
    refs = tmp_path / "refs.bib"
    refs.write_bytes("@misc{a, title = {Caf\u00e9}}\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_existing(str(refs))


def test_merge_kept_fields_rules():
    generated = [("title", "New"), ("booktitle", "Venue"), ("year", "2024"), ("key", "New"), ("note", "list note")]
    kept = [("title", "Old"), ("author", "Doe, Jane"), ("note", "hand note"), ("year", "1999"), ("pages", "1--2")]
    merged = merge_kept_fields(generated, kept, owned={"title", "booktitle", "year", "key"})
    assert merged == [
        ("title", "New"),
        ("author", "Doe, Jane"),
        ("booktitle", "Venue"),
        ("year", "2024"),
        ("note", "hand note"),
        ("pages", "1--2"),
    ]


def test_match_by_arxiv_with_prefix(papers):
    old = existing("handwritten", title="Other", eprint="arXiv:2310.01801")
    assert update_keys([papers.records[0]], [old]).records[0].key == "handwritten"


def test_update_warns_about_dropped_blocks(papers, tmp_path, caplog):
    refs = tmp_path / "refs.bib"
    refs.write_text(
        '% Written by paperbib\n@string{iclr = "ICLR"}\n@preamble{"\\newcommand{\\x}{x}"}\n'
        "@misc{mine, title = {Model Tells You What to Discard: Adaptive KV Cache Compression for LLMs},"
        " booktitle = iclr}\n",
        encoding="utf-8",
    )
    with caplog.at_level("WARNING", logger="paperbib.steps.update"):
        found = read_existing(str(refs))
    assert found[0].value("booktitle") == "ICLR"
    (message,) = [record.getMessage() for record in caplog.records]
    assert "dropping 1 @string, 1 @preamble, 0 comment blocks (first at line 2)" in message
