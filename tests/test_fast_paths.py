"""The cached and fast paths of export give the same output as the straightforward reference paths."""

from __future__ import annotations

import copy
import importlib.util
import itertools
import json
import re
import sys
from pathlib import Path

import bibtexparser
import pybtex.database
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference_paths as reference
from conftest import FIXTURES, PAPERS, ROOT, TRICKY
from paperbib import identifiers, latex, model, text, urls
from paperbib.diagnostics import Code
from paperbib.exporters import ris
from paperbib.exporters.base import ExportOptions
from paperbib.exporters.bibtex import BibtexExporter
from paperbib.exporters.csl_json import CslJsonExporter
from paperbib.exporters.json_text import INDENT, DumpedJSON, dumps_indented
from paperbib.pipeline import Bibliography, load
from paperbib.reader import markdown_list
from paperbib.reader.markdown_list import ReadResult, read_markdown
from paperbib.reader.plain_entry import parse_plain_entry
from paperbib.source import Source, read_source
from paperbib.steps import keys
from paperbib.venues import default_catalogue

GENERATED_PAPERS = 400


def _load_generator():
    spec = importlib.util.spec_from_file_location("benchmark_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses looks its module up in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "papers.md"
    path.write_text(_load_generator().generate(GENERATED_PAPERS, seed=7), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def generated(generated_list: Path) -> Bibliography:
    return load(str(generated_list))


def _inputs(generated_list: Path) -> list[Path]:
    return [generated_list, PAPERS, *sorted(TRICKY.glob("*.md"))]


def _load(path: Path) -> Bibliography:
    encoding = "latin-1" if path.name == "latin1.md" else None
    return load(str(path), encoding=encoding)


def _field_texts(bibliography: Bibliography) -> list[str]:
    """Every text that the exporters convert: titles, notes, venue names, link labels and URLs."""
    texts: list[str] = []
    for record in bibliography.records:
        texts += [record.title, record.note]
        info = record.venue_info
        if info is not None:
            texts += [info.booktitle, info.short_booktitle, info.publisher, info.series, info.volume]
        for link in record.links:
            texts += [link.label, link.url]
    return texts


# Titles that reach every branch of the conversion: specials, math, white space of all kinds,
# characters with no LaTeX form and scripts that need a Unicode engine.
HARD_TEXTS = [
    "",
    " ",
    "  leading and trailing  ",
    "Tabs\tand\nnewlines\r\nin a title",
    "No\u00a0break and thin\u2009space and em\u2003space",
    "Cost $5 and $ 6 and $x$ and $$y$$ and \\$z$",
    "Unbalanced $\\frac{a$ math and {braces}",
    "Q&A, 50%, a_b, #1, ~x, ^y, \\z, <a>, |b|",
    "Emoji 🚀 and flag 🇺🇸 and ZWJ 👩‍💻 with variation ️",
    "中文标题 with ひらがな and 한국어",
    "Greek αβγ ΔΩ, micro µ, minus −, times ×",
    "Ünïcödé Ëxämplé Ĳ ŉ ß ſ ǅ",
    "Dashes – — and quotes “a” ‘b’ and ellipsis…",
    "Combining e\u0301 and decomposed A\u030a",
    "LLMs, T5, GPT-4, 3D, ResNet-50 and DiSparse",
]

HARD_URLS = [
    "https://example.org/a b",
    "HTTPS://EXAMPLE.ORG/upper",
    "http://[::1]/ipv6",
    "https://[broken/ipv6",
    "https://exa\tmple.org/tab",
    "https:///no-host",
    "https://example.org",
    "https://ex\u00e4mple.org/unicode-host",
    "https://example.org/\u00e4-path",
    "ftp://example.org/file",
    "openreview.net/forum?id=abc",
    "www.example.org",
    "https://openreview.net/forum?id=a&id=b",
    "https://OpenReview.NET/forum?id=Upper",
    "https://openre\tview.net/forum?id=tab",
    "https://arxiv.org/abs/2401.01234v2",
    "https://ARXIV.ORG/abs/2401.01234",
    "https://arx\u0131v.org/abs/2401.01234",
    "https://doi.org/10.48550/arXiv.2401.01234",
    "https://dx.doi.org/10.1109/CVPR.2020.00001",
    "https://aclanthology.org/2023.acl-long.1/",
    "https://proceedings.mlr.press/v202/lee23a.html",
    "https://papers.nips.cc/paper/2019/hash/0123456789abcdef0123456789abcdef-Abstract.html",
    "https://openaccess.thecvf.com/content/CVPR2023/html/A_B_CVPR_2023_paper.html",
    "https://ojs.aaai.org/index.php/AAAI/article/view/123",
    "",
    "   ",
]


def test_generated_list_reads_every_paper(generated: Bibliography):
    assert len(generated.records) >= GENERATED_PAPERS * 0.95
    assert not generated.skipped


@pytest.mark.parametrize("mode", [latex.LATEX, latex.UTF8])
def test_title_conversion_matches_reference(generated_list: Path, mode: str):
    texts = HARD_TEXTS[:]
    for path in _inputs(generated_list):
        texts += _field_texts(_load(path))
    for value in texts:
        expected = reference.title_to_latex(value, mode)
        # Twice: the second call is served from the caches.
        for _ in range(2):
            actual = latex.title_to_latex(value, mode)
            assert actual.value == expected.value, value
            assert actual.dropped == expected.dropped, value
            assert actual.needs_unicode_engine == expected.needs_unicode_engine, value


def test_escape_text_matches_reference(generated_list: Path):
    texts = HARD_TEXTS + HARD_URLS
    for path in _inputs(generated_list):
        texts += _field_texts(_load(path))
    for value in texts:
        assert latex.escape_text(value) == reference.escape_text(value), value


def test_text_helpers_match_reference(generated_list: Path):
    texts = HARD_TEXTS + HARD_URLS
    for path in _inputs(generated_list):
        texts += _field_texts(_load(path))
    for value in texts:
        assert text.split_math(value) == reference.split_math(value), value
        assert text.unescape_markdown(value) == reference.unescape_markdown(value), value
        assert text.normalise_title(value) == reference.normalise_title(value), value
        assert keys.title_words(value) == reference.title_words(value), value
        assert latex.brace_depth_ok(value) == reference.brace_depth_ok(value), value


def test_url_helpers_match_reference(generated_list: Path):
    urls_seen = HARD_URLS[:]
    for path in _inputs(generated_list):
        urls_seen += [link.url for record in _load(path).records for link in record.links]
    for url in urls_seen:
        for candidate in (url, " " + url + " "):
            try:
                expected_url = reference.normalise_url(candidate)
                expected_id = reference.openreview_id_from_url(candidate.strip())
            except ValueError:
                # See test_identifiers_match_reference: only the broken IPv6 host raises.
                assert "[" in candidate
                with pytest.raises(ValueError):
                    urls.normalise_url(candidate)
                continue
            assert urls.normalise_url(candidate) == expected_url, candidate
            assert urls.is_valid_url(candidate) == (expected_url is not None), candidate
            assert identifiers.openreview_id_from_url(candidate.strip()) == expected_id, candidate
            assert identifiers.arxiv_id_in_url(candidate) == reference.arxiv_id_in_url(candidate), candidate
            assert identifiers.arxiv_id_from_url(candidate) == reference.arxiv_id_from_url(candidate), candidate


def test_identifiers_match_reference(generated: Bibliography):
    link_lists = [record.links for record in generated.records]
    link_lists += [[model.Link("paper", url)] for url in HARD_URLS]
    link_lists.append([model.Link("doi", url) for url in HARD_URLS])
    for links in link_lists:
        try:
            expected = reference.derive_identifiers(links)
        except ValueError:
            # urlsplit rejects a host with unbalanced IPv6 brackets. The fast path skips urlsplit for
            # URLs that name no OpenReview host, so it may return identifiers there instead of raising.
            continue
        assert identifiers.derive_identifiers(links) == expected, links


# URLs on both sides of the host test of derive_identifiers: hosts that the patterns name, in other
# cases, with a user, a port, a trailing dot or another subdomain, and paths of every pattern.
_IDENTIFIER_HOSTS = [
    "arxiv.org",
    "ARXIV.org",
    "www.arxiv.org",
    "export.arxiv.org",
    "arxiv.org.",
    "doi.org",
    "dx.doi.org",
    "www.doi.org",
    "openreview.net",
    "www.openreview.net",
    "api.openreview.net",
    "openreview.net:443",
    "user@openreview.net",
    "aclanthology.org",
    "www.aclanthology.org",
    "proceedings.mlr.press",
    "openaccess.thecvf.com",
    "papers.nips.cc",
    "proceedings.neurips.cc",
    "ojs.aaai.org",
    "github.com",
    "arx\u0131v.org",
]
_IDENTIFIER_PATHS = [
    "",
    "/",
    "/abs/2401.01234",
    "/abs/2401.01234v2",
    "/pdf/2401.01234v2.pdf",
    "/abs/1412.0123",
    "/abs/2413.01234",
    "/abs/2401.00000",
    "/abs/2401.01234v0",
    "/abs/hep-th/9901001v1",
    "/html/2401.01234",
    "/10.48550/arXiv.2401.01234",
    "/10.1109/CVPR.2020.00001",
    "/forum?id=abc",
    "/pdf?id=a%2Bb",
    "/2023.acl-long.1/",
    "/v202/lee23a.html",
    "/content/CVPR2023/html/A_B_CVPR_2023_paper.html",
    "/paper/2019/hash/0123456789abcdef0123456789abcdef-Abstract.html",
    "/paper_files/paper/2022/hash/0123456789abcdef0123456789abcdef-Abstract-Conference.html",
    "/index.php/AAAI/article/view/123",
    "/a\tb",
    "/openreview.net/forum?id=x",
    "/\u0661\u0662\u0663\u0664.01234",
]


def test_identifiers_match_reference_by_host():
    found = 0
    for scheme, host, path in itertools.product(
        ["https://", "http://", "HTTPS://", ""], _IDENTIFIER_HOSTS, _IDENTIFIER_PATHS
    ):
        url = scheme + host + path
        links = [model.Link("paper", url)]
        expected = reference.derive_identifiers(links)
        assert identifiers.derive_identifiers(links) == expected, url
        assert identifiers.arxiv_id_from_url(url) == reference.arxiv_id_from_url(url), url
        assert identifiers.arxiv_id_in_url(url) == reference.arxiv_id_in_url(url), url
        found += expected != model.Identifiers()
    assert found >= 100


def test_evolve_matches_dataclasses_replace(generated: Bibliography):
    record = generated.records[0]
    assert model.evolve(record, key="other") == reference.evolve(record, key="other")
    assert model.evolve(record, key="other") is not record
    assert record.key != "other"
    with pytest.raises(TypeError, match="no field"):
        model.evolve(record, colour="red")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=5), children, max_size=4)
        | st.dictionaries(st.integers(), children, max_size=2)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_dumps_indented_matches_json_dumps(value):
    assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_dumped_json_written_as_is(value):
    dumped = DumpedJSON(dumps_indented(value, INDENT))
    assert dumps_indented({"member": dumped, "other": 1}) == dumps_indented({"member": value, "other": 1})


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_title_conversion_matches_reference_on_any_text(value):
    for mode in (latex.LATEX, latex.UTF8):
        expected = reference.title_to_latex(value, mode)
        actual = latex.title_to_latex(value, mode)
        assert (actual.value, actual.dropped, actual.needs_unicode_engine) == (
            expected.value,
            expected.dropped,
            expected.needs_unicode_engine,
        )
    assert latex.escape_text(value) == reference.escape_text(value)
    assert text.normalise_title(value) == reference.normalise_title(value)
    assert keys.title_words(value) == reference.title_words(value)
    assert text.split_math(value) == reference.split_math(value)
    assert text.unescape_markdown(value) == reference.unescape_markdown(value)


