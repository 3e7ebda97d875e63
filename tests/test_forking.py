"""The forked-child primitive: bytes come back, failures come back as None, the child never unwinds."""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import no_children_left
from paperbib import forking

pytestmark = pytest.mark.skipif(not forking.can_fork(), reason="forking a child needs Linux and two cores")


@pytest.fixture(autouse=True)
def idle_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork whatever else runs on the machine, so that the tests do not depend on its load."""
    monkeypatch.setattr(forking, "core_free", lambda: True)


def test_start_child_returns_its_bytes() -> None:
    numbers = list(range(300_000))  # made before the fork, so the child has them without input
    call = forking.start(lambda: ",".join(map(str, numbers)).encode())
    assert call is not None
    data = call.result()
    assert data is not None
    assert data.split(b",")[-1] == b"299999"
    assert len(data) > 1 << 20  # more than one pipe buffer and one read chunk


def test_start_failing_function_gives_none() -> None:
    def fail() -> bytes:
        raise ValueError("in the child")

    call = forking.start(fail)
    assert call is not None
    assert call.result() is None


def test_start_child_runs_no_caller_finally(tmp_path: Path) -> None:
    marker = tmp_path / "finally-ran"
    try:
        call = forking.start(lambda: b"done")
        assert call is not None
        assert call.result() == b"done"
    finally:
        # Only this process may get here; a child that unwound would write the marker a second time.
        with marker.open("a") as handle:
            handle.write(f"{os.getpid()}\n")
    assert marker.read_text().splitlines() == [str(os.getpid())]


def test_cancel_stops_a_child_that_still_runs() -> None:
    def forever() -> bytes:
        while True:
            time.sleep(0.01)

    call = forking.start(forever)
    assert call is not None
    started = time.monotonic()
    call.cancel()
    assert time.monotonic() - started < 5
    with pytest.raises(ProcessLookupError):
        os.kill(call.pid, 0)  # reaped, so the pid no longer exists
    assert call.result() is None


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forking.can_fork()
        assert forking.start(lambda: b"x") is None
    finally:
        stop.set()
        thread.join()


@pytest.fixture
def sigchld_ignored() -> Iterator[None]:
    """SIGCHLD ignored, as a launcher that ignores it passes on through exec: the kernel reaps children."""
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGCHLD, previous)


def test_result_when_children_are_reaped_elsewhere(sigchld_ignored: None) -> None:
    call = forking.start(lambda: b"x" * 3_000_000)
    assert call is not None
    time.sleep(0.2)  # let the child exit and be reaped before the parent waits for it
    data = call.result()
    assert data is not None
    assert len(data) == 3_000_000


def test_failure_when_children_are_reaped_elsewhere(sigchld_ignored: None) -> None:
    def fail() -> bytes:
        raise ValueError("in the child")

    call = forking.start(fail)
    assert call is not None
    assert call.result() is None


def test_host_reaper_leaves_result_intact() -> None:
    def reap(signum: int, frame: object) -> None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(-1, os.WNOHANG)

    previous = signal.signal(signal.SIGCHLD, reap)
    try:
        call = forking.start(lambda: b"reaped")
        assert call is not None
        time.sleep(0.2)
        assert call.result() == b"reaped"
    finally:
        signal.signal(signal.SIGCHLD, previous)


def test_interrupted_wait_stops_the_child() -> None:
    def forever() -> bytes:
        while True:
            time.sleep(0.01)

    class Interrupted(Exception):
        pass

    def interrupt(signum: int, frame: object) -> None:
        raise Interrupted

    call = forking.start(forever)
    assert call is not None
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    started = time.monotonic()
    try:
        with pytest.raises(Interrupted):
            call.result()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 5
    with pytest.raises(ProcessLookupError):
        os.kill(call.pid, 0)


def test_start_keeps_a_hosts_frozen_objects() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        call = forking.start(lambda: b"ok")
        assert call is not None
        assert call.result() == b"ok"
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_start_no_child_when_cores_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forking, "core_free", lambda: False)
    assert not forking.child_helps()
    assert forking.start(lambda: b"x") is None


def test_follow_response_from_child_state() -> None:
    state: dict[str, bytes] = {}

    def compute() -> bytes:
        state["computed"] = b"in the child"  # only the child's memory gets it
        return b"first"

    call = forking.start(compute, follow=lambda: lambda request: state["computed"] + b" " + request)
    assert call is not None
    assert call.result() == b"first"
    call.ask(b"x" * (3 << 20))  # larger than a pipe buffer
    response = call.result()
    assert response is not None
    assert response.startswith(b"in the child xxx")
    assert len(response) == len(b"in the child ") + (3 << 20)
    assert state == {}
    assert no_children_left()


def test_follow_not_asked_then_cancelled() -> None:
    call = forking.start(lambda: b"first", follow=lambda: lambda request: request)
    assert call is not None
    assert call.result() == b"first"
    call.cancel()
    assert no_children_left()
    assert call.result() is None


def test_ask_before_first_result_refused() -> None:
    call = forking.start(lambda: b"first", follow=lambda: lambda request: request)
    assert call is not None
    try:
        with pytest.raises(RuntimeError, match="no request now"):
            call.ask(b"too early")
    finally:
        call.cancel()
    assert no_children_left()


def test_call_without_follow_takes_no_request() -> None:
    call = forking.start(lambda: b"only")
    assert call is not None
    assert call.result() == b"only"
    with pytest.raises(RuntimeError, match="no request now"):
        call.ask(b"request")


def test_failing_follow_gives_none() -> None:
    def fail(request: bytes) -> bytes:
        raise ValueError("in the child")

    call = forking.start(lambda: b"first", follow=lambda: fail)
    assert call is not None
    assert call.result() == b"first"
    call.ask(b"request")
    assert call.result() is None
    assert no_children_left()


def test_ask_a_child_that_is_gone() -> None:
    call = forking.start(lambda: b"first", follow=lambda: lambda request: request)
    assert call is not None
    assert call.result() == b"first"
    os.kill(call.pid, signal.SIGKILL)
    call.ask(b"x" * (1 << 20))  # larger than a pipe buffer: the write fails once the child is gone
    assert call.result() is None
    assert no_children_left()


def test_ask_does_not_wait_for_busy_child() -> None:
    """The request goes out while the child still works ahead: ask returns before the child reads it."""
    go_reader, go_writer = os.pipe()

    def busy() -> Callable[[bytes], bytes]:
        # Stands for work ahead that lasts until this process has returned from ask, or 10 s.
        ready, _, _ = select.select([go_reader], [], [], 10)
        outcome = b"went" if ready else b"timed out"
        return lambda request: outcome + b" " + str(len(request)).encode()

    call = forking.start(lambda: b"first", follow=busy)
    assert call is not None
    try:
        assert call.result() == b"first"
        call.ask(b"x" * (4 << 20))  # far more than a pipe buffer
        os.write(go_writer, b"go")
        assert call.result() == b"went " + str(4 << 20).encode()
    finally:
        os.close(go_reader)
        os.close(go_writer)
    assert threading.active_count() == 1
    assert no_children_left()


def test_message_in_parts_arrives_whole() -> None:
    parts = [b"head;", b"", b"x" * (3 << 20), b";tail"]
    expected = b"".join(parts)
    call = forking.start(lambda: list(parts), follow=lambda: lambda request: [request, b"+", request])
    assert call is not None
    assert call.result() == expected
    call.ask(b"again")
    assert call.result() == b"again+again"
