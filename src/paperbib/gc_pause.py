"""Pausing Python's cyclic garbage collector while one large list is read and written."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc(freeze: bool = False) -> Iterator[None]:
    """Disable the cyclic collector inside the block and restore its previous state after it.

    Reading a list allocates a few container objects per paper and frees almost none until the
    end, so the collector's full passes walk every record again and again. On a generated list of
    100,000 papers, reading and the steps took about twice as long with the collector on (each
    stage timed with and without it, on the 2-core machine of docs/benchmarks.md). Records have
    no reference cycles, and anything cyclic made in the block is collected once the collector
    runs again.

    With ``freeze``, the objects that exist when the block ends are frozen (``gc.freeze``) before the
    collector is enabled: they are never collected. That suits a command that ends soon after: its
    first collection would otherwise walk every object made in the block, which took about 10 ms
    after an export of 10,000 generated papers.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()