# Words of printable ASCII take a fast path: mixed case, digits, the letters "'+." and brackets
# decide where it braces a word, and LaTeX specials send a word back to the general path.
ASCII_WORD = st.text(alphabet="aZbY09'+.[]()-:,&%_$", max_size=6)
ASCII_TITLES = st.lists(ASCII_WORD | ASCII_WORD.map(lambda word: f"[{word}]"), max_size=6).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(ASCII_TITLES)
def test_title_conversion_matches_reference_on_ascii_words(value):
    for mode in (latex.LATEX, latex.UTF8):
        for protect_words in (True, False):
            expected = reference.convert_value(value, mode, protect_words)
            assert latex.convert_value(value, mode, protect_words) == expected, value


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}a\\", max_size=20))
def test_brace_depth_matches_reference(value):
    assert latex.brace_depth_ok(value) == reference.brace_depth_ok(value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\r\n\u2028\u2029\u00a0ab", max_size=20))
def test_ris_line_joining_matches_reference(value):
    assert ris._one_line(value) == reference.ris_one_line(value)


def test_link_kind_matches_reference(generated: Bibliography):
    labels = [link.label for record in generated.records for link in record.links]
    for label in [*labels, "", "  Paper  with\tCode ", "ÜBER Code"]:
        assert model.Link(label, "https://example.org").kind == reference.link_kind(label), label


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n\r\f\v\u00a0\u2003a.…", max_size=12))
def test_clean_title_matches_reference(value):
    assert text.clean_title(value) == reference.clean_title(value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=40))
