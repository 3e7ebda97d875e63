"""Parts of paperbib enrich: name splitting, response parsing, DBLP matching, sidecar, merging, cache, settings."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from enrich_server import FIXTURES
from paperbib.diagnostics import Code, Severity
from paperbib.enrich.arxiv import ArxivError, canonical_id, parse_feed
from paperbib.enrich.cache import LookupCache
from paperbib.enrich.crossref import _metadata as crossref_metadata
from paperbib.enrich.crossref import parse_work
from paperbib.enrich.dblp import DblpError, DblpSource, parse_hits
from paperbib.enrich.http import HttpClient
from paperbib.enrich.merge import merge_entry
from paperbib.enrich.names import split_name, strip_dblp_homonym
from paperbib.enrich.openreview import OpenReviewError, _metadata, find_note
from paperbib.enrich.result import LookupResult, Metadata, Status
from paperbib.enrich.settings import EnrichSettings, SettingsError, parse_sources
from paperbib.enrich.sidecar import (
    FieldValue,
    Sidecar,
    SidecarEntry,
    SidecarError,
    dumps,
    paper_identity,
    read_sidecar,
    sidecar_path,
)
from paperbib.model import Author, Location, Record
from paperbib.pipeline import process


def record(title: str, venue: str | None = "ICLR", year: int | None = 2024, links=()) -> Record:
    from paperbib.model import Link

    bibliography = process([Record(title, Location("list.md", 3), [Link(*link) for link in links], year, venue)], [])
    return bibliography.records[0]


@pytest.mark.parametrize(
    ("full", "family", "given"),
    [
        ("Mira Okafor", "Okafor", "Mira"),
        ("Jonas van der Berg", "van der Berg", "Jonas"),
        ("Ana Lucía  Pérez", "Pérez", "Ana Lucía"),
        ("Plato", "Plato", ""),
        ("de Souza", "Souza", "de"),
    ],
)
def test_split_name(full, family, given):
    assert split_name(full) == Author(family=family, given=given)


def test_split_name_empty():
    assert split_name("   ") is None


def test_strip_dblp_homonym():
    assert strip_dblp_homonym("Wei Zhang 0042") == "Wei Zhang"
    assert strip_dblp_homonym("Agent 007") == "Agent 007"


def test_arxiv_feed_parsed():
    results = parse_feed((FIXTURES / "arxiv_batch.xml").read_bytes())
    assert sorted(results) == ["2305.02222", "2401.01111", "2402.03333"]
    routing = results["2401.01111"]
    assert routing.status is Status.RESOLVED
    assert routing.metadata.title == "Sparse Token Routing for Efficient Decoding"
    assert results["2305.02222"].metadata.doi == "10.18653/v1/2023.acl-long.901"


def test_arxiv_error_entry():
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.5678x</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.5678x</summary>
  </entry>
</feed>"""
    with pytest.raises(ArxivError, match="incorrect id format"):
        parse_feed(body)


def test_arxiv_rate_limit_text_rejected():
    with pytest.raises(ArxivError, match="malformed XML"):
        parse_feed(b"Rate exceeded.")


def test_dblp_hits_single_object():
    hits = parse_hits((FIXTURES / "dblp_other_venue_only.json").read_bytes())
    assert [hit["key"] for hit in hits] == ["journals/corr/abs-2310-04444"]


def test_dblp_hits_malformed():
    with pytest.raises(DblpError, match="malformed JSON"):
        parse_hits((FIXTURES / "malformed.json").read_bytes())
    with pytest.raises(DblpError, match=r"no result\.hits"):
        parse_hits(b'{"result": {}}')


def test_dblp_no_hits():
    assert parse_hits(b'{"result": {"hits": {"@total": "0", "@sent": "0"}}}') == []


def dblp_choose(paper: Record, fixture: str) -> LookupResult:
    source = DblpSource(HttpClient(), "http://127.0.0.1:9/unused")
    return source.choose(paper, parse_hits((FIXTURES / fixture).read_bytes()))


def test_dblp_exact_match_in_venue():
    result = dblp_choose(record("Sparse token routing for efficient decoding"), "dblp_sparse_token_routing.json")
    assert result.status is Status.RESOLVED
    assert result.metadata.authors == (Author("Okafor", "Mira"), Author("van der Berg", "Jonas"))
    assert result.metadata.title == "Sparse Token Routing for Efficient Decoding"
    assert result.message == "DBLP record conf/iclr/OkaforB24"


def test_dblp_volume_suffix_venue():
    result = dblp_choose(record("Pruning Heads Without Retraining", "ACL", 2023), "dblp_pruning_heads.json")
    assert result.status is Status.RESOLVED
    assert result.metadata.pages == "100-112"


def test_dblp_wrong_year_not_found():
    result = dblp_choose(
        record("Sparse Token Routing for Efficient Decoding", year=2023), "dblp_sparse_token_routing.json"
    )
    assert result.status is Status.NOT_FOUND


