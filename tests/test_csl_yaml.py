from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from exports import export_text, inputs, load_input, pandoc_path
from paperbib.exporters.csl_yaml import _dump, _literal


@pytest.mark.parametrize("path", inputs(), ids=lambda path: path.name)
def test_csl_yaml_matches_csl_json(path):
    bibliography = load_input(path)
    document = yaml.safe_load(export_text("csl-yaml", bibliography))
    items = json.loads(export_text("csl-json", bibliography))
    assert document["references"] == [_literal(item) for item in items]


def test_csl_yaml_is_framed_as_metadata_block(papers):
    text = export_text("csl-yaml", papers)
    assert text.startswith("---\nreferences:\n")
    assert text.endswith("\n...\n")


@pytest.mark.tools
@pytest.mark.parametrize("path", inputs(), ids=lambda path: path.name)
def test_pandoc_reads_csl_yaml_back(path, tmp_path):
    bibliography = load_input(path)
    refs = tmp_path / "refs.yaml"
    refs.write_text(export_text("csl-yaml", bibliography), encoding="utf-8")
    run = subprocess.run(
        [pandoc_path(), "-f", "markdown", "-t", "csljson", str(refs)], capture_output=True, text=True, check=True
    )
    items = json.loads(run.stdout)
    assert [item["id"] for item in items] == [record.key for record in bibliography.records]
    expected = json.loads(export_text("csl-json", bibliography))
    for item, original in zip(items, expected, strict=True):
        # pandoc reads YAML strings as Markdown; the exporter escapes them, so every string comes back as written.
        for name in ("title", "container-title", "event-title", "note", "URL", "DOI", "publisher", "type"):
            assert item.get(name) == original.get(name), (item["id"], name)
        assert item.get("author") == original.get("author"), item["id"]
        assert item.get("issued") == original.get("issued"), item["id"]


@pytest.mark.tools
def test_pandoc_citeproc_with_yaml_bibliography(papers, tmp_path):
    refs = tmp_path / "refs.yaml"
    refs.write_text(export_text("csl-yaml", papers), encoding="utf-8")
    first, last = papers.records[0], papers.records[-1]
    document = tmp_path / "doc.md"
    document.write_text(f"See [@{first.key}] and [@{last.key}].\n", encoding="utf-8")
    run = subprocess.run(
        [pandoc_path(), "--citeproc", "--bibliography", str(refs), "-t", "plain", str(document)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "citation not found" not in run.stderr.lower()
    # The default Chicago style changes title case, so titles are compared case-insensitively.
    output = " ".join(run.stdout.split()).casefold()
    assert first.title.casefold() in output
    assert last.title.casefold() in output


@pytest.mark.parametrize(
    "titles",
    [
        ["🚀 Rocket Pruning ✨"],
        ["Escapes like \\U0001F680 in YAML"],
        ["Escapes like \\U0001F680 in YAML", "🚀 Rocket Pruning"],
        ["Backslash pair \\\\U0001F680 and 🦙"],
    ],
    ids=["emoji", "escape-text", "both", "backslash-pair"],
)
def test_csl_yaml_keeps_text_and_writes_emoji_plainly(titles):
    items = [{"id": f"k{number}", "type": "article", "title": title} for number, title in enumerate(titles)]
    text = _dump(items)
    assert yaml.safe_load(text) == items
    for title in titles:
        if "\\" not in title:
            assert title in text
    assert "\\U0001F999" not in text  # the llama of the last case
    assert "\\U0001F680 Rocket" not in text
