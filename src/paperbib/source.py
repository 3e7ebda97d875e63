"""Reading input files into text: UTF-8 by default, with a clear error for anything else."""

from __future__ import annotations

import codecs
import os
import sys
from dataclasses import dataclass

from paperbib.errors import InputError

STDIN = "-"


@dataclass(frozen=True)
class Source:
    """The decoded text of one input, with LF line endings and no byte-order mark."""

    name: str
    text: str

    def lines(self) -> list[str]:
        return self.text.split("\n")

    @property
    def looks_binary(self) -> bool:
        """True when the text contains a NUL character, which no Markdown file has but most binary files do."""
        return "\x00" in self.text


def read_source(path: str, encoding: str | None = None) -> Source:
    """Read ``path`` (or stdin for ``-``) and decode it.

    Raises InputError naming the file, line and byte offset of the first byte that is
    not valid in the encoding, which is UTF-8 unless ``encoding`` is given.
    """
    if path == STDIN:
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        name = path
        if not os.path.exists(path):
            raise InputError(f"{path}: file not found")
        if os.path.isdir(path):
            raise InputError(f"{path}: is a directory, expected a markdown file")
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise InputError(f"{path}: cannot read: {error.strerror}") from None
    return Source(name, decode(data, name, encoding))


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode ``data``; a UTF-8 byte-order mark is dropped and CRLF or CR become LF."""
    chosen = encoding or "utf-8"
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise InputError(f"unknown encoding {chosen!r}; use a Python codec name such as utf-8 or latin-1") from None
    if chosen.replace("_", "-").lower() in ("utf-8", "utf8") and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(chosen)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        hint = "pass --encoding (for example --encoding latin-1)" if encoding is None else "check --encoding"
        raise InputError(
            f"{name}:{line}: invalid {chosen} byte 0x{byte:02x} at byte offset {error.start}; {hint}"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")
