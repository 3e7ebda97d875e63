"""Reading a long list in two processes gives exactly the result of reading it in one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, PAPERS
from paperbib import forking, model_codec
from paperbib.diagnostics import Code, Diagnostic, Severity
from paperbib.model import Author, Identifiers, Link, Location, Record, VenueInfo
from paperbib.reader import markdown_list
from paperbib.reader.markdown_list import ReadResult, read_markdown
from paperbib.source import Source, read_source
from test_fast_paths import _load_generator

needs_fork = pytest.mark.skipif(not forking.can_fork(), reason="reading in two processes needs Linux and two cores")


@pytest.fixture(autouse=True)
def idle_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork whatever else runs on the machine, so that the tests do not depend on its load."""
    monkeypatch.setattr(forking, "core_free", lambda: True)


def _read_in_one_process(source: Source, monkeypatch: pytest.MonkeyPatch) -> ReadResult:
    with monkeypatch.context() as patch:
        patch.setattr(markdown_list, "PARALLEL_MIN_LINES", 10**9)
        return read_markdown(source)


class _Parts:
    """Counters of what the parent did with the child's part: accepted, rejected, or none received."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.accepted = self.rejected = self.failed = 0
        fits = markdown_list._Reader._fits
        result = forking.ForkedCall.result

        def counting_fits(reader, second_part, state):  # type: ignore[no-untyped-def]
            accepted = fits(reader, second_part, state)
            if accepted:
                self.accepted += 1
            else:
                self.rejected += 1
            return accepted

        def counting_result(call):  # type: ignore[no-untyped-def]
            data = result(call)
            self.failed += data is None
            return data

        monkeypatch.setattr(markdown_list._Reader, "_fits", counting_fits)
        monkeypatch.setattr(forking.ForkedCall, "result", counting_result)
        monkeypatch.setattr(markdown_list, "PARALLEL_MIN_LINES", 0)


def _assert_same(single: ReadResult, forked: ReadResult) -> None:
    assert forked.records == single.records
    assert forked.diagnostics == single.diagnostics  # the same order, too
    assert forked.roles == single.roles
    assert forked.headings == single.headings


@pytest.fixture(scope="module")
def generated_source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    path = tmp_path_factory.mktemp("generated") / "long.md"
    path.write_text(_load_generator().generate(1500, seed=11), encoding="utf-8")
    return read_source(str(path))


@needs_fork
def test_reader_generated_list_in_two_processes(generated_source: Source, monkeypatch: pytest.MonkeyPatch) -> None:
    single = _read_in_one_process(generated_source, monkeypatch)
    parts = _Parts(monkeypatch)
    forked = read_markdown(generated_source)
    assert parts.accepted == 1
    _assert_same(single, forked)
    assert len(forked.records) > 1400
    # Headings above the split count the papers of both parts.
    assert sum(info.papers for info in forked.headings if info.level == 2) == len(forked.records)


@needs_fork
@pytest.mark.parametrize("path", [PAPERS, *sorted(FIXTURES.rglob("*.md"))], ids=lambda path: path.name)
def test_reader_every_fixture_in_two_processes(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = read_source(str(path), "latin-1" if "latin1" in path.name else None)
    single = _read_in_one_process(source, monkeypatch)
    parts = _Parts(monkeypatch)
    forked = read_markdown(source)
    _assert_same(single, forked)
    assert parts.accepted + parts.rejected + parts.failed <= 1


def _lines(count: int, start: int = 0) -> list[str]:
    return [
        f"- Paper Number {number} [[paper](https://arxiv.org/abs/2401.{number:05d})]"
        for number in range(start, start + count)
    ]


# Split points that the child cannot read from on its own: a table open at the middle line, a fenced
# block open across it, an HTML comment, and sections that open and close around it.
_AWKWARD = {
    "table": "\n".join(["# 2024", "", "| Title | Venue |", "|---|---|", *[f"- Row {n} | ICLR |" for n in range(60)]]),
    "fence": "\n".join(["## ICLR-2024", *_lines(20), "```", *_lines(30, 100), "```", *_lines(20, 200)]),
    "comment": "\n".join(["## ICLR-2024", *_lines(20), "<!--", *_lines(30, 100), "-->", *_lines(20, 200)]),
    "sections": "\n".join(
        ["# 2024", "## ICLR-2024", *_lines(25), "### Oral", *_lines(10, 100), "## CVPR-2023", *_lines(25, 200)]
    ),
    # The paper above a code block is continued below it. The child starts inside the block, so it
    # stops at the continuing line, and the parent reads the rest itself.
    "open paper": "\n".join(
        ["## ICLR-2024", *_lines(10), "- ABBR [[paper](https://example.org/abbr)]", "```"]
        + ["- Code Line"] * 30
        + ["```", "  - [[code](https://github.com/o/p)]", "  - The Full Title Of The Abbreviation"]
    ),
    "wrapped": "\n".join(
        ["## ICLR-2024", *[f"- Title {n}\n  Wraps On [[paper](https://example.org/{n})]" for n in range(40)]]
    ),
}


@needs_fork
@pytest.mark.parametrize("name", sorted(_AWKWARD))
def test_reader_awkward_split_points(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    source = Source("list.md", _AWKWARD[name])
    single = _read_in_one_process(source, monkeypatch)
    _Parts(monkeypatch)
    _assert_same(single, read_markdown(source))
    assert single.records  # each input has papers to compare


@needs_fork
def test_reader_table_across_split(monkeypatch: pytest.MonkeyPatch) -> None:
    source = Source("list.md", _AWKWARD["table"])
    single = _read_in_one_process(source, monkeypatch)
    parts = _Parts(monkeypatch)
    forked = read_markdown(source)
    assert parts.failed == 1  # the child raises rather than start inside a table
    assert parts.accepted == 0
    _assert_same(single, forked)
    assert len(forked.records) == 60


@needs_fork
def test_reader_child_with_other_sections_ignored(generated_source: Source, monkeypatch: pytest.MonkeyPatch) -> None:
    single = _read_in_one_process(generated_source, monkeypatch)
    parts = _Parts(monkeypatch)
    second_part = markdown_list._Reader._read_second_part

    def other_sections(reader, split):  # type: ignore[no-untyped-def]
        signature, *rest = model_codec.loads(second_part(reader, split))
        return model_codec.dumps(((*signature[:-1], ()), *rest))

    monkeypatch.setattr(markdown_list._Reader, "_read_second_part", other_sections)
    forked = read_markdown(generated_source)
    assert parts.rejected == 1
    _assert_same(single, forked)


@needs_fork
def test_reader_failed_child_replaced(generated_source: Source, monkeypatch: pytest.MonkeyPatch) -> None:
    single = _read_in_one_process(generated_source, monkeypatch)
    parts = _Parts(monkeypatch)

    def fail(reader, split):  # type: ignore[no-untyped-def]
        raise RuntimeError("the child fails")

    monkeypatch.setattr(markdown_list._Reader, "_read_second_part", fail)
    forked = read_markdown(generated_source)
    assert parts.failed == 1
    _assert_same(single, forked)


@needs_fork
def test_reader_prepare_sees_records_once(generated_source: Source, monkeypatch: pytest.MonkeyPatch) -> None:
    _Parts(monkeypatch)

    def mark(records: list[Record]) -> None:
        for record in records:
            record.note = f"{record.note}|prepared"

    result = read_markdown(generated_source, prepare=mark)
    assert all(record.note.endswith("|prepared") and record.note.count("|prepared") == 1 for record in result.records)


def test_reader_short_input_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork(function):  # type: ignore[no-untyped-def]
        raise AssertionError("a short list must not fork")

    monkeypatch.setattr(forking, "start", no_fork)
    assert len(read_markdown(read_source(str(PAPERS))).records) > 90


def test_reader_busy_machine_one_process(generated_source: Source, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise AssertionError("no child while every core is busy")

    monkeypatch.setattr(markdown_list, "PARALLEL_MIN_LINES", 0)
    monkeypatch.setattr(forking, "core_free", lambda: False)
    monkeypatch.setattr(forking.os, "fork", no_fork)
    assert len(read_markdown(generated_source).records) > 1400


def test_model_codec_keeps_every_field() -> None:
    info = VenueInfo(
        "iclr",
        "ICLR",
        "International Conference",
        "conference",
        "inproceedings",
        "paper-conference",
        "Proc. ICLR",
        "ICLR 2024",
        "OpenReview",
        "S",
        "12",
        known=False,
    )
    record = Record(
        title="A Title",
        location=Location("list.md", 7),
        links=[Link("paper", "https://example.org/a"), Link("code", "https://example.org/b")],
        year=2024,
        venue="ICLR",
        authors=[Author("Doe", "Jane"), Author(literal="The Team")],
        note="Oral",
        ids=Identifiers(*(f"id{number}" for number in range(len(dataclasses.fields(Identifiers))))),
        venue_info=info,
        key="iclr2024-title",
        duplicates=[Location("list.md", 9)],
        pages="1--9",
        volume="3",
        publisher="PMLR",
    )
    # A field missing from the codec would be left at its default here, so every field is set.
    assert all(getattr(record, item.name) != item.default for item in dataclasses.fields(Record))
    plain = Record("B", Location("list.md", 8))
    again = model_codec.decode_records(
        model_codec.loads(model_codec.dumps(model_codec.encode_records([record, plain]))), "list.md"
    )
    assert again == [record, plain]
    assert again[1].ids is plain.ids or again[1].ids == Identifiers()
    diagnostics = [Diagnostic(Location("list.md", 3), Severity.WARNING, Code.NO_LINKS, "paper 'x' has no links")]
    rows = model_codec.loads(model_codec.dumps(model_codec.encode_diagnostics(diagnostics)))
    assert model_codec.decode_diagnostics(rows) == diagnostics


# Line kinds that change what the lines below them mean: headings of each level, pseudo-headings,
# code fences, HTML comments, tables, nested and wrapped bullets, definitions and plain text.
_LINE_KINDS = [
    "# 2023",
    "## ICLR-2024",
    "### NeurIPS 2022 (Oral)",
    "## Surveys",
    "**2021**",
    "<details><summary>CVPR 2020</summary>",
    "</details>",
    "```",
    "~~~",
    "<!--",
    "-->",
    "<!-- a comment -->",
    "| Title | Venue | Code |",
    "|---|---|---|",
    "| Row Paper | ICML 2023 | [code](https://example.org/c) |",
    "",
    "Some prose between the papers.",
    "[ref]: https://arxiv.org/abs/2301.00001",
    "- Plain Paper [[paper](https://arxiv.org/abs/2302.00002)] [[code](https://github.com/a/b)]",
    "- Paper With Ref [[paper][ref]]",
    "* **[ICLR 2019]** Tagged Paper [[paper](https://openreview.net/forum?id=abc)]",
    "- ABBR [[paper](https://example.org/abbr)]",
    "  - The Full Title Of The Abbreviation",
    "  - [[code](https://github.com/c/d)]",
    "- A Title That Wraps",
    "  Onto A Second Line [[paper](https://example.org/wrap)]",
    "1. Numbered Paper. Author One, Author Two. ICML 2022. [[pdf](https://example.org/n.pdf)]",
    "- [Linked Title](https://arxiv.org/abs/2105.00005) - Someone et al.",
    "- Broken [[paper](https://example.org/x)",
]


@needs_fork
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.sampled_from(_LINE_KINDS), min_size=4, max_size=80))
def test_reader_random_structure_in_two_processes(lines: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    source = Source("list.md", "\n".join(lines))
    single = _read_in_one_process(source, monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr(markdown_list, "PARALLEL_MIN_LINES", 0)
        forked = read_markdown(source)
    _assert_same(single, forked)
