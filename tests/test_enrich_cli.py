"""paperbib enrich against a local server that responds in the real formats of arXiv, DBLP, OpenReview and Crossref."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import require_tool
from enrich_server import ARXIV_PATH, CROSSREF_PATH, DBLP_PATH, FIXTURES, FakeApi, Reply, fixture, standard_routes
from paperbib.cli import main

ENRICHED_KEYS = ("iclr2024-sparse-token-routing", "arxiv2024-mixed-precision-caches", "acl2023-pruning-heads-without")
UNRESOLVED_KEYS = (
    "iclr2024-learning-compress-prompts",
    "neurips2023-quantised-adapters-revisited",
    "neurips2023-distilling-sparse-experts",
)


@pytest.fixture(autouse=True)
def no_public_services(monkeypatch, tmp_path):
    """Point every source at a closed local port and the user cache at a temporary folder.

    A test that leaves out an option then fails with a connection error instead of reaching a public service.
    """
    for name in ("ARXIV", "DBLP", "OPENREVIEW", "OPENREVIEW_V1", "CROSSREF"):
        monkeypatch.setenv(f"PAPERBIB_{name}_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


@pytest.fixture
def api():
    with FakeApi() as server:
        yield server


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "papers.md", tmp_path / "papers.md")
    return tmp_path


def run_enrich(workdir: Path, api: FakeApi, *options: str) -> Result:
    arguments = ["enrich", str(workdir / "papers.md"), "--cache", str(workdir / "cache"), *api.cli_options(), *options]
    return CliRunner().invoke(main, arguments, catch_exceptions=False)


def run_export(workdir: Path, *options: str) -> Result:
    arguments = ["export", str(workdir / "papers.md"), "-o", str(workdir / "out.bib"), *options]
    return CliRunner().invoke(main, arguments, catch_exceptions=False)


def sidecar(workdir: Path) -> dict:
    return json.loads((workdir / "papers.meta.json").read_text(encoding="utf-8"))["papers"]


def bib_entries(workdir: Path) -> dict[str, str]:
    text = (workdir / "out.bib").read_text(encoding="utf-8")
    return {match.group(1): match.group(0) for match in re.finditer(r"@\w+\{([^,]+),.*?\n\}\n", text, re.DOTALL)}


def test_enrich_success_sidecar(workdir, api):
    standard_routes(api)
    result = run_enrich(workdir, api)
    assert result.exit_code == 0, result.output
    papers = sidecar(workdir)
    routing = papers["arxiv:2401.01111"]
    assert routing["key"] == "iclr2024-sparse-token-routing"
    assert routing["fields"]["authors"] == {
        "source": "dblp",
        "value": [{"family": "Okafor", "given": "Mira"}, {"family": "van der Berg", "given": "Jonas"}],
    }
    assert routing["lookups"] == {"arxiv": "resolved", "dblp": "resolved", "openreview": "resolved"}
    pruning = papers["arxiv:2305.02222"]
    assert pruning["fields"]["doi"] == {"source": "crossref", "value": "10.18653/v1/2023.acl-long.901"}
    assert pruning["fields"]["pages"] == {"source": "crossref", "value": "100-112"}
    assert pruning["fields"]["authors"]["value"][1] == {"family": "Ferreira", "given": "Tomás"}
    caches = papers["arxiv:2402.03333"]
    assert caches["fields"]["authors"] == {
        "source": "arxiv",
        "value": [{"family": "Pérez", "given": "Ana Lucía"}, {"family": "Sato", "given": "Kenji"}],
    }
    assert "enriched 6 papers" in result.stderr
    assert "3 resolved, 2 ambiguous, 1 not found, 0 failed" in result.stderr


def test_enrich_one_batched_arxiv_request(workdir, api):
    standard_routes(api)
    run_enrich(workdir, api)
    assert api.count(ARXIV_PATH) == 1
    _, params = next(request for request in api.requests if request[0] == ARXIV_PATH)
    assert sorted(params["id_list"].split(",")) == ["2305.02222", "2401.01111", "2402.03333"]


def test_enrich_export_bib_has_authors(workdir, api):
    standard_routes(api)
    run_enrich(workdir, api)
    result = run_export(workdir)
    assert result.exit_code == 0, result.output
    entries = bib_entries(workdir)
    assert "author = {Okafor, Mira and van der Berg, Jonas}," in entries["iclr2024-sparse-token-routing"]
    pruning = entries["acl2023-pruning-heads-without"]
    assert "author = {Nguyen, Lea and Ferreira, Tom{\\'a}s}," in pruning
    assert "pages = {100--112}," in pruning
    assert "doi = {10.18653/v1/2023.acl-long.901}," in pruning
    for key in UNRESOLVED_KEYS:
        assert "author = " not in entries[key]


def test_enrich_csl_json_has_authors(workdir, api):
    standard_routes(api)
    run_enrich(workdir, api)
    result = CliRunner().invoke(main, ["export", str(workdir / "papers.md"), "--to", "csl-json"])
    items = {item["id"]: item for item in json.loads(result.stdout)}
    pruning = items["acl2023-pruning-heads-without"]
    assert pruning["author"] == [{"family": "Nguyen", "given": "Lea"}, {"family": "Ferreira", "given": "Tomás"}]
    assert pruning["page"] == "100-112"
    assert pruning["DOI"] == "10.18653/v1/2023.acl-long.901"


def test_enrich_bibtex_no_empty_author(workdir, api):
    bibtex = require_tool("bibtex")
    standard_routes(api)
    run_enrich(workdir, api)
    run_export(workdir)
    (workdir / "refs.bib").write_bytes((workdir / "out.bib").read_bytes())
    (workdir / "doc.aux").write_text("\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="ascii")
    completed = subprocess.run([bibtex, "doc"], cwd=workdir, capture_output=True, text=True, check=False)
    log = completed.stdout + (workdir / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert "error message" not in log, log
    warned = set(re.findall(r"empty author in (\S+)", log))
    for key in ENRICHED_KEYS:
        assert key not in warned, log
    # The papers left unresolved still lack authors, which shows the check would catch a missing author.
    assert warned == set(UNRESOLVED_KEYS), log


def test_dblp_ambiguous_left_out(workdir, api):
    standard_routes(api)
    result = run_enrich(workdir, api)
    papers = sidecar(workdir)
    two = papers["title:iclr:2024:learning to compress prompts"]
    assert two["lookups"] == {"dblp": "ambiguous"}
    assert two["fields"] == {}
    differs = papers["title:neurips:2023:distilling sparse experts"]
    assert differs["lookups"] == {"dblp": "ambiguous"}
    assert differs["fields"] == {}
    assert "conf/iclr/Raman24, conf/iclr/ZhangH24" in result.stderr
    assert "Distilling Sparse Experts into Dense Students" in result.stderr


def test_dblp_other_venue_not_found(workdir, api):
    standard_routes(api)
    result = run_enrich(workdir, api)
    entry = sidecar(workdir)["title:neurips:2023:quantised adapters revisited"]
    assert entry["lookups"] == {"dblp": "not found"}
    assert entry["fields"] == {}
    assert "papers.md:12: info: neurips2023-quantised-adapters-revisited: dblp: not found" in result.stderr


def test_dblp_429_then_success(workdir, api):
    routing = api.dblp(
        "sparse token routing for efficient decoding",
        Reply(429, b"Too Many Requests", {"Retry-After": "0"}),
        fixture("dblp_sparse_token_routing.json"),
    )
    standard_routes(api)
    result = run_enrich(workdir, api)
    assert routing.calls == 2
    entry = sidecar(workdir)["arxiv:2401.01111"]
    assert entry["lookups"]["dblp"] == "resolved"
    assert entry["fields"]["authors"]["source"] == "dblp"
    assert "0 failed" in result.stderr


def test_crossref_503_retries_exhausted(workdir, api):
    route = api.crossref("10.18653/v1/2023.acl-long.901", Reply(503, b"Service Unavailable", {"Retry-After": "0"}))
    standard_routes(api)
    result = run_enrich(workdir, api, "--retries", "2")
    assert route.calls == 3
    entry = sidecar(workdir)["arxiv:2305.02222"]
    assert entry["lookups"]["crossref"] == "failed"
    # Without a Crossref response the DBLP fields are used, DBLP's DOI included.
    assert entry["fields"]["doi"] == {"source": "dblp", "value": "10.18653/V1/2023.ACL-LONG.901"}
    assert "HTTP status 503" in result.stderr


def test_timeout_reported_export_works(workdir, api):
    api.openreview("SpTkRt01xA", Reply(200, b'{"notes": []}', delay=2.0))
    standard_routes(api)
    result = run_enrich(workdir, api, "--timeout", "0.3", "--retries", "1")
    assert result.exit_code == 0, result.output
    assert "openreview: failed: " in result.stderr
    assert "timed out after 0.3 s" in result.stderr
    entry = sidecar(workdir)["arxiv:2401.01111"]
    assert entry["lookups"]["openreview"] == "failed"
    assert entry["fields"]["authors"]["source"] == "dblp"
    exported = run_export(workdir)
    assert exported.exit_code == 0, exported.output
    assert "author = {Okafor, Mira and van der Berg, Jonas}," in bib_entries(workdir)["iclr2024-sparse-token-routing"]


def test_failed_source_keeps_earlier_fields(workdir, api):
    standard_routes(api)
    run_enrich(workdir, api)
    first = sidecar(workdir)["arxiv:2305.02222"]
    api.routes.clear()
    api.arxiv({"2401.01111", "2402.03333", "2305.02222"}, Reply(500, b"Internal Server Error"))
    api.add(DBLP_PATH, lambda params: True, Reply(502, b"Bad Gateway"))
    api.crossref("10.18653/v1/2023.acl-long.901", Reply(500, b"Internal Server Error"))
    result = run_enrich(workdir, api, "--refresh", "--retries", "0")
    second = sidecar(workdir)["arxiv:2305.02222"]
    assert second["lookups"] == {"arxiv": "failed", "crossref": "failed", "dblp": "failed"}
    assert second["fields"] == first["fields"]
    assert "0 resolved" in result.stderr


def test_malformed_dblp_json(workdir, api):
    api.dblp("pruning heads without retraining", fixture("malformed.json"))
    standard_routes(api)
    result = run_enrich(workdir, api)
    entry = sidecar(workdir)["arxiv:2305.02222"]
    assert entry["lookups"]["dblp"] == "failed"
    assert "malformed JSON in the response" in result.stderr
    # arXiv's journal DOI still reaches Crossref, which resolves the paper.
    assert entry["lookups"]["crossref"] == "resolved"


def test_malformed_arxiv_xml(workdir, api):
    api.arxiv({"2401.01111", "2402.03333", "2305.02222"}, fixture("malformed.xml"))
    standard_routes(api)
    result = run_enrich(workdir, api)
    papers = sidecar(workdir)
    assert papers["arxiv:2402.03333"]["lookups"] == {"arxiv": "failed"}
    assert papers["arxiv:2402.03333"]["fields"] == {}
    assert "malformed XML in the response" in result.stderr
    assert "1 failed" in result.stderr


def test_partial_arxiv_batch_asks_again(workdir, api):
    api.arxiv({"2401.01111", "2402.03333", "2305.02222"}, fixture("arxiv_partial.xml"))
    single = api.arxiv({"2402.03333"}, fixture("arxiv_single.xml"))
    standard_routes(api)
    run_enrich(workdir, api)
    assert single.calls == 1
    entry = sidecar(workdir)["arxiv:2402.03333"]
    assert entry["lookups"] == {"arxiv": "resolved"}
    assert entry["fields"]["authors"]["value"][0] == {"family": "Pérez", "given": "Ana Lucía"}


def test_partial_arxiv_batch_not_found(workdir, api):
    api.arxiv({"2401.01111", "2402.03333", "2305.02222"}, fixture("arxiv_partial.xml"))
    api.arxiv({"2402.03333"}, fixture("arxiv_empty.xml"))
    standard_routes(api)
    result = run_enrich(workdir, api)
    papers = sidecar(workdir)
    assert papers["arxiv:2402.03333"]["lookups"] == {"arxiv": "not found"}
    assert papers["arxiv:2401.01111"]["lookups"]["arxiv"] == "resolved"
    assert "arXiv returned no entry for 2402.03333" in result.stderr


def test_offline_uses_cache(workdir, api):
    standard_routes(api)
    run_enrich(workdir, api)
    online = (workdir / "papers.meta.json").read_bytes()
    (workdir / "papers.meta.json").unlink()
    sent = len(api.requests)
    result = run_enrich(workdir, api, "--offline")
    assert len(api.requests) == sent
    assert (workdir / "papers.meta.json").read_bytes() == online
    assert "3 resolved" in result.stderr


def test_offline_cache_miss_is_not_looked_up(workdir, api):
    result = run_enrich(workdir, api, "--offline")
    assert result.exit_code == 0, result.output
    assert api.requests == []
    assert "0 resolved, 0 ambiguous, 0 not found, 0 failed, 6 not looked up" in result.stderr
    assert "[PB153]" not in result.stderr
    assert "failed" not in (workdir / "papers.meta.json").read_text(encoding="utf-8")


def test_offline_cache_miss_keeps_sidecar(workdir, api):
    standard_routes(api)
    run_enrich(workdir, api)
    online = (workdir / "papers.meta.json").read_bytes()
    shutil.rmtree(workdir / "cache")
    result = run_enrich(workdir, api, "--offline")
    assert result.exit_code == 0, result.output
    assert (workdir / "papers.meta.json").read_bytes() == online


def test_second_run_same_bytes_no_requests(workdir, api):
    standard_routes(api)
    run_enrich(workdir, api)
    first = (workdir / "papers.meta.json").read_bytes()
    sent = len(api.requests)
    run_enrich(workdir, api)
    assert (workdir / "papers.meta.json").read_bytes() == first
    assert len(api.requests) == sent


def test_list_doi_wins_conflict_reported(workdir, api):
    text = (workdir / "papers.md").read_text(encoding="utf-8")
    text = text.replace(
        "[[code](https://github.com/example/prune-heads)]", "[[doi](https://doi.org/10.18653/v1/2023.acl-long.555)]"
    )
    (workdir / "papers.md").write_text(text, encoding="utf-8")
    standard_routes(api)
    enrich_result = run_enrich(workdir, api)
    assert "Crossref does not know the DOI 10.18653/v1/2023.acl-long.555 that the list links to" in enrich_result.stderr
    result = run_export(workdir)
    entry = bib_entries(workdir)["acl2023-pruning-heads-without"]
    assert "doi = {10.18653/v1/2023.acl-long.555}," in entry
    assert "the list's DOI is kept [PB150]" in result.stderr


def test_sources_option_limits_requests(workdir, api):
    standard_routes(api)
    result = run_enrich(workdir, api, "--source", "arxiv")
    assert result.exit_code == 0, result.output
    assert {path for path, _ in api.requests} == {ARXIV_PATH}
    assert sidecar(workdir)["arxiv:2305.02222"]["fields"]["authors"]["source"] == "arxiv"


def test_unknown_source_rejected(workdir, api):
    result = run_enrich(workdir, api, "--source", "arxiv,scholar")
    assert result.exit_code == 2  # a usage error, as the help documents
    assert "unknown source 'scholar'" in result.stderr


def test_base_url_from_environment(workdir, api):
    standard_routes(api)
    arguments = ["enrich", str(workdir / "papers.md"), "--cache", str(workdir / "cache"), "--source", "dblp,crossref"]
    env = {
        "PAPERBIB_DBLP_URL": f"{api.url}{DBLP_PATH}",
        "PAPERBIB_CROSSREF_URL": f"{api.url}{CROSSREF_PATH}",
        "PAPERBIB_DBLP_DELAY": "0",
        "PAPERBIB_CROSSREF_DELAY": "0",
    }
    result = CliRunner().invoke(main, arguments, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert api.count(DBLP_PATH) == 5
    assert sidecar(workdir)["arxiv:2305.02222"]["fields"]["doi"]["source"] == "crossref"


def test_no_progress_bar_without_tty(workdir, api):
    standard_routes(api)
    result = run_enrich(workdir, api)
    assert "looking up papers" not in result.stderr
    assert result.stdout == ""


def test_invalid_sidecar_does_not_block_export(workdir):
    (workdir / "papers.meta.json").write_text('{"format": "paperbib-sidecar",\n "version": 1,\n "papers": {,}}\n')
    result = run_export(workdir)
    assert result.exit_code == 0, result.output
    assert "papers.meta.json:3: warning: invalid JSON" in result.stderr
    assert "[PB154]" in result.stderr
    assert (workdir / "out.bib").exists()


def test_enrich_rejects_invalid_sidecar(workdir, api):
    (workdir / "papers.meta.json").write_text('{"format": "something-else"}\n')
    result = run_enrich(workdir, api, "--offline")
    assert result.exit_code == 1
    assert "not a paperbib sidecar" in result.stderr
    assert (workdir / "papers.meta.json").read_text() == '{"format": "something-else"}\n'


def test_orphan_entries_reported(workdir, api):
    standard_routes(api)
    run_enrich(workdir, api)
    text = (workdir / "papers.md").read_text(encoding="utf-8")
    (workdir / "papers.md").write_text(
        text.replace("- Quantised Adapters Revisited", "- Quantised Adapters Reconsidered")
    )
    result = run_export(workdir)
    assert "1 sidecar entry without a paper in the list" in result.stderr
    assert "[PB155]" in result.stderr


def test_progress_bar_on_tty(workdir, api):
    import os
    import pty
    import sys

    standard_routes(api)
    try:
        controller, terminal = pty.openpty()
    except OSError as error:
        pytest.skip(f"no pseudo-terminal available: {error}")
    arguments = [sys.executable, "-m", "paperbib", "enrich", "papers.md", "--cache", "cache", *api.cli_options()]
    with subprocess.Popen(arguments, cwd=workdir, stdout=subprocess.PIPE, stderr=terminal) as process:
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        stdout = process.stdout.read() if process.stdout else b""
    os.close(controller)
    shown = b"".join(chunks).decode("utf-8", errors="replace")
    assert process.returncode == 0, shown
    assert "looking up papers" in shown
    assert "enriched 6 papers" in shown
    assert stdout == b""


def test_shared_identity_not_enriched(workdir, api):
    text = (workdir / "papers.md").read_text(encoding="utf-8")
    text += "- Learning to Compress Prompts [[paper](https://neurips.cc/virtual/2023/poster/70001)]\n"
    text = text.replace("## NeurIPS-2023", "## ICLR-2024", 1)
    (workdir / "papers.md").write_text(text, encoding="utf-8")
    standard_routes(api)
    result = run_enrich(workdir, api)
    assert "same identity 'title:iclr:2024:learning to compress prompts'" in result.stderr
    assert "title:iclr:2024:learning to compress prompts" not in sidecar(workdir)
    assert (
        "/dblp/search/publ/api",
        {"q": "learning to compress prompts", "format": "json", "h": "30"},
    ) not in api.requests


def test_openreview_v1_fallback(workdir, api):
    api.openreview("SpTkRt01xA", Reply(200, b'{"notes": [], "count": 0}'))
    note = {
        "id": "SpTkRt01xA",
        "forum": "SpTkRt01xA",
        "content": {"title": "Sparse Token Routing", "authors": ["Ines Moreau"]},
    }
    api.add(
        "/openreview-v1/notes",
        lambda params: params.get("id") == "SpTkRt01xA",
        Reply(200, json.dumps({"notes": [note]}).encode()),
    )
    standard_routes(api)
    run_enrich(workdir, api, "--source", "openreview")
    entry = sidecar(workdir)["arxiv:2401.01111"]
    assert entry["lookups"] == {"openreview": "resolved"}
    assert entry["fields"]["authors"] == {"source": "openreview", "value": [{"family": "Moreau", "given": "Ines"}]}


def test_source_subset_keeps_other_fields(workdir, api):
    standard_routes(api)
    run_enrich(workdir, api)
    first = sidecar(workdir)["arxiv:2305.02222"]
    result = run_enrich(workdir, api, "--source", "arxiv", "--refresh")
    assert result.exit_code == 0, result.output
    second = sidecar(workdir)["arxiv:2305.02222"]
    assert second["fields"] == first["fields"]
    assert second["lookups"] == first["lookups"]


def test_offline_refresh_rejected(workdir, api):
    result = run_enrich(workdir, api, "--offline", "--refresh")
    assert result.exit_code == 2
    assert "cannot be combined" in result.stderr


def test_stdin_input_rejected():
    result = CliRunner().invoke(main, ["enrich", "-"], input="- A Paper [[paper](https://example.org/a)]\n")
    assert result.exit_code == 2
    assert "the sidecar is written beside it" in result.stderr


def test_base_url_option_checked(workdir):
    result = CliRunner().invoke(main, ["enrich", str(workdir / "papers.md"), "--base-url", "dblp"])
    assert result.exit_code == 2
    assert "expected SOURCE=VALUE, got 'dblp'" in result.stderr
    result = CliRunner().invoke(main, ["enrich", str(workdir / "papers.md"), "--base-url", "dblp=ftp://x"])
    assert result.exit_code == 2
    assert "expected an http:// or https:// URL" in result.stderr
    result = CliRunner().invoke(main, ["enrich", str(workdir / "papers.md"), "--base-url", "nosuch=http://127.0.0.1:1"])
    assert result.exit_code == 2
    assert "unknown source 'nosuch'" in result.stderr