def test_dblp_wrong_venue_not_found():
    result = dblp_choose(
        record("Sparse Token Routing for Efficient Decoding", "ICML"), "dblp_sparse_token_routing.json"
    )
    assert result.status is Status.NOT_FOUND


def test_dblp_two_candidates_ambiguous():
    result = dblp_choose(record("Learning to Compress Prompts"), "dblp_two_candidates.json")
    assert result.status is Status.AMBIGUOUS
    assert result.metadata == Metadata()


def test_dblp_unknown_venue_by_name():
    paper = record("Learning to Compress Prompts", "Workshop on Tiny Models")
    hits = [{"title": "Learning to Compress Prompts.", "venue": "Workshop on Tiny Models", "year": "2024", "key": "k"}]
    source = DblpSource(HttpClient(), "http://127.0.0.1:9/unused")
    assert source.choose(paper, hits).status is Status.RESOLVED


def test_dblp_skips_preprints():
    source = DblpSource(HttpClient(), "http://127.0.0.1:9/unused")
    assert source.request_for(record("Mixed Precision Caches", "arXiv")) is None
    assert source.request_for(record("No Year Here", year=None)) is None


def test_openreview_v1_plain_values():
    body = json.dumps({"notes": [{"id": "Ab1", "content": {"title": "Old  Style", "authors": ["Kim Lee"]}}]})
    note = find_note(body.encode(), "Ab1")
    assert note is not None
    assert _metadata(note) == Metadata(title="Old Style", authors=(Author("Lee", "Kim"),))


def test_openreview_missing_note():
    assert find_note(b'{"notes": [], "count": 0}', "Ab1") is None
    with pytest.raises(OpenReviewError, match="no notes list"):
        find_note(b'{"status": 500}', "Ab1")


def test_crossref_organisation_author():
    work = parse_work(
        json.dumps({"message": {"author": [{"name": "The Tiny Models Consortium"}, {"family": "Ng"}]}}).encode()
    )
    metadata = crossref_metadata(work, "10.1/x")
    assert metadata.authors == (Author(literal="The Tiny Models Consortium"), Author(family="Ng"))
    assert metadata.doi == "10.1/x"


def test_paper_identity_forms():
    assert paper_identity(record("T", links=[("arxiv", "https://arxiv.org/abs/2401.01111v3")])) == "arxiv:2401.01111"
    assert paper_identity(record("T", links=[("doi", "https://doi.org/10.1000/ABC")])) == "doi:10.1000/abc"
    assert paper_identity(record("Some: Title!")) == "title:iclr:2024:some title"


def test_sidecar_path_forms():
    assert sidecar_path("lists/papers.md") == "lists/papers.meta.json"
    assert sidecar_path("README") == "README.meta.json"
    assert sidecar_path("-") is None


def entry(**fields: FieldValue) -> SidecarEntry:
    return SidecarEntry(key="k", title="t", fields=dict(fields), lookups={"dblp": "resolved"})


def test_sidecar_round_trip_sorted(tmp_path):
    sidecar = Sidecar()
    sidecar.papers["title:b"] = entry(pages=FieldValue("1-2", "dblp"))
    sidecar.papers["arxiv:1"] = entry(authors=FieldValue([{"family": "Ng", "given": "Al"}], "arxiv"))
    text = dumps(sidecar)
    assert text.index('"arxiv:1"') < text.index('"title:b"')
    path = tmp_path / "p.meta.json"
    path.write_text(text, encoding="utf-8")
    read = read_sidecar(str(path))
    assert dumps(read) == text
    assert read.papers["arxiv:1"].metadata_from("arxiv").authors == (Author("Ng", "Al"),)


@pytest.mark.parametrize(
    ("content", "line", "detail"),
    [
        ('{"format": "paperbib-sidecar", "version": 2, "papers": {}}', 1, "version 2 is not supported"),
        ("[1, 2]", 1, "not a paperbib sidecar"),
        (
            '{"format": "paperbib-sidecar", "version": 1, "papers": {\n"a": {"fields": {"pages": {"value": 3, '
            '"source": "dblp"}}}}}',
            2,
            "pages must be a string",
        ),
        (
            '{"format": "paperbib-sidecar", "version": 1, "papers": {\n\n"a": {"fields": {"isbn": {}}}}}',
            3,
            "unknown field 'isbn'",
        ),
        (
            '{"format": "paperbib-sidecar", "version": 1, "papers": {"a": {"lookups": {"dblp": "maybe"}}}}',
            1,
            "unknown status 'maybe'",
        ),
    ],
)
def test_sidecar_invalid(tmp_path, content, line, detail):
    path = tmp_path / "p.meta.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SidecarError) as raised:
        read_sidecar(str(path))
    assert raised.value.line == line
    assert detail in raised.value.detail