def test_normalise_title_matches_reference_on_ascii(value):
    # ASCII titles take a translation table instead of the per-character Unicode look-ups.
    assert text.normalise_title(value) == reference.normalise_title(value)


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from(
        ["https://openreview.net/forum?id=", "http://www.openreview.net/pdf?id=", "https://openreview.net/forum?", ""]
    ),
    tail=st.text(alphabet="aZ09_-%2+&#=?/. \tı", max_size=12),
)
def test_openreview_id_matches_reference(prefix, tail):
    url = prefix + tail
    assert identifiers.openreview_id_from_url(url) == reference.openreview_id_from_url(url)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_url_helpers_match_reference_on_any_text(tail):
    for url in (tail, "https://" + tail, "http://openreview.net/" + tail, "https://arxiv.org/abs/" + tail):
        _normalise_like_reference(url)


def _normalise_like_reference(url: str) -> tuple[bool, str | None]:
    """Check urls.normalise_url against the reference; return whether the reference accepted ``url``, and its result.

    urlsplit rejects some hosts (broken IPv6 brackets) with ValueError, and the fast path must reject them the same way.
    """
    try:
        expected = reference.normalise_url(url)
    except ValueError:
        with pytest.raises(ValueError):
            urls.normalise_url(url)
        return False, None
    assert urls.normalise_url(url) == expected, url
    return True, expected


