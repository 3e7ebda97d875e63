from __future__ import annotations

from collections import Counter

import pytest

from conftest import PAPERS, load_tricky
from paperbib.diagnostics import Code
from paperbib.errors import InputError
from paperbib.pipeline import load, process
from paperbib.reader.headings import parse_heading
from paperbib.reader.markdown_list import read_markdown
from paperbib.source import Source, decode, read_source


def read_text(text: str):
    return read_markdown(Source("list.md", text))


# Papers per section of papers.md, counted from the file by hand.
EXPECTED_SECTIONS = {
    ("ICLR", 2024): 5,
    ("AAAI", 2024): 2,
    ("NeurIPS", 2023): 3,
    ("CVPR", 2023): 1,
    ("ICLR", 2023): 3,
    ("ICCV", 2023): 2,
    ("ICML", 2023): 4,
    ("ACL", 2023): 4,
    ("IJCAI", 2023): 1,
    ("AAAI", 2023): 3,
}


def test_real_list_has_101_papers(papers):
    assert len(papers.records) == 101
    assert papers.skipped == []


def test_real_list_venue_years(papers):
    sections = Counter((record.venue, record.year) for record in papers.records)
    for section, count in EXPECTED_SECTIONS.items():
        assert sections[section] == count, section
    assert all(record.year in range(2018, 2025) for record in papers.records)


def test_real_list_lines_point_at_bullets(papers):
    lines = PAPERS.read_text(encoding="utf-8").split("\n")
    for record in papers.records:
        line = lines[record.location.line - 1]
        assert line.startswith("- "), record.location
        assert record.title[:20] in line


def test_real_list_records_keep_every_link(papers):
    first = papers.records[0]
    assert [link.label for link in first.links] == ["paper", "arxiv", "paper with code", "openreview"]
    assert first.ids.arxiv == "2310.01801"
    assert first.ids.openreview == "uNrFpDPMyo"


@pytest.mark.parametrize(
    ("heading", "level", "venue", "year"),
    [
        ("2024", 1, None, 2024),
        ("ICLR-2024", 2, "ICLR", 2024),
        ("ICLR 2024", 2, "ICLR", 2024),
        ("ICLR'24", 2, "ICLR", 2024),
        ("NeurIPS-2023", 2, "NeurIPS", 2023),
        ("NIPS 2018", 2, "NIPS", 2018),
        ("iclr-2024", 3, "iclr", 2024),
        ("S&P-2023", 2, "S&P", 2023),
        ("Workshop", 2, "Workshop", None),
        ("Under Review", 1, None, None),
        ("2024 ##", 1, None, 2024),
    ],
)
def test_heading_spellings(heading, level, venue, year):
    context = parse_heading(level, heading)
    assert context.venue == venue
    assert context.year == year


def test_year_heading_ends_previous_venue():
    result = read_text("# 2024\n## ICLR-2024\n- A [[paper](https://a.org/1)]\n# 2023\n- B [[paper](https://a.org/2)]\n")
    assert [(r.venue, r.year) for r in result.records] == [("ICLR", 2024), (None, 2023)]
    assert any(d.code is Code.NO_VENUE and d.location.line == 5 for d in result.diagnostics)


def test_table_of_contents_is_not_papers():
    result = read_text(
        "# List\n- [2024](#2024)\n  - [ICLR](#iclr-2024)\n# 2024\n## ICLR-2024\n- T [[paper](https://a.org)]\n"
    )
    assert [record.title for record in result.records] == ["T"]
    assert result.diagnostics == []


def test_fenced_code_and_comments_are_skipped():
    text = (
        "# 2024\n## ICLR-2024\n```\n- Fake [[paper](https://a.org/x)]\n```\n"
        "<!--\n- Hidden [[paper](https://a.org/y)]\n-->\n- Real [[paper](https://a.org/z)]\n"
    )
    assert [record.title for record in read_text(text).records] == ["Real"]


def test_brackets_in_titles_survive():
    result = load_tricky("brackets.md")
    titles = [record.title for record in result.records]
    assert titles == [
        "[Re] Winning Tickets Revisited: A Reproduction",
        "Sparse Routing Networks [Extended Version]",
        "Pruning [with Feedback] for Vision Transformers",
    ]
    assert result.records[1].ids.arxiv == "2202.04321"
    for title in titles:
        assert "\\" not in title
        assert "[[" not in title
        assert "](" not in title


def test_parentheses_in_url_survive():
    result = read_text(
        "# 2024\n## ICLR-2024\n- T [[paper](https://en.example.org/wiki/Pruning_(AI))] [[code](https://g.org/x)]\n"
    )
    assert result.records[0].links[0].url == "https://en.example.org/wiki/Pruning_(AI)"
    assert result.records[0].links[1].url == "https://g.org/x"