def test_merge_list_authors_win():
    paper = replace(record("T"), authors=[Author("Okafor", "M.")])
    merged, findings = merge_entry(paper, entry(authors=FieldValue([{"family": "Okafor", "given": "Mira"}], "dblp")))
    assert merged.authors == [Author("Okafor", "M.")]
    assert [finding.code for finding in findings] == [Code.ENRICH_CONFLICT]
    assert findings[0].severity is Severity.WARNING
    assert "the list's authors are kept" in findings[0].message


def test_merge_catalogue_volume_wins():
    paper = record("T", "NeurIPS", 2023)
    merged, findings = merge_entry(paper, entry(volume=FieldValue("37", "dblp"), pages=FieldValue("5-9", "dblp")))
    assert merged.volume == ""
    assert merged.pages == "5-9"
    assert len(findings) == 1
    assert findings[0].severity is Severity.INFO
    assert "'37'" in findings[0].message


def test_merge_title_difference_reported():
    paper = record("Distilling Sparse Experts")
    merged, findings = merge_entry(paper, entry(title=FieldValue("Distilling Sparse Experts into Students", "dblp")))
    assert merged.title == "Distilling Sparse Experts"
    assert "the list's title is kept" in findings[0].message


def test_merge_same_values_quiet():
    paper = replace(record("T", links=[("doi", "https://doi.org/10.1000/ABC")]), authors=[Author("Ng", "Al")])
    merged, findings = merge_entry(
        paper,
        entry(
            authors=FieldValue([{"family": "NG", "given": "al"}], "crossref"), doi=FieldValue("10.1000/abc", "crossref")
        ),
    )
    assert findings == []
    assert merged.ids.doi == "10.1000/ABC"


def test_cache_round_trip(tmp_path):
    cache = LookupCache(str(tmp_path))
    result = LookupResult(Status.RESOLVED, Metadata(title="T", authors=(Author("Ng", "Al"),)), "found")
    cache.put("arxiv", "2401.01111", result)
    assert cache.get("arxiv", "2401.01111") == result
    assert cache.get("arxiv", "2401.01112") is None
    assert cache.get("dblp", "2401.01111") is None


def test_cache_skips_failures(tmp_path):
    cache = LookupCache(str(tmp_path))
    cache.put("dblp", "k", LookupResult(Status.FAILED, message="timed out"))
    assert cache.get("dblp", "k") is None
    assert not any(tmp_path.rglob("*.json"))


def test_cache_corrupt_file_ignored(tmp_path):
    cache = LookupCache(str(tmp_path))
    cache.put("dblp", "k", LookupResult(Status.NOT_FOUND, message="none"))
    [path] = tmp_path.rglob("*.json")
    path.write_text("{broken", encoding="utf-8")
    assert cache.get("dblp", "k") is None


def test_cache_default_folder_user_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert LookupCache().folder == str(tmp_path / "paperbib" / "enrich")


def test_settings_from_environment():
    settings = EnrichSettings.from_env(
        {
            "PAPERBIB_ARXIV_URL": "http://127.0.0.1:8/arxiv/",
            "PAPERBIB_OPENREVIEW_V1_URL": "http://127.0.0.1:8/v1",
            "PAPERBIB_ARXIV_DELAY": "0.25",
            "PAPERBIB_ENRICH_RETRIES": "5",
        }
    )
    assert settings.base_urls["arxiv"] == "http://127.0.0.1:8/arxiv"
    assert settings.base_urls["openreview-v1"] == "http://127.0.0.1:8/v1"
    assert settings.delays["arxiv"] == 0.25
    assert settings.delays["dblp"] == 1.0
    assert settings.retries == 5


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PAPERBIB_DBLP_URL": "ftp://x"}, "expected an http:// or https:// URL"),
        ({"PAPERBIB_ARXIV_DELAY": "soon"}, "expected a number of seconds"),
        ({"PAPERBIB_ENRICH_RETRIES": "-1"}, "expected zero or more"),
    ],
)
def test_settings_invalid_environment(environ, message):
    with pytest.raises(SettingsError, match=message):
        EnrichSettings.from_env(environ)


def test_parse_sources_keeps_order():
    assert parse_sources("crossref, ARXIV") == ("arxiv", "crossref")
    with pytest.raises(SettingsError, match="unknown source 'scholar'"):
        parse_sources("scholar")


@pytest.mark.parametrize(
    ("written", "canonical"),
    [("math.GT/0309136", "math/0309136"), ("hep-th/9901001", "hep-th/9901001"), ("2401.01111", "2401.01111")],
)
def test_arxiv_canonical_id(written, canonical):
    assert canonical_id(written) == canonical


def test_arxiv_old_style_entry_id():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry>
<id>http://arxiv.org/abs/math/0309136v2</id><title>Knots</title><author><name>Ada Byron</name></author>
</entry></feed>"""
    assert list(parse_feed(body)) == ["math/0309136"]