# Every optimised function and the reference that replaces it in the reference run.
def _reference_functions() -> dict[object, object]:
    from paperbib.exporters import bibtex, csl_json, json_text

    return {
        text.split_math: reference.split_math,
        text.unescape_markdown: reference.unescape_markdown,
        text.normalise_title: reference.normalise_title,
        text.clean_title: reference.clean_title,
        latex.title_to_latex: reference.title_to_latex,
        latex.convert_value: reference.convert_value,
        latex.escape_text: reference.escape_text,
        latex.brace_depth_ok: reference.brace_depth_ok,
        urls.normalise_url: reference.normalise_url,
        identifiers.openreview_id_from_url: reference.openreview_id_from_url,
        identifiers.derive_identifiers: reference.derive_identifiers,
        identifiers.arxiv_id_from_url: reference.arxiv_id_from_url,
        identifiers.arxiv_id_in_url: reference.arxiv_id_in_url,
        keys.title_words: reference.title_words,
        model.evolve: reference.evolve,
        model.link_kind: reference.link_kind,
        ris._one_line: reference.ris_one_line,
        bibtex.braced_name: reference.braced_name,
        csl_json._dumped_issued: reference.csl_issued,
        json_text.dumps_indented: lambda value, indent="": json.dumps(value, ensure_ascii=False, indent=2).replace(
            "\n", "\n" + indent
        ),
    }


def _use_reference_paths(monkeypatch: pytest.MonkeyPatch) -> int:
    """Replace each optimised function by its reference in every paperbib module that holds it."""
    replacements = _reference_functions()
    monkeypatch.setattr(markdown_list, "parse_plain_entry", lambda content, catalogue: None)
    patched = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("paperbib") or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            if callable(value) and value in replacements:
                monkeypatch.setattr(module, attribute, replacements[value])
                patched += 1
    return patched


def _export_all(paths: list[Path]) -> list[str]:
    outputs = []
    for path in paths:
        bibliography = _load(path)
        for exporter, options in (
            (BibtexExporter(), ExportOptions(source_name=path.name)),
            (BibtexExporter(), ExportOptions(source_name=path.name, bib_encoding="utf8", booktitle="short")),
            (CslJsonExporter(), ExportOptions(source_name=path.name)),
            (ris.RisExporter(), ExportOptions(source_name=path.name)),
        ):
            outputs.append(exporter.export(bibliography.records, options).text)
    return outputs


def test_export_matches_reference_run(generated_list: Path, monkeypatch: pytest.MonkeyPatch):
    paths = _inputs(generated_list)
    fast = _export_all(paths)
    assert _use_reference_paths(monkeypatch) >= len(_reference_functions())
    slow = _export_all(paths)
    for path, fast_text, slow_text in zip([p for p in paths for _ in range(4)], fast, slow, strict=True):
        assert fast_text == slow_text, path


def test_bibtex_output_reads_back(generated: Bibliography, generated_list: Path):
    for encoding in ("latex", "utf8"):
        output = BibtexExporter().export(generated.records, ExportOptions(bib_encoding=encoding)).text
        library = bibtexparser.parse_string(output)
        assert not library.failed_blocks
        assert len(library.entries) == len(generated.records)
        assert [entry.key for entry in library.entries] == [record.key for record in generated.records]
        database = pybtex.database.parse_string(output, "bibtex")
        assert list(database.entries) == [record.key for record in generated.records]


def test_csl_json_output_reads_back(generated: Bibliography):
    output = CslJsonExporter().export(generated.records, ExportOptions()).text
    items = json.loads(output)
    assert [item["id"] for item in items] == [record.key for record in generated.records]


def test_csl_json_of_no_records_is_empty_list():
    assert CslJsonExporter().export([], ExportOptions()).text == json.dumps([], indent=2) + "\n"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="[]()\\ab", max_size=20))
