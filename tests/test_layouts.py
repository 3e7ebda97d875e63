"""The reader on one fixture per list layout: paper counts, venues, years, authors and what is skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from paperbib.diagnostics import Code
from paperbib.pipeline import Bibliography, load
from paperbib.reader.markdown_list import LineRole, ReadResult, read_markdown
from paperbib.source import read_source

LAYOUTS = FIXTURES / "layouts"


def read(name: str) -> ReadResult:
    return read_markdown(read_source(str(LAYOUTS / name)))


def loaded(name: str) -> Bibliography:
    return load(str(LAYOUTS / name))


def find(records, prefix: str):
    matches = [record for record in records if record.title.startswith(prefix)]
    assert len(matches) == 1, (prefix, [record.title for record in records])
    return matches[0]


def venue_id(record) -> str | None:
    return record.venue_info.id if record.venue_info else None


# fixture -> (papers read, {title prefix: (catalogue venue id, year)})
EXPECTED = {
    "seedlike_topics.md": (9, {"Trim and Tune": (None, None), "Int8 Everywhere": (None, None)}),
    "venue_link_years.md": (
        5,
        {
            "Octree Nets": ("tog", 2018),
            "Learned Transforms": ("icip", 2019),
            "SweepNet": ("neurips", 2020),
            "Lossless Voxel Coding": ("icassp", 2020),
        },
    ),
    "br_venue.md": (
        5,
        {
            "A Survey of Shrinking": ("arxiv", 2023),
            "Lighter Models": ("ijcai", 2024),
            "TableQuant": ("arxiv", 2022),
            "Post-Training Rounding": ("iclr", 2023),
        },
    ),
    "table_issue.md": (
        5,
        {
            "MetaSearch": ("iccv", 2019),
            "Pruning by Architecture": ("neurips", 2019),
            "Learning Weights": ("neurips", 2015),
        },
    ),
    "table_badges.md": (5, {"SymPrune": ("icml", 2024), "SPARSE-1": (None, 2024)}),
    "bold_tags_crlf.md": (
        10,
        {
            "ShiftSR": ("neurips", 2024),
            "TrimDiff": ("cvprw", 2024),
            "A Better Noise Schedule": ("arxiv", 2024),
            "Mixed-up Noise": ("arxiv", 2024),
            "Encoder-Decoder Diffusion": ("acl", 2024),
        },
    ),
    "bold_yy_tags.md": (
        13,
        {
            "Which Thinning Method": ("iccvw", 2023),
            "Vision Transformers with a Token Merger": ("tip", 2023),
            "UniCache": ("arxiv", 2025),
            "Many-to-Many": ("neuripsw", 2024),
            "Merging Tokens for Fast": ("cvprw", 2023),
            "Cache Aggregation": ("icassp", 2025),
        },
    ),
    "year_venue_prefix.md": (
        8,
        {
            "Winning Tickets": ("iclr", 2019),
            "Sparse Training from Scratch": (None, 2019),
            "Gradient Flow": (None, 2020),
            "Sparse Connectivity": ("ncomms", 2019),
            "Sparse Evolutionary": ("nca", 2020),
            "Zeros, Signs": ("neurips", 2019),
        },
    ),
    "numbered_authors.md": (
        12,
        {
            "Compressing the knowledge": ("arxiv", 2015),
            "Learning from Noisy Teachers": ("iccv", 2017),
            "On the Limits": ("iccv", 2019),
            "Quantized Embeddings": ("arxiv", 2020),
            "Contrastive Distillation": ("cvpr", 2021),
            "Conditional Student": ("icassp", 2019),
        },
    ),
    "reference_links.md": (
        10,
        {
            "Sparse Routing Tables": ("iclr", 2023),
            "Token Merging Revisited": ("iclr", 2023),
            "Undefined Label Networks": ("iclr", 2023),
        },
    ),
    "other_layouts.md": (
        14,
        {
            "Folded Attention": ("iclr", 2024),
            "SpQ: Sparse Quantized": ("neurips", 2023),
            "Routing Tokens": ("icml", 2024),
            "Low-Rank Experts": ("neurips", 2023),
            "A Row Broken": ("iclr", 2024),
            "Mixture of Depths": ("neurips", 2024),
            "Year Lines Set the Year": (None, 2022),
            "Bold Titles Lead": ("cvpr", 2023),
            "Plain Titles Lead": ("neurips", 2022),
            "A Title That Ends. ICLR 2020": ("iclr", 2024),
            "Separate Paper Columns": ("icml", 2021),
        },
    ),
}


def test_every_layout_fixture_is_listed():
    assert sorted(path.name for path in LAYOUTS.glob("*.md")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_paper_count(name):
    count, _ = EXPECTED[name]
    assert len(read(name).records) == count


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_venues_and_years(name):
    _, entries = EXPECTED[name]
    records = loaded(name).records
    for prefix, (venue, year) in entries.items():
        record = find(records, prefix)
        assert venue_id(record) == venue, prefix
        if year is not None:
            assert record.year == year, prefix


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_fixture_first_line_is_a_comment(name):
    first = (LAYOUTS / name).read_text(encoding="utf-8").split("\n", 1)[0]
    assert first.startswith("<!--")
    assert first.rstrip().endswith("-->")


def test_seedlike_table_of_contents_and_duplicates():
    result = read("seedlike_topics.md")
    roles = result.roles
    assert [roles[line - 1] for line in (8, 9, 10)] == [LineRole.NAVIGATION] * 3
    titles = [record.title for record in result.records]
    assert titles.count("PruneFast: Removing Half the Weights of a Language Model in One Pass") == 2
    assert 'Teaching Small Models to "Think" Step by Step?' in titles
    assert all(record.venue is None for record in result.records)


def test_seedlike_year_comes_from_arxiv_id():
    result = read("seedlike_topics.md")
    record = find(result.records, "Does Sparsity Help?")
    assert record.year == 2023
    assert any(d.code is Code.YEAR_FROM_ARXIV and d.location == record.location for d in result.diagnostics)
    assert find(result.records, "Trim and Tune").year is None


def test_seedlike_typo_label_keeps_both_links():
    record = find(read("seedlike_topics.md").records, "Lynx")
    assert [(link.label, link.url) for link in record.links] == [
        ("Ppaer", "https://arxiv.org/abs/2305.05555"),
        ("Code", "https://github.com/example/lynx"),
    ]


def test_seedlike_duplicates_are_merged_on_export():
    bibliography = loaded("seedlike_topics.md")
    assert len(bibliography.records) == 8
    merged = find(bibliography.records, "PruneFast")
    assert [location.line for location in merged.duplicates] == [26]


def test_venue_link_resource_sections_are_skipped():
    result = read("venue_link_years.md")
    skipped = result.skipped
    assert [d.location.line for d in skipped] == [24, 26, 30]
    assert all(d.code is Code.RESOURCE_ENTRY for d in skipped)
    assert "Classical Codecs and Library" in skipped[0].message
    assert all(record.year in (2018, 2019, 2020) for record in result.records)


def test_venue_link_title_drops_trailing_period():
    record = find(read("venue_link_years.md").records, "Octree Nets")
    assert record.title == "Octree Nets for Compact Shape Coding"
    assert record.links[0].url == "https://dl.acm.org/doi/10.1145/0000000.0000002"


def test_br_venue_note_and_labels_with_spaces():
    result = read("br_venue.md")
    lighter = find(result.records, "Lighter Models")
    assert lighter.note == "Survey Track"
    rounding = find(result.records, "Post-Training Rounding")
    assert [link.label for link in rounding.links] == ["Paper", "Code (DeepSpeed)"]
    assert result.roles[12] is LineRole.NAVIGATION  # "- [Quantization](#quantization) | [[Subpage]](QUANT.md)"
    assert result.roles[25] is LineRole.PROSE  # the <b> note line


def test_table_issue_column_and_dash_code():
    result = read("table_issue.md")
    chip = find(result.records, "A Dataflow Chip")
    assert chip.venue == "ISCA"
    assert [link.label for link in chip.links] == ["paper"]
    meta = find(result.records, "MetaSearch")
    assert [link.url for link in meta.links] == [
        "https://arxiv.org/abs/1903.01234",
        "https://github.com/example/metasearch",
    ]
    assert result.roles[10] is LineRole.TABLE
    assert result.roles[11] is LineRole.TABLE


def test_table_badges_authors_and_traps():
    result = read("table_badges.md")
    sparse = find(result.records, "SPARSE-1")
    assert [(a.given, a.family) for a in sparse.authors] == [
        ("Hana", "Ito"),
        ("Ivan", "Jones"),
        ("Jia", "Kim"),
        ("Kai", "Lund"),
    ]
    assert sparse.venue is None
    # The heading "Papers from 06/01/2024 - Now" is a date range: the year comes from the arXiv ID.
    assert any(d.code is Code.YEAR_FROM_ARXIV and d.location == sparse.location for d in result.diagnostics)
    # The update bullet that names NeurIPS'23 in a badge is not a paper.
    assert all(record.venue != "NeurIPS" for record in result.records)
    assert result.skipped == []
    moment = find(result.records, "Moment Matching")
    assert [link.url for link in moment.links] == [
        "https://arxiv.org/abs/2406.02222",
        "https://github.com/example/momentkd",
    ]


def test_crlf_tags_nested_link_and_empty_bullet():
    raw = (LAYOUTS / "bold_tags_crlf.md").read_bytes()
    assert b"\r\n" in raw
    result = read("bold_tags_crlf.md")
    damped = find(result.records, "Damped Langevin")
    assert damped.links[0].url == "https://arxiv.org/pdf/2112.03333"
    assert find(result.records, "Encoder-Decoder Diffusion").title.endswith("ACL 24")
    assert result.skipped == []
    empty = [heading.text for heading in result.headings if heading.empty]
    assert empty == ["Rectified Flow", "Efficient Fine-tuning", "Low Rank Adaptation", "Partial Sampling"]


def test_bold_yy_traps_and_duplicate_title():
    result = read("bold_yy_tags.md")
    assert all(record.location.line > 20 for record in result.records)  # no paper from the BibTeX block or news
    assert find(result.records, "LongMem").title == "LongMem²: Cross-Modal Memory for Very Long Videos"
    no_links = find(result.records, "Thinning Tokens")
    assert no_links.links == []
    assert any(d.code is Code.NO_LINKS and d.location == no_links.location for d in result.diagnostics)
    bibliography = loaded("bold_yy_tags.md")
    assert sum(record.title.startswith("Faster Tuning") for record in bibliography.records) == 2
    assert any(d.code is Code.DUPLICATE_TITLE for d in bibliography.diagnostics)


def test_schemeless_url_is_accepted():
    result = read("bold_yy_tags.md")
    record = find(result.records, "Many-to-Many")
    assert record.links[0].url == "openreview.net/forum?id=MtoM000001"
    assert not any(d.code is Code.MALFORMED_URL for d in result.diagnostics)


def test_prefix_notes_and_rejected_venue():
    result = read("year_venue_prefix.md")
    winning = find(result.records, "Winning Tickets")
    assert winning.note == "[Best Paper!]"
    assert [link.label for link in winning.links] == ["paper", "Code 1", "Code 2"]
    assert find(result.records, "Early Tickets").note == "(Spotlight)"
    rejected = find(result.records, "Gradient Flow")
    assert rejected.venue is None
    assert rejected.note == "ICLR reject"
    assert result.roles[4] is LineRole.PROSE  # the [[Survey](...) | [Code](...)] header line


def test_numbered_authors_and_arxiv_ids():
    result = read("numbered_authors.md")
    noisy = find(result.records, "Learning from Noisy Teachers")
    assert (noisy.authors[0].family, noisy.authors[0].given) == ("Li", "Yuncheng")
    assert noisy.authors[-1].literal == "others"
    limits = find(result.records, "On the Limits")
    assert [(a.family, a.given) for a in limits.authors] == [("Cho", "Jang Hyun"), ("Hariharan", "Bharath")]
    assert limits.links[0].url == "https://arxiv.org/abs/1910.01111"
    students = find(result.records, "Noisy Students")
    assert students.note == "Google"
    assert students.authors[0].family == "Xie"
    ensembles = find(result.records, "Ensembles Distilled")
    assert ensembles.authors == []
    assert find(result.records, "Conditional Student").authors[0].given == "Z."


def test_numbered_reference_links_and_invalid_arxiv_id():
    result = read("numbered_authors.md")
    smoothing = find(result.records, "Label Smoothing from Soft Labels")
    assert smoothing.links[0].url == "https://github.com/example/soft-labels"
    undefined = [d for d in result.diagnostics if d.code is Code.MALFORMED_LINK]
    assert [d.location.line for d in undefined] == [18, 24]
    balanced = find(result.records, "Balanced Distillation")
    assert balanced.year is None
    assert balanced.links == []


def test_other_layouts_details_and_multiline_entry():
    result = read("other_layouts.md")
    spq = find(result.records, "SpQ")
    assert spq.location.line == 16
    assert [link.label for link in spq.links] == ["paper", "code"]
    assert [a.family for a in spq.authors] == ["Lima", "Chen", "Diaz"]
    for line in (17, 18, 19):
        assert result.roles[line - 1] is LineRole.PAPER
    assert result.roles[28 - 1] is LineRole.PAPER  # the second half of the broken table row
    assert find(result.records, "Low-Rank Experts").note == "Spotlight"
    assert [(d.location.line, d.code) for d in result.skipped] == [(37, Code.RESOURCE_ENTRY), (46, Code.RESOURCE_ENTRY)]
    assert "'Dataset'" in result.skipped[1].message
    assert result.roles[41 - 1] is LineRole.HEADING  # the bare year line


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_line_has_an_accounted_role(name):
    result = read(name)
    lines = (LAYOUTS / name).read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
    assert len(result.roles) == len(lines)
    skipped_lines = {d.location.line for d in result.skipped}
    paper_lines = {record.location.line for record in result.records}
    for number, role in enumerate(result.roles, start=1):
        if role is LineRole.SKIPPED:
            assert number in skipped_lines, number
        if number in paper_lines:
            assert role is LineRole.PAPER, number


def test_papers_md_still_reads_the_same(papers):
    assert Path(papers.source_name).name == "papers.md"
    assert len(papers.records) == 101


def test_authors_before_links_are_read():
    result = read("other_layouts.md")
    bold = find(result.records, "Bold Titles Lead")
    assert bold.title == "Bold Titles Lead the Entry"
    assert [a.family for a in bold.authors] == ["Lima", "Chen"]
    plain = find(result.records, "Plain Titles Lead")
    assert plain.title == "Plain Titles Lead Too"
    assert [a.family for a in plain.authors] == ["Lima", "Chen"]
    # Without authors, the text before the links is the whole title and the heading gives the venue.
    assert find(result.records, "A Title That Ends").authors == []


def test_table_with_separate_paper_column():
    record = find(read("other_layouts.md").records, "Separate Paper Columns")
    assert [link.url for link in record.links] == [
        "https://example.org/separate",
        "https://github.com/example/separate",
    ]


def test_bare_urls_are_links():
    result = read("other_layouts.md")
    planning = find(result.records, "Planning from Pixels")
    assert planning.title == "Planning from Pixels with Latent Dynamics"
    assert planning.links[0].url == "https://arxiv.org/abs/1811.04551"
    assert planning.year == 2018
    dreaming = find(result.records, "Dreaming of Worlds")
    assert dreaming.title == "Dreaming of Worlds to Plan In"
    assert dreaming.links[0].url == "https://arxiv.org/abs/1912.01603"
    sentence_line = len(result.roles)  # the last line of the file is empty, the sentence is above it
    assert result.roles[sentence_line - 2] is LineRole.PROSE


def test_heading_venue_fills_entries_that_give_a_year_only():
    from paperbib.source import Source

    text = (
        "# List\n## CVPR\n| Title | Year | Code |\n|---|---|---|\n| [Row Paper](https://a.org/1) | 2021 | - |\n"
        "## ICLR 2020\n- 2019.7-[Pre Print](https://arxiv.org/abs/1907.01111)\n"
        "- [2020] Bracket Year [[paper](https://a.org/3)]\n- 2020-ICLR reject-[Turned Down](https://a.org/4)\n"
    )
    records = read_markdown(Source("list.md", text)).records
    assert [(record.title, record.venue, record.year) for record in records] == [
        ("Row Paper", "CVPR", 2021),
        ("Pre Print", None, 2019),
        ("Bracket Year", "ICLR", 2020),
        ("Turned Down", None, 2020),
    ]
