from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from anyascii import anyascii

from paperbib import transliterate
from paperbib.transliterate import to_ascii

SURROGATES = range(0xD800, 0xE000)
LAST_BLOCK = 0x10FFFF >> 8


@pytest.fixture
def fresh_caches(monkeypatch):
    """Start from an empty block cache and look up anyascii's data directory again, before and after."""
    monkeypatch.setattr(transliterate, "_blocks", {})
    transliterate._data_directory.cache_clear()
    yield
    transliterate._data_directory.cache_clear()


def block_text(block_number: int) -> str:
    """Join the code points of one 256-code-point block, surrogates left out, with tabs between them.

    No transliteration of anyascii contains a tab, because tabs separate the fields of its data
    files. So two outputs of this text are equal exactly when each code point's output is equal.
    """
    start = block_number << 8
    return "\t".join(chr(codepoint) for codepoint in range(start, start + 256) if codepoint not in SURROGATES)


def test_every_code_point_matches_anyascii(fresh_caches):
    assert transliterate._data_directory() is not None
    mismatched_blocks = []
    for block_number in range(LAST_BLOCK + 1):
        text = block_text(block_number)
        if to_ascii(text) != anyascii(text):
            mismatched_blocks.append(f"{block_number:03x}")
    assert mismatched_blocks == []
    # Every block with a code point that is not a surrogate was read from the data files.
    surrogate_blocks = range(SURROGATES.start >> 8, SURROGATES.stop >> 8)
    assert set(transliterate._blocks) == set(range(LAST_BLOCK + 1)) - set(surrogate_blocks)


def test_surrogates_match_anyascii(fresh_caches):
    text = "".join(chr(codepoint) for codepoint in SURROGATES)
    assert to_ascii(text) == anyascii(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ASCII title: 42 things",
        "Müller Δ",
        "Über die Quantenmechanik",
        "Zürich–Genève naïve café",
        "Ångström, Łódź and Øresund",
        "\u5927\u8bed\u8a00\u6a21\u578b\u7684\u63a8\u7406",
        "\u6771\u4eac\u5927\u5b66 and \ud55c\uad6d\uc5b4",
        "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440",
        "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
        "e\u0301 combining acute",
        "\U0001f600 \U0001d400\U0001d401 astral letters",
        "\ue000 private use, \U00030000 unassigned plane",
        "tab\tand\nnewline\x7f\x80\xa0",
        "\u00df\u1e9e\ufb01 ligatures",
    ],
)
def test_strings_match_anyascii(fresh_caches, text):
    assert to_ascii(text) == anyascii(text)


def test_ascii_text_returned_unchanged(fresh_caches):
    text = "already ASCII"
    assert to_ascii(text) is text
    assert transliterate._blocks == {}


def test_missing_data_directory_falls_back(fresh_caches, monkeypatch, tmp_path):
    """A package directory without ``_data``, as from a zip archive, makes to_ascii use anyascii itself."""
    spec = importlib.machinery.ModuleSpec("anyascii", None, origin=str(tmp_path / "__init__.py"), is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    assert transliterate._data_directory() is None
    assert to_ascii("Müller Δ") == "Muller D"
    assert to_ascii(block_text(0x4E)) == anyascii(block_text(0x4E))
    assert transliterate._blocks == {}


def test_package_without_locations_falls_back(fresh_caches, monkeypatch):
    spec = importlib.machinery.ModuleSpec("anyascii", None)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    assert transliterate._data_directory() is None
    assert to_ascii("Łódź") == "Lodz"
    assert transliterate._blocks == {}


def run_python(code: str, extra_path: str | None = None) -> list[str]:
    environment = dict(os.environ)
    if extra_path is not None:
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [extra_path, environment.get("PYTHONPATH")]))
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment
    )
    return completed.stdout.splitlines()


# Some environments import importlib.resources at start-up (a .pth file of an installed package), so the
# check is whether paperbib imported it.
IMPORT_CHECK = """
import sys
resources_at_start = "importlib.resources" in sys.modules
import paperbib.steps.keys, paperbib.venues.catalogue
from paperbib.transliterate import to_ascii
from paperbib.venues import default_catalogue
print(to_ascii("Müller Δ"))
print(" ".join(paperbib.steps.keys.title_words("Müller Δ")))
print(default_catalogue().info("Tagung Müller Δ", 2020).id)
print("anyascii" in sys.modules)
print("importlib.resources" in sys.modules and not resources_at_start)
print(sorted(name for name in sys.modules if name.startswith("anyascii")))
"""


def test_transliteration_imports_neither_anyascii_nor_resources():
    lines = run_python(IMPORT_CHECK)
    assert lines[0] == "Muller D"
    assert lines[1] == "muller d"
    assert lines[2] == "tagungmullerd"
    assert lines[3] == "False"
    assert lines[4] == "False"
    assert lines[5] == "[]"


def test_zipped_anyascii_falls_back(tmp_path):
    """anyascii installed as a zip archive has no data directory, so to_ascii imports anyascii."""
    package = Path(sys.modules["anyascii"].__file__).parent
    archive = tmp_path / "anyascii.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in package.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zipped.write(path, Path("anyascii") / path.relative_to(package))
    lines = run_python(IMPORT_CHECK + "print(sys.modules['anyascii'].__file__)", extra_path=str(archive))
    assert lines[0] == "Muller D"
    assert lines[1] == "muller d"
    assert lines[2] == "tagungmullerd"
    assert lines[3] == "True"
    assert lines[6].startswith(str(archive))