def test_match_bracket_matches_reference(value):
    from paperbib.reader.inline import match_bracket

    for opening, closing in (("[", "]"), ("(", ")")):
        for index, char in enumerate(value):
            if char == opening:
                expected = reference.match_bracket(value, index, opening, closing)
                assert match_bracket(value, index, opening, closing) == expected, (value, index)


def _read_both_ways(source: Source) -> tuple[ReadResult, ReadResult]:
    return read_markdown(source, fast_path=True), read_markdown(source, fast_path=False)


def _assert_same_reading(fast: ReadResult, full: ReadResult, where: object) -> None:
    assert fast.records == full.records, where
    assert [record.ids for record in fast.records] == [record.ids for record in full.records], where
    assert fast.diagnostics == full.diagnostics, where
    assert fast.roles == full.roles, where
    assert fast.headings == full.headings, where


def test_reader_fast_path_matches_full_path(generated_list: Path):
    paths = [generated_list, PAPERS, *sorted(FIXTURES.glob("**/*.md"))]
    for path in paths:
        encoding = "latin-1" if path.name == "latin1.md" else None
        source = read_source(str(path), encoding)
        fast, full = _read_both_ways(source)
        _assert_same_reading(fast, full, path)


def test_reader_fast_path_takes_plain_bullets(generated_list: Path, monkeypatch: pytest.MonkeyPatch):
    # The comparison above proves nothing if the fast path never runs.
    results: list[bool] = []

    def counted(content: str, catalogue: object) -> object:
        entry = parse_plain_entry(content, catalogue)
        results.append(entry is not None)
        return entry

    monkeypatch.setattr(markdown_list, "parse_plain_entry", counted)
    fast = read_markdown(read_source(str(generated_list)))
    assert sum(results) >= len(fast.records) * 0.9


# Pieces of bullets on both sides of the fast path's boundary. A bullet is made of plain pieces and
# at most one piece of markup that the fast path rejects (or that only looks like it should).
_PLAIN_PIECES = st.sampled_from(
    [
        "Sparse",
        "Models",
        "a",
        " ",
        "  ",
        "\t",
        "\u00a0",
        "-",
        " - ",
        ".",
        ". ",
        ":",
        ",",
        "|",
        "·",
        "(Oral)",
        "!",
        "$x$",
        '"',
        "'",
        "2019",
        "ICLR",
        "ICLR 2024",
        "CVPR'23",
        "NeurIPS, 2022",
        "arXiv:2101.00001",
        "arXiv 2020",
        "Jane Doe",
        "Jane Doe and John Roe",
        "J. Doe, A. Roe",
        "et al.",
        "paper",
        "link",
    ]
)
_MARKUP_PIECES = st.sampled_from(
    [
        "*",
        "**",
        "_",
        "__",
        "`",
        "\\",
        "\\_",
        "\\[",
        "[",
        "]",
        "(",
        ")",
        "<",
        "<br>",
        "<b>",
        ">",
        "&",
        "&nbsp;",
        "2019-",
        "2019.7-",
        "https://x.org",
        " https://x.org",
        " https://x.org ",
        " (https://x.org)",
        "(https://x.org)",
        " <https://x.org>",
        "://",
        "2025/12/06",
        "[ICLR 2024]",
        "**[ICLR 2024]**",
        "![x](https://x.org/b.svg)",
    ]
)
_LABELS = st.sampled_from(["paper", "code", "arxiv", "link", " pdf ", "Paper (v2)", "a b", "", "!x", "ICLR 2024"])
_GOOD_URLS = st.sampled_from(
    [
        "https://arxiv.org/abs/2101.00001",
        "https://arxiv.org/pdf/2101.00001v2",
        "http://example.org/a_b",
        "https://openreview.net/forum?id=abc",
    ]
)
_OTHER_URLS = st.sampled_from(
    [
        "https://example.org/a(b)",
        "https://example.org/a b",
        " https://example.org/a",
        "https://example.org/<x>",
        "https://example.org/a\\b",
        "https://example.org/a]b",
        "#local",
        "other.md",
        "example.org/p",
        "",
    ]
)
_LINK_SHAPES = st.sampled_from(["[[{label}]({url})]"] * 4 + ["[[{label}]]({url})", "[{label}]({url})"])


def _text(plain: list[str], markup: list[str], position: int) -> str:
    pieces = list(plain)
    for piece in markup:
        pieces.insert(position % (len(pieces) + 1), piece)
    return "".join(pieces)