def test_broken_link_is_reported_with_line():
    result = read_text("# 2024\n## ICLR-2024\n- Good [[paper](https://a.org)]\n- Bad [[paper](https://a.org/unclosed\n")
    assert [record.title for record in result.records] == ["Good"]
    (skipped,) = result.skipped
    assert skipped.location.line == 4
    assert skipped.code is Code.UNCLOSED_LINK
    assert "not closed" in skipped.message


def test_broken_link_in_continuation_line():
    # The indented line would give the title of the abbreviation-style paper above it.
    result = read_text(
        "## ICLR 2024\n\n- **SpQ** · NeurIPS 2023 [[paper](https://x.org/a)]\n  Some Title [[paper](https://x.org/b\n"
    )
    assert [record.title for record in result.records] == ["SpQ"]
    (skipped,) = result.skipped
    assert skipped.location.line == 4
    assert skipped.code is Code.UNCLOSED_LINK


def test_bullet_with_links_but_no_title_is_reported():
    result = read_text("# 2024\n## ICLR-2024\n- [[paper](https://a.org)]\n")
    assert result.records == []
    assert result.skipped[0].code is Code.EMPTY_TITLE


def test_invalid_url_is_reported():
    result = read_text("# 2024\n## ICLR-2024\n- Title [[paper](V)]\n")
    assert len(result.records) == 1
    assert any(d.code is Code.MALFORMED_URL for d in result.diagnostics)


def test_trailing_text_after_links_is_kept():
    result = read_text("# 2024\n## ICLR-2024\n- Title [[paper](https://a.org)] (Oral)\n")
    assert result.records[0].note == "(Oral)"


def test_terminal_punctuation():
    titles = [record.title for record in load_tricky("punctuation.md").records]
    assert titles == [
        "Are All Those Heads Needed?",
        "Revisiting the Value of Pruning",
        "Prune Early, Prune Often...",
        "Sparse at Last!",
    ]


def test_crlf_and_bom_are_accepted():
    text = "\ufeff# 2024\r\n## ICLR-2024\r\n- Title [[paper](https://a.org)]\r\n"
    decoded = decode(text.encode("utf-8"), "list.md")
    result = read_markdown(Source("list.md", decoded))
    assert [(r.title, r.location.line) for r in result.records] == [("Title", 3)]
    assert result.records[0].links[0].url == "https://a.org"


def test_latin1_input_error_names_line_and_offset(tmp_path):
    with pytest.raises(InputError) as caught:
        load_tricky("latin1.md")
    message = str(caught.value)
    assert "latin1.md:4:" in message
    assert "byte offset 154" in message
    assert "--encoding" in message


def test_latin1_input_with_encoding():
    from conftest import TRICKY

    bibliography = load(str(TRICKY / "latin1.md"), encoding="latin-1")
    assert bibliography.records[0].title == "Über-Fast Réseaux for Café Cameras"


def test_unknown_encoding_is_an_input_error():
    with pytest.raises(InputError, match="unknown encoding"):
        decode(b"x", "list.md", "no-such-codec")


