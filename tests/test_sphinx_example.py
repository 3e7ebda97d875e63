from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys

from conftest import PAPERS, ROOT

EXAMPLE = ROOT / "examples" / "sphinx"


def build(source, output, paper_list) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PAPERBIB_LIST": str(paper_list)}
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(source), str(output)],
        capture_output=True,
        text=True,
        env=environment,
    )


def page_text(path) -> str:
    body = path.read_text(encoding="utf-8")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_sphinx_example_builds(papers, tmp_path):
    source = tmp_path / "docs"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("_build", "_generated"))
    run = build(source, tmp_path / "html", PAPERS)
    assert run.returncode == 0, run.stderr
    text = page_text(tmp_path / "html" / "index.html").casefold()
    titles = {record.key: record.title for record in papers.records}
    for key in ("iclr2024-model-tells-discard", "iclr2024-incontext-autoencoder-context"):
        assert titles[key].casefold() in text, key
    assert "[ 1 ]" in text
    assert "[ 2 ]" in text


def test_sphinxcontrib_bibtex_ignores_md_plugin(tmp_path):
    """sphinxcontrib-bibtex parses bibfiles with pybtex's BibTeX parser, so a .md file gives no keys."""
    source = tmp_path / "docs"
    source.mkdir()
    shutil.copy(PAPERS, source / "papers.md")
    (source / "conf.py").write_text(
        'extensions = ["sphinxcontrib.bibtex"]\nbibtex_bibfiles = ["papers.md"]\nbibtex_default_style = "paperbib"\n',
        encoding="utf-8",
    )
    (source / "index.rst").write_text(
        "Test\n====\n\nSee :cite:p:`iclr2024-model-tells-discard`.\n\n.. bibliography::\n", encoding="utf-8"
    )
    run = build(source, tmp_path / "html", PAPERS)
    assert run.returncode != 0
    assert 'could not find bibtex key "iclr2024-model-tells-discard"' in run.stderr