@st.composite
def _bullets(draw: st.DrawFn) -> str:
    odd_part = draw(st.sampled_from(["none"] * 5 + ["title", "rest", "link", "url", "separator"]))
    markup = [draw(_MARKUP_PIECES)]
    position = draw(st.integers(0, 6))
    title = _text(
        draw(st.lists(_PLAIN_PIECES, min_size=1, max_size=5)), markup if odd_part == "title" else [], position
    )
    rest = _text(draw(st.lists(_PLAIN_PIECES, max_size=4)), markup if odd_part == "rest" else [], position)
    count = draw(st.integers(0 if odd_part == "title" else 1, 3))
    odd_link = draw(st.integers(0, max(count - 1, 0)))
    parts = [title, draw(st.sampled_from([" ", " ", "  ", "\t", "", "\u00a0"]))]
    for index in range(count):
        shape = draw(_LINK_SHAPES) if odd_part == "link" and index == odd_link else "[[{label}]({url})]"
        url = draw(_OTHER_URLS) if odd_part == "url" and index == odd_link else draw(_GOOD_URLS)
        parts.append(shape.format(label=draw(_LABELS), url=url))
        if index < count - 1:
            odd_separator = odd_part == "separator" and index == odd_link
            parts.append(
                draw(st.sampled_from([" | ", ", ", "x"])) if odd_separator else draw(st.sampled_from([" ", ""]))
            )
    if rest:
        parts.extend([draw(st.sampled_from([" ", " ", "", "\t"])), rest])
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(
    heading=st.sampled_from(["## ICLR 2024", "## Pruning", "## News", "## Datasets", "**2021**"]),
    above=st.sampled_from(
        ["", "- **SpQ** · NeurIPS 2023 [[paper](https://x.org/a)]", "- Earlier Paper [[paper](https://x.org/b)]"]
    ),
    indent=st.sampled_from(["", "  ", "    "]),
    marker=st.sampled_from(["-", "*", "1."]),
    bullet=_bullets(),
)
def test_reader_fast_path_matches_full_path_on_bullets(heading, above, indent, marker, bullet):
    text = f"{heading}\n\n{above}\n{indent}{marker} {bullet}\n"
    fast, full = _read_both_ways(Source("generated.md", text))
    _assert_same_reading(fast, full, text)


# Bullets at the edge of the plain shape, under a venue heading and under a news heading.
_EDGE_BULLETS = [
    "Title https://x.org/a [[paper](https://a.org/p)]",
    "Title (https://x.org/a) [[paper](https://a.org/p)]",
    "Title [[paper](https://a.org/p)] see https://x.org/a",
    "**SpQ** · NeurIPS 2023 [[paper](https://a.org/p)]",
    "__SpQ__ ICLR 2024 [[paper](https://a.org/p)]",
    "*Title* [[paper](https://a.org/p)]",
    "Title &nbsp; [[paper](https://a.org/p)]",
    "Title &amp; More [[paper](https://a.org/p)]",
    "Title [[paper](https://a.org/p)](https://x.org/a)",
    "Title [[paper](https://a.org/p)][ref]",
    "Title\\ [[paper](https://a.org/p)]",
    "Title \\[[paper](https://a.org/p)]",
    "Title. Jane Doe and John Roe. ICLR 2020 [[paper](https://a.org/p)]",
    "Title arXiv:2101.00001 [[paper](https://a.org/p)]",
    "Title [[link](https://a.org/p)] see details",
    "Title: [[link](https://a.org/p)]",
    "Title [[paper](https://arxiv.org/abs/2101.00001)] Jane Doe, ICLR 2024",
    "Title [[paper](https://a.org/p)] (Oral)",
    "Title [[paper](https://a.org/p)] | [[code](https://a.org/c)]",
    "Title [[paper](https://a.org/p)][[code](https://a.org/c)]",
    "Title [[ ](https://a.org/p)]",
    "Title [[paper](https://a.org/p )]",
    "2025/12/06 Title [[paper](https://a.org/p)]",
    "2019-ICLR- [[paper](https://a.org/p)]",
    "- [[paper](https://a.org/p)]",
    "· [[paper](https://a.org/p)]",
    "Title <br> ICLR 2024 [[paper](https://a.org/p)]",
    "Title [[paper](https://a.org/p)] <!-- note -->",
]


@pytest.mark.parametrize("bullet", _EDGE_BULLETS)
@pytest.mark.parametrize("heading", ["## ICLR 2024", "## Pruning", "## News"])
def test_reader_fast_path_matches_full_path_at_edges(heading: str, bullet: str):
    text = (
        f"{heading}\n\n- Earlier Paper [[paper](https://x.org/b)]\n- {bullet}\n  - {bullet}\n[ref]: https://x.org/r\n"
    )
    fast, full = _read_both_ways(Source("edges.md", text))
    _assert_same_reading(fast, full, text)


