"""The format, cite and styles commands, and formatter guarantees: determinism, one parse, suffixes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from authors_fixture import load_author_records
from conftest import PAPERS, TRICKY
from paperbib.cli import main
from paperbib.formatting import Formatter, csl_engine


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_format_one_line_per_entry(papers) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("format", str(PAPERS), "--style", "ieee")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == len(papers.records)
    assert lines[0].startswith("[1] ")
    assert lines[-1].startswith(f"[{len(lines)}] ")
    assert f"formatted {len(lines)} entries in ieee" in err


def test_format_filters_by_year(papers) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("format", str(PAPERS), "-s", "apa", "--year", "2024")
    assert code == 0
    expected = sum(1 for record in papers.records if record.year == 2024)
    assert len(out.splitlines()) == expected


def test_format_html_to_file(tmp_path: Path) -> None:
    target = tmp_path / "refs.html"
    code, out, err = run("format", str(TRICKY / "ampersand.md"), "-s", "apa", "--to", "html", "-o", str(target))
    assert code == 0, err
    assert out == ""
    html = target.read_text(encoding="utf-8")
    assert html.startswith('<div class="csl-bib-body">')
    assert html.count('<div class="csl-entry">') == 2


def test_format_unknown_style_is_usage_error() -> None:
    code, _, err = run("format", str(PAPERS), "--style", "chicgo")
    assert code == 2
    assert "unknown style 'chicgo'" in err
    assert "chicago" in err
    assert "Traceback" not in err


def test_format_bad_csl_file_is_usage_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csl"
    broken.write_text("<style", encoding="utf-8")
    code, _, err = run("format", str(PAPERS), "--style", str(broken))
    assert code == 2
    assert "broken.csl" in err
    assert "Traceback" not in err


def test_format_pybtex_style() -> None:
    code, out, err = run("format", str(TRICKY / "punctuation.md"), "-s", "alpha")
    assert code == 0, err
    assert out.splitlines()[0].startswith("[Are19] Are all those heads needed?")


def test_cite_numbers_follow_reference_list(papers) -> None:  # type: ignore[no-untyped-def]
    first, third = papers.records[0].key, papers.records[2].key
    code, out, err = run("cite", first, third, "-i", str(PAPERS), "-s", "ieee")
    assert code == 0, err
    assert out == "[1], [3]\n"


def test_cite_author_date(papers) -> None:  # type: ignore[no-untyped-def]
    record = papers.records[0]
    code, out, _ = run("cite", record.key, "-i", str(PAPERS), "-s", "apa")
    assert code == 0
    assert out.strip() == f"(“{record.title},” {record.year})"


def test_cite_unknown_key_names_closest(papers) -> None:  # type: ignore[no-untyped-def]
    key = papers.records[0].key
    code, _, err = run("cite", key[:-2], "-i", str(PAPERS), "-s", "apa")
    assert code == 2
    assert f"'{key[:-2]}'" in err
    assert key in err
    assert "Traceback" not in err


def test_styles_search() -> None:
    code, out, _ = run("styles", "--search", "vancouver")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("vancouver\talias of nlm-citation-sequence")
    assert all("\t" in line for line in lines)
    assert all("vancouver" in line.lower() for line in lines)


def test_styles_search_without_match() -> None:
    code, _, err = run("styles", "--search", "zzzz-no-such-style")
    assert code == 1
    assert "no style name or title" in err


def test_non_utf8_stdout_does_not_crash(tmp_path: Path) -> None:
    environment = {**os.environ, "PYTHONIOENCODING": "cp437"}
    for args in (
        ["format", str(TRICKY / "cjk.md"), "-s", "mla"],
        ["format", str(TRICKY / "greek.md"), "-s", "plain"],
        ["styles", "--search", "universit"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "paperbib", *args], capture_output=True, env=environment, timeout=120
        )
        assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
        assert "Traceback" not in result.stderr.decode("utf-8", "replace")
    assert (
        "面向移动设备".encode()
        in subprocess.run(
            [sys.executable, "-m", "paperbib", "format", str(TRICKY / "cjk.md"), "-s", "mla"],
            capture_output=True,
            env=environment,
            timeout=120,
        ).stdout
    )


@pytest.mark.parametrize("style", ["apa", "ieee", "unsrt"])
def test_formatting_is_deterministic(papers, style: str) -> None:  # type: ignore[no-untyped-def]
    records = papers.records[:40]
    first = Formatter(style).bibliography(records).text
    formatter = Formatter(style)
    assert formatter.bibliography(records).text == first
    assert formatter.bibliography(records).text == first


def test_style_parsed_once(papers, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    parsed: list[str] = []
    original = csl_engine.CslStyle.__init__

    def counting_init(self, path, locale=None):  # type: ignore[no-untyped-def]
        parsed.append(path)
        original(self, path, locale)

    monkeypatch.setattr(csl_engine.CslStyle, "__init__", counting_init)
    records = papers.records[:20]
    formatter = Formatter("apa")
    formatter.bibliography(records)
    formatter.citation(records, [records[0].key])
    formatter.bibliography(records)
    assert len(parsed) == 1


def test_year_suffixes_for_same_authors_and_year() -> None:
    records = load_author_records()
    for style in ("apa", "harvard-cite-them-right", "chicago-author-date"):
        formatter = Formatter(style)
        text = formatter.bibliography(records).text
        assert "2024a" in text
        assert "2024b" in text
        # The suffixes follow the reference list: "Quantised..." sorts before "Sparse...".
        assert text.index("2024a") < text.index("2024b")
        keys = {record.title: record.key for record in records}
        citation = formatter.citation(
            records, [keys["Sparse Experts for Efficient Decoding"], keys["Quantised Attention Without Calibration"]]
        )
        assert "2024b" in citation
        assert "2024a" in citation


def test_no_year_suffix_in_numeric_style() -> None:
    text = Formatter("ieee").bibliography(load_author_records()).text
    assert "2024a" not in text


def test_disambiguate_condition_only_when_ambiguous() -> None:
    records = load_author_records()
    keys = {record.title: record.key for record in records}
    formatter = Formatter("mla")
    assert formatter.citation(records, [keys["Structured Sparsity for Speech Recognition"]]) == "(Haddad)"
    ambiguous = formatter.citation(records, [keys["Sparse Experts for Efficient Decoding"]])
    assert ambiguous == "(Lindqvist and Okafor, “Sparse Experts for Efficient Decoding”)"


def test_superscript_citation_in_text() -> None:
    records = load_author_records()
    assert Formatter("nature").citation(records, [records[11].key]) == "¹²"
    assert Formatter("nature", "html").citation(records, [records[0].key]) == "<sup>1</sup>"


def test_format_unknown_locale_is_usage_error() -> None:
    code, _, err = run("format", str(PAPERS), "--style", "apa", "--locale", "xx-YY")
    assert code == 2
    assert "unknown locale 'xx-YY'" in err


def test_format_other_locale_changes_terms() -> None:
    code, out, _ = run("format", str(TRICKY / "missing_year.md"), "--style", "apa", "--locale", "de-DE")
    assert code == 0
    assert "(o.\u00a0J.)" in out


def test_given_name_initials_for_shared_family() -> None:
    records = load_author_records()
    keys = {record.title: record.key for record in records}
    apa = Formatter("apa")
    assert apa.citation(records, [keys["Low-Rank Adapters at 2 Bits"]]) == "(H. Tanaka et al., 2023)"
    assert apa.citation(records, [keys["Distilling Vision Transformers into CNNs"]]) == "(Y. Tanaka, 2022)"
    assert apa.citation(records, [keys["Structured Sparsity for Speech Recognition"]]) == "(Haddad, 2021)"
    # Under the by-cite rule, initials are added only where they tell citations apart.
    harvard = Formatter("harvard")
    assert harvard.citation(records, [keys["Sparse Experts for Efficient Decoding"]]) == "(Lindqvist and Okafor, 2024b)"


def test_note_style_without_reference_list() -> None:
    records = load_author_records()
    citation = Formatter("book-history").citation(records, [records[0].key])
    assert "Lindqvist" in citation
    code, _, err = run("format", str(TRICKY / "punctuation.md"), "--style", "book-history")
    assert code == 2  # a usage error, like an unknown style
    assert "defines no reference list" in err


def test_name_part_text_case_on_names() -> None:
    # This style sets family names in small capitals with text-case="capitalize-first".
    html = Formatter("la-nouvelle-revue-du-travail", "html").bibliography(load_author_records()).text
    assert '<span style="font-variant:small-caps;">Lindqvist</span>' in html
    assert '<span style="font-variant:small-caps;">Van der Berg</span>' in html


def test_cite_repeated_key_once() -> None:
    from paperbib.formatting.formatter import Formatter
    from paperbib.pipeline import load

    records = load("papers.md").records
    key = records[0].key
    assert Formatter("ieee").citation(records, [key, key]) == Formatter("ieee").citation(records, [key])


def test_style_that_calls_undefined_macro(tmp_path) -> None:
    import re

    import pytest

    from paperbib.formatting.formatter import Formatter, StyleError
    from paperbib.formatting.styles import resolve_style
    from paperbib.pipeline import load

    source = Path(resolve_style("ieee").path).read_text(encoding="utf-8")
    broken = re.sub(
        r"(<bibliography[^>]*>.*?<layout[^>]*>)", r'\1<text macro="nonexistent"/>', source, count=1, flags=re.S
    )
    path = tmp_path / "broken.csl"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(StyleError, match="cannot be applied"):
        Formatter(str(path)).bibliography(load("papers.md").records)
