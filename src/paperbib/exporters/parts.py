"""Writing an export in two processes: a forked child writes the entries of the second half.

The parent writes the head and the entries of the first half while the child writes those of the
second half, then appends the child's text and writes the tail. The child sends its text as UTF-8
bytes, which the parent writes to the binary stream under ``out`` without decoding them. The
result is the text and the diagnostics of one process, because a :class:`PartedExporter` promises
that slices written apart join to the whole. When the child fails, the parent writes the second
half itself, so a failed child costs time, never entries.
"""

from __future__ import annotations

import codecs
import dataclasses
import logging
import struct
from collections.abc import Callable, Sequence
from typing import Any, cast

from paperbib import forking, model_codec
from paperbib.diagnostics import Diagnostic
from paperbib.exporters.ahead import AheadEntries, writes_standalone_entries
from paperbib.exporters.base import (
    Exporter,
    ExportOptions,
    PartedExporter,
    TextOutput,
    _Pieces,
    write_records,
)
from paperbib.forking import Message
from paperbib.model import Record
from paperbib.part_helper import PartHelper
from paperbib.steps.keys import KeyFormat
from paperbib.steps.title_facts import TitleFacts
from paperbib.venues import Catalogue, default_catalogue

logger = logging.getLogger(__name__)

# Minimum number of records for which a second process pays off. A child costs more than the fork: both
# processes start with empty conversion caches, and every memory page that either one writes to,
# if only to count a reference, is copied. On an idle 2-core machine, exports of 2,000 generated
# papers took about as long with a child as without, and of 4,000 about 30 ms (8%) less.
# While other processes keep the cores busy, a child makes exports slower (see forking.core_free).
FORK_MIN_RECORDS = 4000

# Maximum number of records in one round: the parent keeps the child's text of a round whole, and the
# child its text and its copied memory pages, so rounds bound the memory that a large list takes.
ROUND_MAX_RECORDS = 20_000

# The share of the entries, in thousandths, that a helper (see _write_with_helper) writes at least: more
# when it writes its own entries ahead (paperbib.exporters.ahead). On 10,000 generated papers these
# shares made the two processes finish writing within about 5 ms of each other.
HELPER_SHARE_PERMILLE = 475
HELPER_SHARE_AHEAD_PERMILLE = 560

# Characters of text encoded at a time by a child (see _encoded_entries).
ENCODED_CHUNK = 1 << 20

# The child's message: the length of the encoded diagnostics (model_codec), those, then the UTF-8 text.
_LENGTH = struct.Struct("!Q")


def can_write_in_parts(exporter: object) -> bool:
    """True when ``exporter`` writes a head, entries of slices and a tail (see :class:`PartedExporter`)."""
    return all(callable(getattr(exporter, method, None)) for method in ("write_head", "write_entries", "write_tail"))