_AUTHOR_PIECES = st.sampled_from(
    [
        "Jane Doe",
        "J. Roe",
        "van der Berg",
        "Li, Yuncheng",
        ", ",
        " and ",
        " & ",
        "; ",
        " ",
        ".",
        "et al.",
        "ET AL",
        "et. al",
        "Al",
        "al",
        "(Google)",
        "（Lab）",
        ")",
        "Ǆ",
        "İ",
        "ſ",
        "é",
        "2020",
        "*",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_AUTHOR_PIECES, max_size=8).map("".join))
def test_author_parsing_matches_reference(value):
    from paperbib.reader import authors

    assert authors.split_affiliation(value) == reference.split_affiliation(value)
    assert authors.looks_like_authors(value) == reference.looks_like_authors(value)
    assert authors.parse_authors(value) == reference.parse_authors(value)


def test_reader_matches_reference_run(generated_list: Path, monkeypatch: pytest.MonkeyPatch):
    from paperbib.reader import entries

    paths = [generated_list, PAPERS, *sorted(FIXTURES.glob("**/*.md"))]
    sources = [read_source(str(path), "latin-1" if path.name == "latin1.md" else None) for path in paths]
    fast = [read_markdown(source) for source in sources]
    for module in (entries, markdown_list):
        for name in ("split_affiliation", "looks_like_authors", "parse_authors"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, getattr(reference, name))
    monkeypatch.setattr(entries, "_clean_title_markup", reference.clean_title_markup)
    # A pattern that matches every text sends every segment to parse_venue_text.
    monkeypatch.setattr(entries, "_DIGIT", re.compile(""))
    slow = [read_markdown(source) for source in sources]
    for path, fast_result, slow_result in zip(paths, fast, slow, strict=True):
        _assert_same_reading(fast_result, slow_result, path)
    assert sum(bool(record.authors) for record in fast[0].records) >= GENERATED_PAPERS // 10


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["a", "Z", " ", "\t", "*", "**", "_", "__", "&", "&amp;", "&#x2a;", "&ast;", '"', " -", "–", "."]
        ),
        max_size=8,
    ).map("".join)
)
def test_title_markup_cleaning_matches_reference(value):
    from paperbib.reader.entries import _clean_title_markup

    assert _clean_title_markup(value) == reference.clean_title_markup(value)


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["and", "And", "AND", "a", "nd", "x", "é", "_", ".", " ", "\t", "\u00a0", ",", ";", "&"]),
        max_size=8,
    ).map("".join)
)
def test_author_separators_match_reference(value):
    from paperbib.reader import authors

    assert authors._NAME_SEPARATOR.split(value) == re.split(r"\s*(?:,|;|&|\band\b)\s*", value)
    assert authors._PERSON_SEPARATOR.split(value) == re.split(r"\s*(?:;|&|\band\b|\bAnd\b)\s*", value)


def test_process_in_place_matches_copies(generated_list: Path):
    from paperbib.pipeline import process

    source = read_source(str(generated_list))
    given = read_markdown(source)
    untouched = copy.deepcopy(given.records)
    copied = process(given.records, given.diagnostics)
    assert given.records == untouched

    owned = read_markdown(source)
    in_place = process(owned.records, owned.diagnostics, copy=False)
    assert in_place.records == copied.records
    assert in_place.diagnostics == copied.diagnostics


_MARKUP_TEXT = st.sampled_from(
    [
        "a",
        " ",
        "<",
        ">",
        "<!--",
        "-->",
        "[//]",
        "[/",
        "/]",
        ": #",
        "<sup>",
        "</sup>",
        "<SUB>",
        "</sub>",
        "2",
        "<b>",
        "</b>",
        "<span x>",
        "&nbsp;",
        "\u00a0",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_MARKUP_TEXT, max_size=10).map("".join))
def test_preclean_matches_reference(value):
    from paperbib.reader.entries import preclean

    assert preclean(value) == reference.preclean(value)


_TAIL_PIECES = st.sampled_from(
    [
        "Sparse Models",
        ". ",
        "Jane Doe",
        " and John Roe",
        " et al.",
        " ICLR",
        " CVPR",
        " 2020",
        " '21",
        "arXiv:2101.00001",
        " (arXiv:2101.00001)",
        " (arXiv 2020)",
        " arXiv 2020",
        "(",
        ")",
        ".",
        " ",
        "\n",
        "\u0662\u0660",
        "\u00b2",
        " NeurIPS Workshop",
        ",",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_TAIL_PIECES, max_size=8).map("".join), st.booleans(), st.booleans())
