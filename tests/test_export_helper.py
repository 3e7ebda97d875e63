"""The child that reads the last part of a long list also writes its entries: the export stays that of one process."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import no_children_left
from paperbib import forking, model_codec
from paperbib.cli import main
from paperbib.enrich.sidecar import FieldValue, Sidecar, SidecarEntry, paper_identity, write_sidecar
from paperbib.exporters import BUILT_IN, ExportOptions, get_exporter, parts, write_records
from paperbib.exporters.ahead import AheadEntries
from paperbib.model import Record
from paperbib.pipeline import load
from paperbib.reader import markdown_list
from paperbib.steps.keys import first_key
from paperbib.venues import default_catalogue
from test_export_parts import _generate

pytestmark = pytest.mark.skipif(not forking.can_fork(), reason="a helper process needs Linux and two cores")

# Bullets appended after the generated papers, so in the child's part. Papers are listed again, and merged
# into papers of the parent's part or into one another. Two papers share a title, two more the first words
# of their titles and so their first keys, a later venue publishes a preprint, and one venue is missing
# from the catalogue.
TAIL = """
## ICLR-2099

{copied}
- A Paper Listed Twice in the Tail [[paper](https://example.org/twice)] [[arxiv](https://arxiv.org/abs/2401.54321v1)]
- A Paper Listed Twice in the Tail [[paper](https://example.org/twice)] [[arxiv](https://arxiv.org/abs/2401.54321v3)]
- Same Title, Other Paper [[paper](https://example.org/first)]
- Same Title, Other Paper [[paper](https://example.org/second)]

- Efficient Sparse Attention for Vision [[paper](https://example.org/vision)]
- Efficient Sparse Attention for Language [[paper](https://example.org/language)]

## Workshop on Unlisted Venues 2099

- A Paper at an Unknown Venue [[paper](https://example.org/unknown)] Ada Lovelace and Alan Turing
"""


def _list_with_tail(seed: int) -> str:
    text = _generate(600, seed)
    lines = text.split("\n")
    # Papers of the first 30% of the lines, listed again at the end: one of an arXiv section among them.
    early = [line for line in lines[: len(lines) * 3 // 10] if line.startswith("- ") and "arxiv.org/abs/" in line]
    preprints = text.split("## arXiv-", 1)[1].split("\n")
    preprint = next(line for line in preprints if line.startswith("- ") and "arxiv.org/abs/" in line)
    copied = "\n".join([*early[:3], preprint])
    return text + TAIL.format(copied=copied)


@pytest.fixture(scope="module")
def tailed_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("helper") / "papers.md"
    path.write_text(_list_with_tail(seed=11), encoding="utf-8")
    return path


@pytest.fixture
def two_parts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Read the generated list in two parts whatever the machine's load; return the requests sent to helpers."""
    monkeypatch.setattr(markdown_list, "PARALLEL_MIN_LINES", 0)
    monkeypatch.setattr(forking, "core_free", lambda: True)
    requests: list[str] = []
    real_ask = forking.ForkedCall.ask

    def counting_ask(call: forking.ForkedCall, request: bytes) -> None:
        requests.append("ask")
        real_ask(call, request)

    monkeypatch.setattr(forking.ForkedCall, "ask", counting_ask)
    return requests


@pytest.fixture
def started(started_children: list[bool]) -> list[bool]:
    """For each child started, whether it takes a request (see conftest.started_children)."""
    return started_children


def _run(arguments: list[str]) -> tuple[str, str]:
    result = CliRunner().invoke(main, arguments, catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout, result.stderr


def _one_process(arguments: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    with monkeypatch.context() as patch:
        patch.setattr(forking, "can_fork", lambda: False)
        return _run(arguments)


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_helper_writes_same_export(
    name: str, tailed_list: Path, two_parts: list[str], started: list[bool], monkeypatch: pytest.MonkeyPatch
):
    arguments = ["export", "--to", name, str(tailed_list)]
    helped = _run(arguments)
    # One child, which read the last part and then wrote its entries; no second child for writing.
    assert started == [True]
    assert two_parts == ["ask"]
    assert helped == _one_process(arguments, monkeypatch)
    assert no_children_left()


def test_tail_merges_and_warns(tailed_list: Path, two_parts: list[str], started: list[bool]):
    """The appended bullets give the merges and warnings of TAIL, so the comparisons above cover those cases."""
    _, stderr = _run(["export", str(tailed_list)])
    assert started == [True]
    assert stderr.count("is the same paper as") >= 5
    assert "highest version" in stderr
    assert "same title as" in stderr
    assert "is not in the venue catalogue" in stderr
    assert re.search(r"\d+ duplicates merged", stderr)


@pytest.mark.parametrize(
    "options",
    [
        ["--bib-encoding", "utf8", "--booktitle", "short"],
        ["--year", "2099", "--year", "2024"],
        ["--venue", "ICLR", "--venue", "arXiv"],
        ["--key-format", "{venue}{year}:{hash}"],
    ],
    ids=["options", "years", "venues", "key-format"],
)
def test_helper_with_options(
    options: list[str], tailed_list: Path, two_parts: list[str], started: list[bool], monkeypatch: pytest.MonkeyPatch
):
    arguments = ["export", str(tailed_list), *options]
    helped = _run(arguments)
    assert started == [True]
    assert helped == _one_process(arguments, monkeypatch)


def test_helper_with_sidecar(
    tmp_path: Path, two_parts: list[str], started: list[bool], monkeypatch: pytest.MonkeyPatch
):
    """Records that the sidecar changes are new objects, which the helper gets whole."""
    path = tmp_path / "papers.md"
    path.write_text(_list_with_tail(seed=12), encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(forking, "can_fork", lambda: False)
        records = load(str(path)).records
    sidecar = Sidecar()
    # Papers with an arXiv ID, whose identity no other paper shares, so that the sidecar applies to each.
    for record in [record for record in records[-60:] if record.ids.arxiv][:6]:
        sidecar.papers[paper_identity(record)] = SidecarEntry(
            key=record.key, title=record.title, fields={"pages": FieldValue("11--19", "dblp")}
        )
    write_sidecar(str(tmp_path / "papers.meta.json"), sidecar)
    arguments = ["export", str(path)]
    helped = _run(arguments)
    assert started == [True]
    assert helped[0].count("pages = {11--19}") == len(sidecar.papers)
    assert helped == _one_process(arguments, monkeypatch)


def test_update_closes_helper(tmp_path: Path, tailed_list: Path, two_parts: list[str], started: list[bool]):
    """--update keeps fields of the old file in this process: the reading child is not asked, and not left behind."""
    output = tmp_path / "out.bib"
    _run(["export", str(tailed_list), "-o", str(output)])
    _run(["export", "--update", str(tailed_list), "-o", str(output)])
    # The readers of the two exports; the writer of 600 papers does not fork (parts.FORK_MIN_RECORDS).
    assert started == [True, False]
    assert two_parts == ["ask"]
    assert no_children_left()


def test_failing_export_closes_helper(tmp_path: Path, two_parts: list[str], started: list[bool]):
    path = tmp_path / "papers.md"
    path.write_text(_list_with_tail(seed=13) + "\n- [[code](https://github.com/a/b)]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "--strict", str(path), "-o", str(tmp_path / "out.bib")])
    assert result.exit_code == 1
    assert "nothing written because of --strict" in result.stderr
    assert started == [True]
    assert two_parts == []
    assert no_children_left()
    assert not (tmp_path / "out.bib").exists()


def test_failed_helper_part_written_here(
    tailed_list: Path,
    two_parts: list[str],
    started: list[bool],
    child_writer_fails: None,
    monkeypatch: pytest.MonkeyPatch,
):
    arguments = ["export", "--to", "csl-json", str(tailed_list)]
    helped = _run(arguments)
    assert started == [True]
    assert two_parts == ["ask"]
    assert helped == _one_process(arguments, monkeypatch)


def test_placed_records_round_trip(tailed_list: Path, monkeypatch: pytest.MonkeyPatch):
    """encode_placed sends known records as references: the receiver rebuilds every field."""
    monkeypatch.setattr(forking, "can_fork", lambda: False)
    bibliography = load(str(tailed_list))
    records = bibliography.records
    middle = len(records) // 2
    # The receiver's copies: the records as read, without keys and venues, in another order.
    copies = [
        model_codec.decode_records(model_codec.encode_records([record]), record.location.path)[0]
        for record in records[middle:]
    ]
    for copy in copies:
        copy.key, copy.venue_info = "", None
    copies.reverse()
    known = {id(record): len(copies) - 1 - offset for offset, record in enumerate(records[middle:])}
    # One record the receiver does not hold.
    del known[id(records[-3])]
    encoded = model_codec.loads(model_codec.dumps(model_codec.encode_placed(records[middle:], known)))
    decoded = model_codec.decode_placed(encoded, copies, str(tailed_list))
    assert decoded == records[middle:]


@pytest.mark.parametrize("name", ["bibtex", "csl-json"])
def test_helper_without_own_records_closed(name: str, tailed_list: Path, two_parts: list[str]):
    """A helper whose records are all filtered out is closed, and the writer works as without one."""
    bibliography = load(str(tailed_list), follow=parts.entries_writer(get_exporter(name)))
    assert bibliography.helper is not None
    helper_records = {id(record) for record in bibliography.helper.records}
    records = [record for record in bibliography.records if id(record) not in helper_records]
    options = ExportOptions(source_name=str(tailed_list))
    expected = io.StringIO()
    write_records(get_exporter(name), records, options, expected)
    out = io.StringIO()
    parts.write_records_forked(get_exporter(name), records, options, out, helper=bibliography.helper)
    bibliography.close()
    assert out.getvalue() == expected.getvalue()
    assert two_parts == []
    assert no_children_left()


def test_helper_response_from_records(tailed_list: Path, two_parts: list[str]):
    """The helper's response is what ``follow`` computed from its own records."""
    bibliography = load(
        str(tailed_list),
        follow=lambda records, prepared: lambda request: request + b":" + str(len(records)).encode("ascii"),
    )
    assert bibliography.helper is not None
    count = len(bibliography.helper.records)
    assert all(isinstance(record, Record) for record in bibliography.helper.records)
    bibliography.helper.ask(b"count")
    assert bibliography.helper.response() == f"count:{count}".encode("ascii")
    bibliography.close()
    assert no_children_left()


@pytest.mark.parametrize("name", ["bibtex", "csl-json"])
def test_helper_with_other_likely_options(
    name: str, tailed_list: Path, two_parts: list[str], monkeypatch: pytest.MonkeyPatch
):
    """Entries written ahead with options that the export does not use are written again."""
    likely = ExportOptions(source_name=str(tailed_list), bib_encoding="utf8", booktitle="short")
    bibliography = load(str(tailed_list), follow=parts.entries_writer(get_exporter(name), likely))
    options = ExportOptions(source_name=str(tailed_list))
    out = io.StringIO()
    diagnostics = parts.write_records_forked(
        get_exporter(name), bibliography.records, options, out, helper=bibliography.helper
    )
    bibliography.close()
    assert two_parts == ["ask"]
    expected = io.StringIO()
    assert diagnostics == write_records(get_exporter(name), bibliography.records, options, expected)
    assert out.getvalue() == expected.getvalue()


@pytest.mark.parametrize("name", ["bibtex", "biblatex", "csl-json", "ris"])
def test_ahead_entries_used_where_keys_hold(name: str, tailed_list: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(forking, "can_fork", lambda: False)
    records = load(str(tailed_list)).records
    start = len(records) // 2
    # The helper's copies as read: no key and no venue yet.
    copies = model_codec.decode_records(model_codec.encode_records(records[start:]), str(tailed_list))
    for copy in copies:
        copy.key, copy.venue_info = "", None
    exporter = get_exporter(name)
    options = ExportOptions(source_name=str(tailed_list))
    ahead = AheadEntries.write(exporter, options, copies, default_catalogue(), None)
    # Then the copies get the final keys and venues, as decode_placed gives them.
    for copy, record in zip(copies, records[start:], strict=True):
        copy.key, copy.venue_info = record.key, record.venue_info
    out = io.StringIO()
    diagnostics = ahead.write_entries([*records[:start], *copies], start, len(records), options, out)
    expected = io.StringIO()
    assert diagnostics == exporter.write_entries(records, start, len(records), options, expected)
    assert out.getvalue() == expected.getvalue()
    first_keys_kept = sum(first_key(record) == record.key for record in records[start:])
    assert ahead.used == first_keys_kept
    assert 0 < ahead.used < len(copies)  # the two papers of TAIL with the same first key are written again


@pytest.mark.parametrize("name", ["bibtex", "csl-json", "csl-yaml"])
def test_helper_text_encoded_in_small_chunks(
    name: str, tailed_list: Path, two_parts: list[str], monkeypatch: pytest.MonkeyPatch
):
    """The helper encodes its text a few entries at a time; joined, the chunks are the text of one process."""
    monkeypatch.setattr(parts, "ENCODED_CHUNK", 700)
    arguments = ["export", "--to", name, str(tailed_list)]
    helped = _run(arguments)
    assert two_parts == ["ask"]
    assert helped == _one_process(arguments, monkeypatch)