def test_missing_and_directory_inputs(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_source(str(tmp_path / "nope.md"))
    with pytest.raises(InputError, match="is a directory"):
        read_source(str(tmp_path))


def test_empty_file_is_an_input_error(tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="file is empty"):
        load(str(path))


def test_missing_year_is_a_warning():
    bibliography = load_tricky("missing_year.md")
    assert [(r.venue, r.year) for r in bibliography.records] == [("arXiv", 2024), ("Workshop", None)]
    assert any(d.code is Code.NO_YEAR and d.location.line == 7 for d in bibliography.diagnostics)


def test_nested_remarks_attach_to_their_paper():
    result = read_text(
        "# 2024\n## ICLR-2024\n- Sparse Things Work [[paper](https://x.org)]\n"
        "  - Note: accepted as oral, see the talk\n  - [slides](https://x.org/slides.pdf)\n"
    )
    (record,) = result.records
    assert record.note == "Note: accepted as oral, see the talk"
    assert [link.url for link in record.links] == ["https://x.org", "https://x.org/slides.pdf"]
    assert result.skipped == []


def test_two_digit_year_heading_before_2000():
    assert parse_heading(2, "NIPS'99").year == 1999
    assert parse_heading(2, "CVPR'25").year == 2025


def test_group_with_unclosed_url_is_skipped():
    result = read_text(
        "# 2024\n## ICLR-2024\n- Broken Link [[paper](https://example.com/x]\n- Good [[paper](https://g.org)]\n"
    )
    assert [record.title for record in result.records] == ["Good"]
    (skipped,) = result.skipped
    assert skipped.location.line == 3
    assert skipped.code is Code.UNCLOSED_LINK


def test_wrapped_bullet_is_one_paper():
    result = read_text(
        "# 2023\n## ICML-2023\n- A Title That Wraps\n  Onto a Second Line [[paper](https://example.com/w)]\n"
        "- Next One [[paper](https://example.com/n)]\n"
    )
    titles = [record.title for record in result.records]
    assert titles == ["A Title That Wraps Onto a Second Line", "Next One"]
    assert result.records[0].links[0].url == "https://example.com/w"
    assert not [d for d in result.diagnostics if d.code is Code.NO_LINKS]


INVALID_ARXIV_LINKS = """# 2024
## ICLR-2024
- Month Fourteen Paper [[arxiv](https://arxiv.org/abs/2014.10510)]
- All Nines Paper [[pdf](https://arxiv.org/pdf/9999.99999v2.pdf)]
- Old Style Month Thirteen [[arxiv](https://arxiv.org/abs/hep-th/9913001)]
- Preprint DOI Paper [[doi](https://doi.org/10.48550/arXiv.2014.10510)]
- A Valid Identifier [[arxiv](https://arxiv.org/abs/2310.01801)]
1. Month Fourteen As Text. arXiv:2014.10510
"""


def test_invalid_arxiv_id_in_link_is_reported():
    result = read_text(INVALID_ARXIV_LINKS)
    bibliography = process(result.records, result.diagnostics)
    findings = {d.location.line: d for d in bibliography.diagnostics if d.code == Code.MALFORMED_LINK}
    assert sorted(findings) == [3, 4, 5, 6, 8]
    for line, arxiv_id in ((3, "2014.10510"), (4, "9999.99999v2"), (5, "hep-th/9913001"), (6, "2014.10510")):
        assert f"arXiv:{arxiv_id}" in findings[line].message, line
        assert "not a valid arXiv ID" in findings[line].message, line
    eprints = {record.title: record.ids.arxiv for record in bibliography.records}
    assert eprints["A Valid Identifier"] == "2310.01801"
    for title in ("Month Fourteen Paper", "All Nines Paper", "Old Style Month Thirteen", "Preprint DOI Paper"):
        assert eprints[title] is None, title
        assert next(r for r in bibliography.records if r.title == title).ids.doi is None, title


HEADING_AND_ARXIV_YEARS = """# 2023
1. A Numbered Preprint From Long Ago. arXiv:1503.02531
- A Linked Preprint From Long Ago [[arxiv](https://arxiv.org/abs/1706.03762)]
- A Preprint From the Same Year [[arxiv](https://arxiv.org/abs/2301.00001)]
- A Preprint From the Year Before [[arxiv](https://arxiv.org/abs/2212.00001)]
- [arXiv 2023] A Tag Gives Its Own Year [[arxiv](https://arxiv.org/abs/1706.03763)]
## ICLR-2023
- A Venue Paper With an Old Preprint [[arxiv](https://arxiv.org/abs/1706.03764)]
"""


def test_heading_year_against_arxiv_year():
    result = read_text(HEADING_AND_ARXIV_YEARS)
    years = {record.location.line: record.year for record in result.records}
    assert years == {2: 2015, 3: 2017, 4: 2023, 5: 2023, 6: 2023, 8: 2023}
    notes = {d.location.line: d.message for d in result.diagnostics if d.code is Code.YEAR_FROM_ARXIV}
    assert sorted(notes) == [2, 3, 5]
    assert "year 2015 taken from arXiv ID 1503.02531, not 2023" in notes[2]
    assert "heading gives year 2023, arXiv ID 2212.00001 gives 2022" in notes[5]


def test_link_syntax_in_code_span_stays_in_title():
    result = read_text(
        "## ICLR-2024\n\n- Using `[x](y)` Syntax in Titles [[paper](https://a.org/p)]\n"
        "- The ``[[a](b)]`` Group Form [[paper](https://a.org/q)]\n"
        "- Unclosed ` Tick [[paper](https://a.org/r)]\n"
    )
    assert [record.title for record in result.records] == [
        "Using `[x](y)` Syntax in Titles",
        "The ``[[a](b)]`` Group Form",
        "Unclosed ` Tick",
    ]
    assert [[link.url for link in record.links] for record in result.records] == [
        ["https://a.org/p"],
        ["https://a.org/q"],
        ["https://a.org/r"],
    ]
    assert result.diagnostics == []