def test_apply_tail_early_return_matches_full(value, require_separator, with_authors):
    from paperbib.reader import entries

    catalogue = default_catalogue()

    def run() -> tuple[str, entries.Entry]:
        entry = entries.Entry(title="")
        if with_authors:
            result = entries._apply_tail_with_authors(value, entry, catalogue)
        else:
            result = entries._apply_tail(value, entry, catalogue, require_separator)
        return result, entry

    fast = run()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(entries, "_may_end_in_tail", lambda text: True)
        full = run()
    assert fast == full


_LINK_TEXT = st.sampled_from(
    [
        "[[",
        "]]",
        "[",
        "]",
        "(",
        ")",
        "](",
        ")]",
        "a",
        " pdf ",
        " ",
        "\\",
        "!",
        "<",
        ">",
        "https://x.org/a",
        "#x",
        "[[paper](https://x.org/a)]",
        "[[](https://x.org/a)]",
        "[[code]()]",
        "[x](y)",
        "[x][r]",
        "![b](https://x.org/b.svg)",
        "[[a](x(y)]",
        "[[a](x)y)]",
        "[[a](x y)]",
        "[[a]( x )]",
        '[[a](x "t")]',
        "[[a](<x>)]",
        "[[a\\](x)]",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_LINK_TEXT, max_size=10).map("".join))
def test_scan_links_group_pattern_matches_full(value):
    from paperbib.reader import links
    from paperbib.reader.inline import LinkSyntaxError

    def scan() -> object:
        try:
            return links.scan_links(value)
        except LinkSyntaxError as error:
            return str(error)

    fast = scan()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(links, "_PLAIN_GROUP", re.compile(r"(?!)"))
        full = scan()
    assert fast == full


def test_default_keys_match_reference(generated_list: Path):
    from paperbib.steps.keys import assign_keys

    for path in _inputs(generated_list):
        records = _load(path).records
        expected = reference.default_keys(records)
        assert [record.key for record in assign_keys(records)] == expected, path


def test_dedupe_matches_reference(generated_list: Path, tmp_path: Path):
    from paperbib.steps.dedupe import dedupe
    from paperbib.steps.identify import identify
    from paperbib.steps.resolve_venues import resolve_venues

    # The list twice, with the second copy's links changed in every third bullet: papers merge by
    # arXiv ID and by title, and some titles repeat with another link.
    text = generated_list.read_text(encoding="utf-8")
    changed = [
        line.replace("](https://", "](https://mirror.") if index % 3 == 0 else line
        for index, line in enumerate(text.splitlines())
    ]
    doubled = tmp_path / "doubled.md"
    doubled.write_text(text + "\n" + "\n".join(changed) + "\n", encoding="utf-8")
    merged = 0
    for path in [*_inputs(generated_list), doubled]:
        encoding = "latin-1" if path.name == "latin1.md" else None
        records = identify(read_markdown(read_source(str(path), encoding)).records)
        records, _ = resolve_venues(records, default_catalogue())
        expected_records, expected_diagnostics = reference.dedupe(list(records))
        actual_records, actual_diagnostics = dedupe(list(records))
        assert actual_records == expected_records, path
        assert actual_diagnostics == expected_diagnostics, path
        merged += len(records) - len(actual_records)
    # The comparison proves little unless some papers were merged and some were kept apart.
    assert merged >= GENERATED_PAPERS // 2
    assert any(diagnostic.code == Code.DUPLICATE_TITLE for diagnostic in actual_diagnostics)


def test_normalise_url_per_character():
    # Every character in the host and in the path, so that each class of the fast pattern is checked.
    for code in [*range(0x3000), 0xFEFF, 0x1F680, 0x10FFFF]:
        char = chr(code)
        for url in (f"https://a{char}b.org/p", f"http://host/{char}", f"https://{char}"):
            accepted, expected = _normalise_like_reference(url)
            if accepted:
                assert urls.is_valid_url(url) == (expected is not None), url


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="$\\{} \ta1[*", max_size=16))
def test_math_and_escapes_match_reference(value):
    assert text.split_math(value) == reference.split_math(value)
    assert text.unescape_markdown(value) == reference.unescape_markdown(value)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "é", "Ⅻ", "²", "1", "٣", ")", ".", " ", "\u00a0", "\t"]), max_size=6))
def test_tail_test_matches_reference(value):
    from paperbib.reader.entries import _may_end_in_tail

    end = value.strip().rstrip(" .").rstrip()[-1:]
    assert _may_end_in_tail(value) == (end.isdigit() or end == ")")


def test_plain_ascii_class_equals_negated_form():
    negated = re.compile(r"[^\x00-\x20\x7f-\U0010ffff&%$#_{}~^\\<>|]+")
    every_character = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)
    assert latex._PLAIN_ASCII.findall(every_character) == negated.findall(every_character)
