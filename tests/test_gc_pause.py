"""Pausing the cyclic collector around a large job, and freezing what the job made."""

from __future__ import annotations

import gc
import weakref

import pytest

from paperbib.gc_pause import paused_gc


class _Node:
    def __init__(self) -> None:
        self.itself = self


@pytest.fixture
def collector_state():
    """Leave the collector as it was: enabled or not, nothing frozen by the test."""
    was_enabled = gc.isenabled()
    frozen = gc.get_freeze_count()
    gc.enable()
    yield
    if gc.get_freeze_count() > frozen:
        gc.unfreeze()
    if not was_enabled:
        gc.disable()


def test_paused_inside_enabled_after(collector_state: None):
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_disabled_collector_stays_disabled(collector_state: None):
    gc.disable()
    with paused_gc(freeze=True):
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_cycle_made_inside_collected_after(collector_state: None):
    with paused_gc():
        node = weakref.ref(_Node())
    assert node() is not None  # only the collector frees a cycle
    gc.collect()
    assert node() is None


def test_freeze_keeps_what_the_block_made(collector_state: None):
    before = gc.get_freeze_count()
    with paused_gc(freeze=True):
        node = weakref.ref(_Node())
    assert gc.isenabled()
    assert gc.get_freeze_count() > before
    gc.collect()
    assert node() is not None  # frozen: the collector no longer looks at it
    gc.unfreeze()
    gc.collect()
    assert node() is None


def test_freeze_after_an_exception(collector_state: None):
    before = gc.get_freeze_count()
    with pytest.raises(ValueError), paused_gc(freeze=True):
        raise ValueError("in the block")
    assert gc.isenabled()
    assert gc.get_freeze_count() > before