def write_records_forked(
    exporter: Exporter,
    records: Sequence[Record],
    options: ExportOptions,
    out: TextOutput,
    helper: PartHelper | None = None,
) -> list[Diagnostic]:
    """Write what :func:`write_records` writes, with the second half of a large list written by a child.

    ``helper`` is the child that read the last part of the list (see :func:`entries_writer`); when
    it is given and the exporter writes in parts, it writes the entries from its first record on.
    Otherwise exporters without the :class:`PartedExporter` methods, lists of fewer than
    FORK_MIN_RECORDS records, processes that cannot fork and moments when no core is idle (see
    :func:`paperbib.forking.child_helps`) are written in this process alone. Lists of more than
    ROUND_MAX_RECORDS records are written in rounds of about equal size, each with a child of its own.
    """
    if helper is not None:
        written = _write_with_helper(exporter, records, options, out, helper)
        if written is not None:
            return written
    count = len(records)
    if count < FORK_MIN_RECORDS or not can_write_in_parts(exporter) or not forking.child_helps():
        return write_records(exporter, records, options, out)
    parted: PartedExporter = exporter  # type: ignore[assignment]
    rounds = -(-count // ROUND_MAX_RECORDS)
    parted.write_head(records, options, out)
    diagnostics: list[Diagnostic] = []
    for index in range(rounds):
        start = count * index // rounds
        stop = count * (index + 1) // rounds
        diagnostics += _write_round(parted, records, start, stop, options, out)
    parted.write_tail(records, options, out)
    return diagnostics


def entries_writer(
    exporter: Exporter,
    options: ExportOptions | None = None,
    key_format: KeyFormat | None = None,
    catalogue: Catalogue | None = None,
) -> Callable[[list[Record], list[Any]], Callable[[bytes], Message]]:
    """Return the ``follow`` function (see ``paperbib.pipeline.load``) with which a reading child writes entries.

    The child gets the request of :func:`write_records_forked`: the options, the position of its
    first entry and the records from there on, most of them as references to its own records
    (``model_codec.encode_placed``). Its response is the diagnostics and the text of those entries.
    ``options`` are the export's likely options. With them, and with an exporter whose entries stand
    alone, the child writes its entries ahead while this process runs the steps (see
    :mod:`paperbib.exporters.ahead`). It uses the keys of ``key_format`` and the venues of
    ``catalogue`` (default: the shipped catalogue).
    """
    parted = cast(PartedExporter, exporter)

    def follow(copies: list[Record], prepared: list[Any]) -> Callable[[bytes], Message]:
        writer: PartedExporter | AheadEntries = parted
        if options is not None and copies and writes_standalone_entries(exporter):
            # The title facts that the reader's prepare step computed for the child's part, if it did.
            titles = TitleFacts()
            for part in prepared:
                if isinstance(part, tuple) and len(part) == 2:
                    titles.add(part)
            shipped = catalogue or default_catalogue()
            writer = AheadEntries.write(parted, options, copies, shipped, key_format, titles.words)

        def respond(request: bytes) -> bytes:
            fields, start, path, placed = model_codec.loads(request)
            tail = model_codec.decode_placed(placed, copies, path)
            # write_entries takes positions in the whole list; the records before ``start`` are not used.
            records = cast("list[Record]", [None] * start) + tail
            return _encoded_entries(writer, records, start, len(records), ExportOptions(**fields))

        return respond

    return follow


def _write_with_helper(
    exporter: Exporter, records: Sequence[Record], options: ExportOptions, out: TextOutput, helper: PartHelper
) -> list[Diagnostic] | None:
    """Write ``records`` with ``helper`` writing the entries from its first record on; None, without
    writing anything, when the helper cannot: the caller writes them then.

    Options with fields kept from an earlier file are not sent: those maps can be large.
    """
    known = {id(record): index for index, record in enumerate(helper.records)}
    start = next((position for position, record in enumerate(records) if id(record) in known), len(records))
    if start < len(records):
        # The helper read fewer papers than this process, which also decodes them and runs the steps, so it
        # also writes some of this process's records, sent whole, up to its share of them.
        share = HELPER_SHARE_AHEAD_PERMILLE if writes_standalone_entries(exporter) else HELPER_SHARE_PERMILLE
        start = min(start, max(0, len(records) - len(records) * share // 1000))
    path = records[start].location.path if start < len(records) else ""
    if (
        not can_write_in_parts(exporter)
        or options.kept_fields
        or start == len(records)
        or any(record.location.path != path for record in records[start:] if id(record) not in known)
    ):
        helper.close()
        return None
    fields = {item.name: getattr(options, item.name) for item in dataclasses.fields(options)}
    del fields["kept_fields"]
    try:
        request = model_codec.dumps((fields, start, path, model_codec.encode_placed(records[start:], known)))
    except ValueError:  # an option that marshal cannot write
        helper.close()
        return None
    helper.ask(request)
    parted: PartedExporter = exporter  # type: ignore[assignment]
    try:
        parted.write_head(records, options, out)
        diagnostics = parted.write_entries(records, 0, start, options, out)
    except BaseException:
        helper.close()
        raise
    diagnostics += _child_part(parted, records, start, len(records), options, out, helper.response())
    parted.write_tail(records, options, out)
    return diagnostics


def _write_round(
    exporter: PartedExporter,
    records: Sequence[Record],
    start: int,
    stop: int,
    options: ExportOptions,
    out: TextOutput,
) -> list[Diagnostic]:
    """Write the entries of ``records[start:stop]``, the last 47.5% of them through a child.

    The child's share is the smaller one because it also starts up and encodes its text: on 10,000
    generated papers, this split made the two processes end within 7 ms of each other, half and half
    within 17 ms.
    """
    middle = start + (stop - start) * 21 // 40
    call = forking.start(lambda: _encoded_entries(exporter, records, middle, stop, options))
    if call is None:
        return exporter.write_entries(records, start, stop, options, out)
    try:
        diagnostics = exporter.write_entries(records, start, middle, options, out)
    except BaseException:
        call.cancel()
        raise
    diagnostics += _child_part(exporter, records, middle, stop, options, out, call.result())
    return diagnostics


def _child_part(
    exporter: PartedExporter,
    records: Sequence[Record],
    start: int,
    stop: int,
    options: ExportOptions,
    out: TextOutput,
    message: bytearray | None,
) -> list[Diagnostic]:
    """Write the text of ``records[start:stop]`` that a child sent in ``message``; without one, write it here.

    Return the diagnostics of those records.
    """
    if message is None:
        # forking logs the child's exit status; an ExportError of the child's part is raised here.
        logger.debug("writing records %d to %d in this process", start, stop)
        return exporter.write_entries(records, start, stop, options, out)
    diagnostics, text = _decode(message)
    _write_utf8(out, text)
    return diagnostics


def _encoded_entries(
    exporter: PartedExporter | AheadEntries,
    records: Sequence[Record],
    start: int,
    stop: int,
    options: ExportOptions,
) -> list[bytes]:
    """Return, in the child, the message with the diagnostics and the text of ``records[start:stop]``.

    The message is a list of byte strings (see ``forking.start``). The text is encoded about
    ENCODED_CHUNK characters at a time, and each piece of text is dropped once encoded, so that
    the text is never held whole both as text and as UTF-8.
    """
    pieces = _Pieces()
    diagnostics = exporter.write_entries(records, start, stop, options, pieces)
    encoded_diagnostics = model_codec.dumps(model_codec.encode_diagnostics(diagnostics))
    message = [_LENGTH.pack(len(encoded_diagnostics)), encoded_diagnostics]
    pieces.reverse()
    run: list[str] = []
    size = 0
    while pieces:
        piece = pieces.pop()
        run.append(piece)
        size += len(piece)
        if size >= ENCODED_CHUNK or not pieces:
            message.append("".join(run).encode("utf-8"))
            run.clear()
            size = 0
    return message


def _decode(message: bytes) -> tuple[list[Diagnostic], memoryview]:
    (length,) = _LENGTH.unpack_from(message)
    view = memoryview(message)
    diagnostics = model_codec.decode_diagnostics(model_codec.loads(view[_LENGTH.size : _LENGTH.size + length]))
    return diagnostics, view[_LENGTH.size + length :]


def _write_utf8(out: TextOutput, data: memoryview) -> None:
    """Write UTF-8 ``data`` to ``out``: as bytes to the stream under a UTF-8 text stream, else as text."""
    binary = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if binary is not None and encoding and codecs.lookup(encoding).name == "utf-8":
        out.flush()  # type: ignore[attr-defined]
        binary.write(data)
    else:
        out.write(str(data, "utf-8"))
