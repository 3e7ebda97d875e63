"""``paperbib check``: the findings of the library function and the command's output and exit status."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from conftest import FIXTURES, ROOT
from paperbib.check import check_files
from paperbib.cli import main
from paperbib.diagnostics import Code, Severity

CHECK = FIXTURES / "check"
PROBLEMS = str(CHECK / "problems.md")
CLEAN = str(CHECK / "clean.md")
OTHER = str(CHECK / "other.md")


def codes_at(report, line: int) -> set[Code]:
    return {finding.code for finding in report.findings if finding.location.line == line}


def test_check_reports_each_kind_of_finding():
    report = check_files([PROBLEMS])
    assert report.papers == 5
    assert Code.MALFORMED_URL in codes_at(report, 7)
    assert Code.UNCLOSED_LINK in codes_at(report, 8)
    assert Code.DUPLICATE in codes_at(report, 12)  # same arXiv ID, other version, other section
    assert Code.DUPLICATE in codes_at(report, 13)  # same title in another section
    assert {Code.NO_VENUE, Code.NO_YEAR} <= codes_at(report, 14)
    assert codes_at(report, 16) == {Code.EMPTY_HEADING}
    assert codes_at(report, 20) == {Code.RESOURCE_ENTRY}


def test_check_names_the_first_occurrence():
    report = check_files([PROBLEMS])
    (duplicate,) = [f for f in report.findings if f.location.line == 12 and f.code is Code.DUPLICATE]
    assert duplicate.message.endswith(f"{PROBLEMS}:6")
    assert "2401.01111" in duplicate.message


def test_check_finds_duplicates_across_files():
    report = check_files([PROBLEMS, OTHER])
    (duplicate,) = [f for f in report.findings if f.location.path == OTHER]
    assert duplicate.code is Code.DUPLICATE
    assert PROBLEMS in duplicate.message
    assert [f.location.path for f in report.findings][-1] == OTHER  # input order, then line


def test_same_title_other_link(tmp_path):
    path = tmp_path / "list.md"
    path.write_text(
        "# List\n## ICLR 2024\n- One Title [[paper](https://a.org/1)]\n## ICML 2024\n"
        "- One Title [[paper](https://a.org/2)]\n",
        encoding="utf-8",
    )
    report = check_files([str(path)])
    assert [f.code for f in report.findings] == [Code.DUPLICATE_TITLE]
    assert report.findings[0].location.line == 5


def test_clean_list_has_no_findings():
    report = check_files([CLEAN])
    assert report.findings == []
    assert not report.failed(strict=True)


def test_ignore_leaves_codes_out():
    report = check_files([PROBLEMS], ignore=["pb110", "PB111"])
    assert not {f.code for f in report.findings} & {Code.NO_VENUE, Code.NO_YEAR}


def test_failed_depends_on_strict():
    report = check_files([str(FIXTURES / "layouts" / "seedlike_topics.md")])
    assert report.count(Severity.ERROR) == 0
    assert report.count(Severity.WARNING) > 0
    assert not report.failed()
    assert report.failed(strict=True)


def test_cli_text_output_and_exit_status():
    result = CliRunner().invoke(main, ["check", PROBLEMS])
    assert result.exit_code == 1  # the broken link is an error
    lines = result.stdout.strip().split("\n")
    assert f"{PROBLEMS}:8: error: skipped: broken link: link [paper] is not closed with ']]' [PB101]" in lines
    assert "checked 1 file: 5 papers, 1 error," in result.stderr


def test_cli_strict_fails_on_warnings_only_list():
    path = str(FIXTURES / "layouts" / "seedlike_topics.md")
    assert CliRunner().invoke(main, ["check", path]).exit_code == 0
    assert CliRunner().invoke(main, ["check", "--strict", path]).exit_code == 1
    assert CliRunner().invoke(main, ["check", "--strict", CLEAN]).exit_code == 0


def test_cli_json_output():
    result = CliRunner().invoke(main, ["check", "--format", "json", PROBLEMS, OTHER])
    document = json.loads(result.stdout)
    assert document["files"] == [PROBLEMS, OTHER]
    assert document["papers"] == 6
    first = document["findings"][0]
    assert set(first) == {"file", "line", "severity", "code", "message"}
    assert {"file": PROBLEMS, "line": 16, "severity": "warning", "code": "PB130"}.items() <= next(
        f for f in document["findings"] if f["code"] == "PB130"
    ).items()


def test_cli_missing_file_is_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope.md")])
    assert result.exit_code == 1
    assert "file not found" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("option", ["--format=xml", "--no-such-option"])
def test_cli_usage_errors(option):
    assert CliRunner().invoke(main, ["check", option, CLEAN]).exit_code == 2


def test_pre_commit_hook_definition():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "paperbib-check"
    assert hook["entry"] == "paperbib check"
    assert hook["language"] == "python"
    assert hook["types"] == ["markdown"]
    import re

    files = re.compile(hook["files"])
    assert files.search("README.md")
    assert files.search("docs/papers.md")
    assert not files.search("CHANGELOG.md")


def test_file_without_papers_is_an_error(tmp_path):
    from paperbib.check import check_files

    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    prose = tmp_path / "prose.md"
    prose.write_text("# Notes\n\nNothing here.\n", encoding="utf-8")
    report = check_files([str(empty), str(prose)])
    codes = [(finding.location.path, finding.code.value, finding.severity.value) for finding in report.findings]
    assert (str(empty), "PB131", "error") in codes
    assert (str(prose), "PB131", "error") in codes
