"""Messages, option spellings and exit statuses that must agree across the commands."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, PAPERS
from paperbib.cli import COMMANDS, main

QUIET = str(FIXTURES / "cli" / "quiet.md")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    "args",
    [
        ["export", QUIET],
        ["format", QUIET],
        ["list", QUIET],
        ["cite", "iclr2024-quiet-pruning-wide", "-i", QUIET],
    ],
    ids=lambda args: args[0],
)
def test_quiet_keeps_skipped_lines(args):
    result = run(*args, "-q")
    assert result.exit_code == 0, result.stderr
    # The PB106 skip is a note, and -q still names it; the PB112 warning is hidden.
    assert f"{QUIET}:7: info: skipped: 'The Whispering Benchmark" in result.stderr
    assert "[PB112]" not in result.stderr


def test_enrich_quiet_keeps_skipped_lines(tmp_path):
    source = tmp_path / "quiet.md"
    shutil.copy(QUIET, source)
    result = run("enrich", str(source), "--offline", "--cache", str(tmp_path / "cache"), "-q")
    assert result.exit_code == 0, result.stderr
    assert f"{source}:7: info: skipped:" in result.stderr


@pytest.mark.parametrize("command", ["export", "format", "cite"])
def test_empty_output_name_is_usage_error(command):
    args = ["cite", "iclr2024-quiet-pruning-wide", "-i", QUIET] if command == "cite" else [command, QUIET]
    result = run(*args, "-o", "")
    assert result.exit_code == 2
    assert "empty file name" in result.stderr
    assert "directory" not in result.stderr


def test_key_map_empty_name_is_usage_error(tmp_path):
    result = run("export", QUIET, "-o", str(tmp_path / "out.bib"), "--update", "--key-map", "")
    assert result.exit_code == 2
    assert "empty file name" in result.stderr


def test_format_to_and_output_file(tmp_path):
    target = tmp_path / "refs.html"
    result = run("format", QUIET, "--to", "html", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert 'class="csl-entry"' in target.read_text(encoding="utf-8")
    assert "deprecated" not in result.stderr
    assert f"formatted 3 entries in apa to {target}" in result.stderr


def test_cite_to_and_output_file(tmp_path):
    target = tmp_path / "cite.tex"
    result = run(
        "cite", "iclr2024-quiet-pruning-wide", "-i", QUIET, "--style", "ieee", "--to", "latex", "-o", str(target)
    )
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8") == "[1]\n"
    assert result.stdout == ""


def test_format_old_file_spelling_still_works(tmp_path):
    target = tmp_path / "refs.html"
    result = run("format", QUIET, "--to", "html", "--file", str(target))
    assert result.exit_code == 0, result.stderr
    assert 'class="csl-entry"' in target.read_text(encoding="utf-8")
    assert "paperbib: deprecated: --file FILE; write -o/--output FILE instead" in result.stderr


@pytest.mark.parametrize(
    "options",
    [
        ["-o", "html"],
        ["--output", "html"],
        ["--output", "html", "-o", "TARGET"],
        ["--to", "latex", "-o", "latex"],
    ],
    ids=["short", "long", "old-readme-example", "with-to"],
)
@pytest.mark.parametrize("command", ["format", "cite"])
def test_format_name_as_file_is_usage_error(tmp_path, monkeypatch, command, options):
    # Once --output named the format; a file called "html" would hide that mistake.
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "refs.html"
    arguments = [str(target) if value == "TARGET" else value for value in options]
    prefix = ["format", QUIET] if command == "format" else ["cite", "iclr2024-quiet-pruning-wide", "-i", QUIET]
    result = run(*prefix, *arguments)
    assert result.exit_code == 2
    assert "is a format name: write --to" in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_format_dot_slash_names_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("format", QUIET, "--to", "html", "-o", "./html")
    assert result.exit_code == 0, result.stderr
    assert 'class="csl-entry"' in (tmp_path / "html").read_text(encoding="utf-8")


def test_format_two_output_files_is_usage_error(tmp_path):
    result = run("format", QUIET, "-o", str(tmp_path / "a.txt"), "--file", str(tmp_path / "b.txt"))
    assert result.exit_code == 2
    assert "2 output files given" in result.stderr


def test_old_spellings_hidden_from_help():
    for command in ("format", "cite"):
        text = run(command, "--help").stdout
        assert "--file" not in text
        assert "--to [text|html|markdown|latex|rst]" in text
        assert "-o, --output FILE" in text


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_option_states_default(command):
    """Each option's help gives its default, as 'Default: ...' or click's '[default: ...]'."""
    context = main.make_context("paperbib", [command, "--help"], resilient_parsing=True)
    sub = main.get_command(context, command)
    missing = []
    for parameter in sub.params:
        if not getattr(parameter, "help", None) or parameter.name == "help":
            continue
        if parameter.show_default or re.search(r"Default[: ]", parameter.help):
            continue
        missing.append(parameter.name)
    assert missing == []


def test_format_one_entry_is_singular(tmp_path):
    source = tmp_path / "one.md"
    source.write_text("# 2024\n## ICLR-2024\n- Single Paper Title [[paper](https://openreview.net/forum?id=s1)]\n")
    result = run("format", str(source))
    assert "formatted 1 entry in apa" in result.stderr
    result = run("export", str(source))
    assert "exported 1 entry (0 skipped)" in result.stderr


ONE_PAPER = "# 2024\n## ICLR-2024\n- Wide Paper [[paper](https://openreview.net/forum?id=w1)]\n"


@pytest.mark.parametrize(
    ("codec", "hint"), [("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")]
)
@pytest.mark.parametrize("command", ["export", "check"])
def test_utf16_input_names_encoding(tmp_path, command, codec, hint):
    source = tmp_path / "wide.md"
    source.write_bytes(ONE_PAPER.encode(codec))
    result = run(command, str(source))
    assert result.exit_code == 1
    assert f"pass --encoding {hint}" in result.stderr
    assert "latin-1" not in result.stderr
    readable = run(command, str(source), "--encoding", codec)
    assert readable.exit_code == 0, readable.stderr


def test_long_values_shortened_in_messages(tmp_path):
    source = tmp_path / "long.md"
    source.write_text("# 2024\n## ICLR-2024\n- Long Url Paper [[paper](" + "x" * 5000 + ")]\n", encoding="utf-8")
    result = run("export", str(source))
    warning = next(line for line in result.stderr.splitlines() if "[PB104]" in line)
    assert len(warning) < 250
    assert "…' (5000 characters)" in warning


def test_unwritable_folder_names_temporary_file(tmp_path):
    # /proc/version exists, but no file can be created in /proc, which the atomic rename needs.
    source = tmp_path / "wide.md"
    source.write_text(ONE_PAPER, encoding="utf-8")
    result = run("export", str(source), "-o", "/proc/version")
    assert result.exit_code == 1
    assert "cannot create a temporary file in /proc" in result.stderr
    assert "No such file or directory; " not in result.stderr


NO_BIBLIOGRAPHY_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Citations Only</title><id>citations-only</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
</style>
"""


