"""Running pdflatex, bibtex and biber on exported files, as a LaTeX user would."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import require_tool

TIMEOUT_SECONDS = 120


@dataclass
class Run:
    log: str  # the last pdflatex log
    blg: str  # the bibtex or biber log
    bbl: str


def _run(command: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=folder, capture_output=True, text=True, errors="replace", timeout=TIMEOUT_SECONDS, check=False
    )


def compile_bibtex(folder: Path, bib_text: str, style: str = "plain", cite: str = "*", packages: str = "") -> Run:
    """Compile a document that cites ``cite`` from ``bib_text`` with pdflatex and bibtex; raise on errors."""
    pdflatex = require_tool("pdflatex")
    bibtex = require_tool("bibtex")
    (folder / "refs.bib").write_text(bib_text, encoding="utf-8")
    (folder / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n" + packages + "\\begin{document}\n"
        f"\\nocite{{{cite}}}\n\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n\\end{{document}}\n",
        encoding="utf-8",
    )
    latex = [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    first = _run(latex, folder)
    assert first.returncode == 0, first.stdout[-3000:]
    bib = _run([bibtex, "doc"], folder)
    blg = (folder / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert bib.returncode in (0, 1), blg  # bibtex exits 1 when it printed warnings, 2 on errors
    for _ in range(2):
        final = _run(latex, folder)
        assert final.returncode == 0, final.stdout[-3000:]
    log = (folder / "doc.log").read_text(encoding="utf-8", errors="replace")
    return Run(log, blg, (folder / "doc.bbl").read_text(encoding="utf-8", errors="replace"))


def compile_biblatex(folder: Path, bib_text: str, cite: str = "*") -> Run:
    """Compile a biblatex document with pdflatex and biber (datamodel validated); raise on errors."""
    pdflatex = require_tool("pdflatex")
    biber = require_tool("biber")
    (folder / "refs.bib").write_text(bib_text, encoding="utf-8")
    (folder / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[backend=biber]{biblatex}\n"
        "\\addbibresource{refs.bib}\n\\begin{document}\n"
        f"\\nocite{{{cite}}}\n\\printbibliography\n\\end{{document}}\n",
        encoding="utf-8",
    )
    latex = [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    first = _run(latex, folder)
    assert first.returncode == 0, first.stdout[-3000:]
    result = _run([biber, "--validate-datamodel", "doc"], folder)
    blg = (folder / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, blg[-3000:]
    final = _run(latex, folder)
    assert final.returncode == 0, final.stdout[-3000:]
    log = (folder / "doc.log").read_text(encoding="utf-8", errors="replace")
    return Run(log, blg, (folder / "doc.bbl").read_text(encoding="utf-8", errors="replace"))


def bibtex_warnings(blg: str) -> list[str]:
    return [line for line in blg.splitlines() if line.startswith("Warning--")]


def biber_warnings(blg: str) -> list[str]:
    return re.findall(r"^\[\d+\] .*?> (?:WARN|ERROR) - (.*)$", blg, flags=re.MULTILINE)


def latex_problems(log: str) -> list[str]:
    """Errors and character warnings in a pdflatex log."""
    patterns = ("! ", "Unicode character", "Missing character", "LaTeX Error")
    return [line for line in log.splitlines() if line.startswith(patterns) or "Missing character" in line]
