"""Sphinx configuration: cite papers of a markdown list with sphinxcontrib-bibtex.

sphinxcontrib-bibtex 2.7 reads every file in ``bibtex_bibfiles`` with pybtex's BibTeX parser
itself and never looks up pybtex's plugin for a ``.md`` file. So this file converts the list to
BibTeX each time Sphinx reads the configuration. The ``paperbib`` pybtex style formats the
entries, because pybtex's own styles stop on entries without authors.
"""

import os
from pathlib import Path

from paperbib.exporters import ExportOptions, get_exporter
from paperbib.pipeline import load

HERE = Path(__file__).resolve().parent
PAPER_LIST = Path(os.environ.get("PAPERBIB_LIST", HERE.parent.parent / "papers.md"))
GENERATED_BIB = HERE / "_generated" / "papers.bib"


def write_bib(paper_list: Path, target: Path) -> None:
    """Export ``paper_list`` as BibTeX to ``target``, leaving the file alone when nothing changed."""
    bibliography = load(str(paper_list))
    text = get_exporter("bibtex").export(bibliography.records, ExportOptions(source_name=paper_list.name)).text
    target.parent.mkdir(exist_ok=True)
    # An unchanged modification time lets sphinxcontrib-bibtex reuse its parsed cache.
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


write_bib(PAPER_LIST, GENERATED_BIB)

project = "paperbib with sphinxcontrib-bibtex"
extensions = ["sphinxcontrib.bibtex"]
bibtex_bibfiles = [str(GENERATED_BIB.relative_to(HERE))]
bibtex_default_style = "paperbib"
exclude_patterns = ["_build", "_generated"]