def test_style_without_reference_list_is_usage_error(tmp_path):
    style = tmp_path / "citations-only.csl"
    style.write_text(NO_BIBLIOGRAPHY_CSL, encoding="utf-8")
    result = run("format", QUIET, "--style", str(style))
    assert result.exit_code == 2, result.stderr
    assert "Invalid value for --style" in result.stderr
    assert "defines no reference list" in result.stderr
    # The same style still gives citations.
    cited = run("cite", "iclr2024-quiet-pruning-wide", "-i", QUIET, "--style", str(style))
    assert cited.exit_code == 0, cited.stderr
    assert cited.stdout == "Quiet Pruning of Wide Networks\n"


def test_enrich_unknown_source_is_usage_error(tmp_path):
    source = tmp_path / "quiet.md"
    shutil.copy(QUIET, source)
    result = run("enrich", str(source), "--offline", "--cache", str(tmp_path / "cache"), "--source", "nosuch")
    assert result.exit_code == 2
    assert "Invalid value for --source" in result.stderr
    assert "nosuch" in result.stderr
    assert not (tmp_path / "quiet.meta.json").exists()


@pytest.mark.parametrize("command", ["export", "format", "list", "check", "enrich"])
def test_unknown_encoding_is_usage_error(command):
    result = run(command, QUIET, "--encoding", "nosuch-codec")
    assert result.exit_code == 2
    assert "unknown encoding 'nosuch-codec'" in result.stderr


@pytest.mark.parametrize("order", ["readable-first", "unreadable-first"])
def test_check_reports_readable_files_then_error(tmp_path, order):
    readable = str(FIXTURES / "check" / "problems.md")
    unreadable = tmp_path / "latin1.md"
    unreadable.write_bytes(
        "# 2024\n## ICLR-2024\n- \xdcber Pruning [[paper](https://openreview.net/forum?id=u1)]\n".encode("latin-1")
    )
    paths = [readable, str(unreadable)] if order == "readable-first" else [str(unreadable), readable]
    result = run("check", *paths)
    assert result.exit_code == 1
    assert f"{readable}:8: error: skipped: broken link" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    expected = f"Error: {unreadable}:3: invalid utf-8 byte 0xdc at byte offset 22; pass --encoding"
    assert len(errors) == 1
    assert errors[0].startswith(expected)
    assert result.stderr.splitlines()[-1] == errors[0]
    assert "checked 1 file: 5 papers" in result.stderr


def test_check_json_lists_unreadable_file(tmp_path):
    missing = tmp_path / "missing.md"
    result = run("check", "--format", "json", str(FIXTURES / "check" / "clean.md"), str(missing))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["unreadable"] == [f"{missing}: file not found"]


def test_update_broken_bib_one_clean_line(tmp_path):
    # A subprocess, so that the logging set-up of the real command line is in place.
    refs = tmp_path / "refs.bib"
    text = "@misc{good, title = {A}}\n\n@misc{broken,\n  title = {unclosed,\n  year = 2020\n"
    refs.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "paperbib", "export", QUIET, "-o", str(refs), "--update", "-q"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "[PB106]" not in line]
    # The block starts on line 3; bibtexparser's own log counted from 0 and named the line it gave up on.
    assert lines == [
        f"Error: {refs}:3: cannot parse the block that starts on this line: Unexpectedly reached end of file; "
        "fix or remove it, then export again"
    ]
    assert refs.read_text(encoding="utf-8") == text


def test_out_of_memory_is_one_line(monkeypatch, tmp_path):
    import paperbib.pipeline

    def no_memory(*arguments, **options):
        raise MemoryError

    monkeypatch.setattr(paperbib.pipeline, "read_markdown", no_memory)
    result = CliRunner().invoke(main, ["export", str(PAPERS), "-o", str(tmp_path / "out.bib")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [
        "Error: out of memory: this list needs more memory than the process may use; raise the limit "
        "(ulimit -v), or run on one core with taskset -c 0, which needs less"
    ]
    assert not (tmp_path / "out.bib").exists()
