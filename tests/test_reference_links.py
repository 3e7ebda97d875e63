"""Reference-style links (``[text][ref]``, ``[text][]``, ``[text]``, ``[[text][ref]]``) as titles and as links."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, PAPERS, TRICKY
from paperbib.diagnostics import Code
from paperbib.reader.links import IMAGE, REFERENCE, scan_links
from paperbib.reader.markdown_list import LineRole, read_markdown
from paperbib.source import Source, read_source

FIXTURE = FIXTURES / "layouts" / "reference_links.md"

# Each title of the fixture, with its line, the URL of its paper link (None without one) and its link labels.
EXPECTED = {
    "Sparse Routing Tables": (4, "https://openreview.net/forum?id=srpaper", ["paper", "code"]),
    "Pruned Attention Heads": (5, "https://openreview.net/forum?id=prunedheads", ["paper"]),
    "Token Merging Revisited": (6, "https://openreview.net/forum?id=tokenmerge", ["paper"]),
    "Quantised Adapters": (7, "https://openreview.net/forum?id=qadapt", ["paper", "code"]),
    "Collapsed Label Networks": (8, "https://openreview.net/forum?id=collapsed", ["paper"]),
    "Shortcut Label Networks": (9, "https://openreview.net/forum?id=shortcut", ["paper"]),
    "Undefined Label Networks": (10, None, []),
    "Doubly Bracketed Title": (11, "https://openreview.net/forum?id=tm2", ["paper"]),
    "Grouped Shortcut Link": (12, "https://openreview.net/forum?id=grouped", ["paper", "code"]),
    "Mixed Case Labels": (13, "https://openreview.net/forum?id=srpaper", ["PAPER"]),
}


@pytest.fixture(scope="module")
def result():
    return read_markdown(read_source(str(FIXTURE)))


def test_reference_titles_are_read(result):
    titles = {record.title: record for record in result.records}
    assert sorted(titles) == sorted(EXPECTED)
    for title, (line, url, labels) in EXPECTED.items():
        record = titles[title]
        assert record.location.line == line, title
        assert record.paper_url == url, title
        assert [link.label for link in record.links] == labels, title


def test_reference_lines_are_papers_or_reported(result):
    for line in range(4, 14):
        assert result.roles[line - 1] == LineRole.PAPER, line
    assert result.skipped == []


def test_undefined_reference_title_is_reported(result):
    findings = [d for d in result.diagnostics if d.location.line == 10]
    assert {d.code for d in findings} == {Code.MALFORMED_LINK, Code.NO_LINKS}
    message = next(d.message for d in findings if d.code == Code.MALFORMED_LINK)
    assert "[missing]" in message


def test_reference_title_before_code_link():
    text = "# 2023\n## ICLR-2023\n- [A Referenced Title][r] [[code](https://github.com/x/y)]\n\n[r]: https://x.org/p\n"
    result = read_markdown(Source("list.md", text))
    assert [record.title for record in result.records] == ["A Referenced Title"]
    assert [d.code for d in result.diagnostics if d.code == Code.EMPTY_TITLE] == []


def test_shortcut_without_definition_is_no_link():
    assert scan_links("[Only Text] here", {"other": "https://x.org"}) == []
    assert scan_links("[Only Text] here") == []


def test_reference_token_forms():
    references = {"r": "https://x.org/r", "paper": "https://x.org/p", "a  b": "unused"}
    cases = {
        "[T][r]": ("T", "r", "https://x.org/r"),
        "[T][R]": ("T", "R", "https://x.org/r"),
        "[paper][]": ("paper", "paper", "https://x.org/p"),
        "[paper]": ("paper", "paper", "https://x.org/p"),
        "[[paper][r]]": ("paper", "r", "https://x.org/r"),
        "[[paper]][r]": ("paper", "r", "https://x.org/r"),
        "[[paper]]": ("paper", "paper", "https://x.org/p"),
        "[T][undefined]": ("T", "undefined", ""),
    }
    for text, (label, ref, url) in cases.items():
        tokens = scan_links(text, references)
        assert len(tokens) == 1, text
        token = tokens[0]
        assert (token.style, token.label, token.ref, token.url) == (REFERENCE, label, ref, url), text
        assert (token.start, token.end) == (0, len(text)), text


def test_reference_table_of_contents_is_navigation():
    text = "# Contents\n- [Quantisation][q]\n- [Pruning][p]\n\n[q]: #quantisation\n[p]: #pruning\n"
    result = read_markdown(Source("list.md", text))
    assert result.records == []
    assert result.roles[1] == LineRole.NAVIGATION


def _all_inputs() -> list[Path]:
    return [PAPERS, *sorted((FIXTURES / "layouts").glob("*.md")), *sorted(TRICKY.glob("*.md"))]


@pytest.mark.parametrize("path", _all_inputs(), ids=lambda path: path.name)
def test_no_link_syntax_leaks_into_titles(path: Path):
    encoding = "latin-1" if path.name == "latin1.md" else None
    result = read_markdown(read_source(str(path), encoding))
    for record in result.records:
        for fragment in ("[[", "](", ")]", "]["):
            assert fragment not in record.title, (record.location, record.title)


BROKEN_BRACKETS = """# 2023
## ICLR-2023
- Unclosed Plain Link [paper](https://x.org/a
- Unclosed Reference Group [[paper][ok]
- Stray Closing Bracket ](https://x.org/f) [[code](https://github.com/a/b)]
- Space Inside a Group [[paper] [ok]]
- [[paper][ok]] Title After a Reference Group
- [[code][]] [[paper][ok]] Another Title After Groups
- Escaped \\[Brackets\\](Stay) and \\[\\[Doubled\\]\\] Ones [[paper](https://x.org/e)]

[ok]: https://openreview.net/forum?id=ok
"""


def test_broken_link_remains_are_cut_with_warning():
    result = read_markdown(Source("list.md", BROKEN_BRACKETS))
    titles = {record.location.line: record.title for record in result.records}
    assert titles == {
        3: "Unclosed Plain Link",
        4: "Unclosed Reference Group",
        5: "Stray Closing Bracket",
        6: "Space Inside a Group",
        7: "Title After a Reference Group",
        8: "Another Title After Groups",
        9: "Escaped [Brackets](Stay) and [[Doubled]] Ones",
    }
    warned = {d.location.line for d in result.diagnostics if "contains a broken link" in d.message}
    assert warned == {3, 4, 5, 6}
    assert all(d.code is Code.MALFORMED_LINK for d in result.diagnostics if "contains a broken link" in d.message)


def test_reference_group_before_title_is_a_link():
    result = read_markdown(Source("list.md", BROKEN_BRACKETS))
    record = next(record for record in result.records if record.location.line == 7)
    assert [(link.label, link.url) for link in record.links] == [("paper", "https://openreview.net/forum?id=ok")]
    undefined = [d for d in result.diagnostics if d.location.line == 8 and d.code is Code.MALFORMED_LINK]
    assert len(undefined) == 1
    assert "[code][code]" in undefined[0].message


REFERENCES_IN_OTHER_PLACES = """# 2023
## ICLR-2023
- **SpQ** · NeurIPS 2023
  [paper][r1] [code][r2]
  - Sparse Quantised Things
- Nested Paper [[paper](https://x.org/n)]
  - [[slides][r2]]

| Title | Links |
|---|---|
| [Table Reference Title][r1] | [code][r2] |

[r1]: https://openreview.net/forum?id=r1
[r2]: https://github.com/x/r2
"""


def test_references_in_continuations_and_tables():
    records = read_markdown(Source("list.md", REFERENCES_IN_OTHER_PLACES)).records
    links = {record.title: [(link.label, link.url) for link in record.links] for record in records}
    assert links == {
        "Sparse Quantised Things": [
            ("paper", "https://openreview.net/forum?id=r1"),
            ("code", "https://github.com/x/r2"),
        ],
        "Nested Paper": [("paper", "https://x.org/n"), ("slides", "https://github.com/x/r2")],
        "Table Reference Title": [("paper", "https://openreview.net/forum?id=r1"), ("code", "https://github.com/x/r2")],
    }


def test_reference_images_are_no_links():
    references = {"stars": "https://img.example/stars.svg", "badge": "https://img.example/b.svg"}
    tokens = scan_links("Title ![Stars][stars] ![badge] ![Collapsed][]", {**references, "collapsed": "https://c"})
    assert [(token.style, token.label, token.url) for token in tokens] == [
        (IMAGE, "Stars", "https://img.example/stars.svg"),
        (IMAGE, "badge", "https://img.example/b.svg"),
        (IMAGE, "Collapsed", "https://c"),
    ]
    text = (
        "# 2023\n## ICLR-2023\n- Starred Title ![Stars][stars] [[paper](https://x.org/s)]\n\n[stars]: https://img/s\n"
    )
    (record,) = read_markdown(Source("list.md", text)).records
    assert record.title == "Starred Title"
    assert [link.url for link in record.links] == ["https://x.org/s"]


def _read(text: str):
    return read_markdown(Source("list.md", text))


def test_definitions_in_code_blocks_are_ignored():
    text = (
        "## ICLR-2024\n\n- Sparse Heads [[paper][p1]]\n\n"
        "```markdown\n[p1]: https://example.org/from-a-code-example\n```\n\n"
        "~~~\n[p1]: https://example.org/from-a-tilde-block\n~~~\n\n"
        "<!--\n[p1]: https://example.org/from-a-comment\n-->\n\n"
        "[p1]: https://openreview.net/forum?id=real\n"
    )
    result = _read(text)
    (record,) = result.records
    assert [link.url for link in record.links] == ["https://openreview.net/forum?id=real"]


def test_definition_in_code_block_alone_is_undefined():
    text = "## ICLR-2024\n\n- Sparse Heads [[paper][p1]]\n\n```\n[p1]: https://example.org/code\n```\n"
    result = _read(text)
    (record,) = result.records
    assert record.links == []
    assert Code.MALFORMED_LINK in [diagnostic.code for diagnostic in result.diagnostics]


def test_definition_url_on_next_line():
    text = (
        "## ICLR-2024\n\n- First Paper [[paper](https://a.org/first)]\n"
        "- Second Paper [[paper][ml]]\n\n"
        '[ml]:\n  https://openreview.net/forum?id=second\n  "Second paper on OpenReview"\n'
    )
    result = _read(text)
    first, second = result.records
    assert [link.url for link in first.links] == ["https://a.org/first"]
    assert first.note == ""
    assert [link.url for link in second.links] == ["https://openreview.net/forum?id=second"]
    assert second.note == ""
    assert result.diagnostics == []


def test_definition_title_on_next_line():
    text = (
        "## ICLR-2024\n\n- Only Paper [[paper][ml]]\n"
        "  [ml]: https://openreview.net/forum?id=only\n  (Its OpenReview page)\n"
    )
    result = _read(text)
    (record,) = result.records
    assert [link.url for link in record.links] == ["https://openreview.net/forum?id=only"]
    assert record.note == ""
