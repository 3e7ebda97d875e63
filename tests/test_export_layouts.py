"""Export of papers read from the layout fixtures: arXiv records, workshops, authors, and a real bibtex run."""

from __future__ import annotations

import json
import subprocess

import bibtexparser

from conftest import FIXTURES, require_tool
from paperbib.exporters import ExportOptions, get_exporter
from paperbib.pipeline import load

LAYOUTS = FIXTURES / "layouts"


def bibtex_entries(name: str) -> dict[str, dict[str, str]]:
    bibliography = load(str(LAYOUTS / name))
    text = get_exporter("bibtex").export(bibliography.records, ExportOptions()).text
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    return {
        entry.fields_dict["title"].value: {"type": entry.entry_type, **{f.key: f.value for f in entry.fields}}
        for entry in library.entries
    }


def csl_items(name: str) -> dict[str, dict]:
    bibliography = load(str(LAYOUTS / name))
    items = json.loads(get_exporter("csl-json").export(bibliography.records, ExportOptions()).text)
    return {item["title"]: item for item in items}


def test_arxiv_record_is_misc_with_eprint():
    entries = bibtex_entries("numbered_authors.md")
    entry = entries["Compressing the knowledge of an ensemble"]
    assert entry["type"] == "misc"
    assert entry["eprint"] == "1503.01111"
    assert entry["year"] == "2015"
    assert entry["author"] == "Hinton and others"


def test_arxiv_record_is_csl_article_from_arxiv():
    item = csl_items("bold_tags_crlf.md")["A Better Noise Schedule for Training"]
    assert item["type"] == "article"
    assert item["publisher"] == "arXiv"
    assert item["issued"] == {"date-parts": [[2024]]}
    assert item["number"] == "2407.01111"


def test_published_paper_keeps_its_arxiv_eprint():
    entry = bibtex_entries("numbered_authors.md")["On the Limits of Teacher Size in Distillation"]
    assert entry["type"] == "inproceedings"
    assert "ICCV" in entry["booktitle"]
    assert entry["eprint"] == "1910.01111"
    assert entry["author"] == "Cho, Jang Hyun and Hariharan, Bharath"


def test_workshop_is_not_the_main_conference():
    entry = bibtex_entries("bold_yy_tags.md")["Which Thinning Method to Pick? A Study of Vision Transformers"]
    assert "Workshops" in entry["booktitle"]
    assert entry["year"] == "2023"


def test_authors_reach_csl_json_without_et_al_marker():
    items = csl_items("table_badges.md")
    assert items["Sparsity Meets Quantization: Theory and Practice"]["author"] == [
        {"family": "Moss", "given": "Lea"},
        {"family": "Nash", "given": "Mia"},
    ]
    noisy = csl_items("numbered_authors.md")["Learning from Noisy Teachers with Distillation"]
    assert noisy["author"] == [{"family": "Li", "given": "Yuncheng"}]


def test_rejected_paper_has_no_booktitle():
    entry = bibtex_entries("year_venue_prefix.md")["Gradient Flow in Sparse Networks and Why Tickets Win"]
    assert entry["type"] == "misc"
    assert "booktitle" not in entry
    assert entry["note"] == "{ICLR} reject"


def test_bibtex_accepts_every_layout_export(tmp_path):
    bibtex = require_tool("bibtex")
    keys = []
    chunks = []
    for path in sorted(LAYOUTS.glob("*.md")):
        bibliography = load(str(path))
        chunks.append(get_exporter("bibtex").export(bibliography.records, ExportOptions()).text)
        keys.extend(record.key for record in bibliography.records)
    assert len(keys) == len(set(keys))
    (tmp_path / "refs.bib").write_text("\n".join(chunks), encoding="ascii")
    (tmp_path / "doc.aux").write_text("\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="ascii")
    run = subprocess.run([bibtex, "doc"], cwd=tmp_path, capture_output=True, text=True, check=False)
    log = (tmp_path / "doc.blg").read_text(encoding="latin-1")
    assert "error message" not in log, log
    bbl = (tmp_path / "doc.bbl").read_text(encoding="latin-1")
    assert bbl.count("\\bibitem") == len(keys)
    assert "et~al." in bbl
    assert run.returncode == 0, run.stdout


def test_csl_json_of_every_layout_matches_schema():
    import jsonschema

    schema = json.loads((FIXTURES.parent / "schemas" / "csl-data.json").read_text(encoding="utf-8"))
    for path in sorted(LAYOUTS.glob("*.md")):
        bibliography = load(str(path))
        items = json.loads(get_exporter("csl-json").export(bibliography.records, ExportOptions()).text)
        assert len(items) == len(bibliography.records)
        jsonschema.validate(items, schema)
