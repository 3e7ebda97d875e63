"""Transliterate Unicode text to ASCII with the tables of the anyascii package, without importing it.

anyascii 0.3 reads its tables through ``importlib.resources``, and importing that module (with
tempfile, shutil, zipfile and pathlib) and ``importlib.readers`` took 7 to 8 ms (cumulative
``python -X importtime`` times, Python 3.11). This module reads the same files directly.
anyascii 0.3 stores one file per block of 256 code points in its ``_data`` directory, named by the
block number in lowercase hex with at least three digits (``000`` to ``10ff``). Each file is
raw-deflate compressed ASCII text whose tab-separated fields are the transliterations of the
block's code points in order. A block without a file, or a code point past the last field,
transliterates to the empty string. pyproject.toml pins anyascii to 0.3 because of this layout.
"""

from __future__ import annotations

import logging
import os
import sys
import zlib
from collections.abc import Callable
from functools import lru_cache

logger = logging.getLogger(__name__)

# Transliterations of each block read so far, by block number (code point >> 8), as anyascii keeps them.
_blocks: dict[int, tuple[str, ...]] = {}


def to_ascii(text: str) -> str:
    """Transliterate ``text`` into ASCII, returning exactly what ``anyascii.anyascii(text)`` returns."""
    if text.isascii():
        return text
    data_directory = _data_directory()
    if data_directory is None:
        return _imported_anyascii()(text)
    pieces: list[str] = []
    for char in text:
        codepoint = ord(char)
        if codepoint <= 0x7F:
            pieces.append(char)
            continue
        block_number = codepoint >> 8
        block = _blocks.get(block_number)
        if block is None:
            block = _read_block(data_directory, block_number)
            _blocks[block_number] = block
        index = codepoint & 0xFF
        if index < len(block):
            pieces.append(block[index])
    return "".join(pieces)


@lru_cache(maxsize=1)
def _data_directory() -> str | None:
    """Return the ``_data`` directory of the installed anyascii, or None if the package has none on disk.

    ``find_spec`` of a top-level package locates it without running its ``__init__.py``. A package
    in a zip archive, or one whose finder gives no search locations, has no such directory.
    """
    # Imported here, because lists without non-ASCII letters never need it.
    import importlib.util

    spec = importlib.util.find_spec("anyascii")
    if spec is None or not spec.submodule_search_locations:
        logger.debug("anyascii has no package directory, so paperbib imports it to transliterate")
        return None
    for location in spec.submodule_search_locations:
        directory = os.path.join(location, "_data")
        if os.path.isdir(directory):
            return directory
    logger.debug("anyascii has no _data directory in %s, so paperbib imports it to transliterate", spec.origin)
    return None


def _read_block(data_directory: str, block_number: int) -> tuple[str, ...]:
    """Read and decode the transliterations of one block, or return () if anyascii has none for it."""
    try:
        with open(os.path.join(data_directory, f"{block_number:03x}"), "rb") as file:
            compressed = file.read()
    except FileNotFoundError:
        return ()
    text = zlib.decompress(compressed, -zlib.MAX_WBITS).decode("ascii")
    return tuple(map(sys.intern, text.split("\t")))


def _imported_anyascii() -> Callable[[str], str]:
    """Import anyascii itself and return its ``anyascii`` function."""
    from anyascii import anyascii

    return anyascii
