"""The files in examples/ are what paperbib format writes today for papers.md.

Run this file as a script to rewrite them after an intended change in formatting.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
STYLES = ("apa", "ieee")
SUFFIXES = {"text": "txt", "html": "html", "markdown": "md", "latex": "tex", "rst": "rst"}


def render(style: str, output: str) -> str:
    from paperbib.formatting import Formatter
    from paperbib.pipeline import load

    return Formatter(style, output).bibliography(load(str(ROOT / "papers.md")).records).text


def example_path(style: str, output: str) -> Path:
    return EXAMPLES / f"papers.{style}.{SUFFIXES[output]}"


@pytest.mark.parametrize("output", list(SUFFIXES))
@pytest.mark.parametrize("style", STYLES)
def test_example_is_current(style: str, output: str) -> None:
    stored = example_path(style, output).read_text(encoding="utf-8")
    assert render(style, output) == stored, f"run: python3 tests/test_format_examples.py to refresh {style}/{output}"


@pytest.mark.parametrize("style", STYLES)
def test_text_example_has_one_line_per_paper(style: str, papers) -> None:  # type: ignore[no-untyped-def]
    lines = example_path(style, "text").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(papers.records)


@pytest.mark.parametrize("style", STYLES)
def test_markdown_example_paragraph_per_paper(style: str, papers) -> None:  # type: ignore[no-untyped-def]
    html = MarkdownIt("commonmark").render(example_path(style, "markdown").read_text(encoding="utf-8"))
    assert html.count("<p>") == len(papers.records)
    assert "<ol" not in html


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
@pytest.mark.parametrize("style", STYLES)
def test_rst_example_parses_cleanly(style: str, papers) -> None:  # type: ignore[no-untyped-def]
    docutils_core = pytest.importorskip("docutils.core")
    html = docutils_core.publish_string(
        example_path(style, "rst").read_text(encoding="utf-8"),
        writer_name="html",
        settings_overrides={"report_level": 2, "halt_level": 2},
    ).decode("utf-8")
    assert html.count("<p>") >= len(papers.records)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    for style in STYLES:
        for output in SUFFIXES:
            example_path(style, output).write_text(render(style, output), encoding="utf-8")
            print(f"wrote {example_path(style, output).relative_to(ROOT)}")
