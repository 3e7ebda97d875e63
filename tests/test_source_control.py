"""read_source finds control characters on the bytes, with the result of the pattern on the decoded text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperbib.errors import InputError
from paperbib.source import Source, read_source
from paperbib.text import ANY_CONTROL_CHARACTER

# Characters next to the edges of the control ranges, and others whose UTF-8 form starts with 0xC2 or
# contains the bytes of C1 controls, mixed with ordinary text.
EDGES = "\x00\x08\t\n\x0b\x0c\r\x0e\x1b\x1f \x7e\x7f\x80\x9f\xa0\xbf\xc0\u0100\u0180\u2028\ufeff\U0001f600"


def _expected(path: Path) -> bool:
    return ANY_CONTROL_CHARACTER.search(read_source(str(path), encoding="utf-8-sig").text) is not None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(EDGES), st.characters()), max_size=40))
def test_bytes_check_equals_text_pattern(tmp_path_factory: pytest.TempPathFactory, text: str):
    path = tmp_path_factory.mktemp("control") / "list.md"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        source = read_source(str(path))
    except InputError:  # surrogates are not valid UTF-8: the error is tested elsewhere
        return
    assert source.control_characters is not None
    assert source.has_control_characters() is (ANY_CONTROL_CHARACTER.search(source.text) is not None)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("plain text\n", False),
        ("tab\tand\r\nCRLF and lone\rCR\n", False),
        ("bell \x07", True),
        ("delete \x7f", True),
        ("C1 \x85 next line", True),
        ("C1 \x9f last", True),
        ("no-break space \xa0 and \u0100", False),
        ("\ufeffbyte-order mark first", False),
        ("escape \x1b[31mred", True),
    ],
)
def test_control_characters_in_file(text: str, found: bool, tmp_path: Path):
    path = tmp_path / "list.md"
    path.write_bytes(text.encode("utf-8"))
    source = read_source(str(path))
    assert source.control_characters is found
    assert source.has_control_characters() is found
    assert _expected(path) is found


def test_other_encoding_checks_text(tmp_path: Path):
    """Bytes of another encoding are not checked as UTF-8: the text pattern decides."""
    path = tmp_path / "list.md"
    path.write_bytes("C1 in Latin-1 \x85 and \xe9\n".encode("latin-1"))
    source = read_source(str(path), encoding="latin-1")
    assert source.control_characters is None
    assert source.has_control_characters() is True


def test_source_without_flag_uses_text():
    assert Source("list.md", "plain").has_control_characters() is False
    assert Source("list.md", "bell \x07").has_control_characters() is True
