"""The HTTP client of paperbib enrich: retries, back-off, Retry-After, request spacing and errors."""

from __future__ import annotations

import pytest

from enrich_server import FakeApi, Reply
from paperbib.enrich.http import FetchError, HttpClient


class FakeClock:
    """A clock that only moves when the client sleeps, so spacing is checked without real waiting."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def api():
    with FakeApi() as server:
        yield server


def client(clock: FakeClock, **options) -> HttpClient:
    return HttpClient(timeout=2.0, sleep=clock.sleep, clock=clock, **options)


def test_http_retry_after_is_used(api):
    api.add("/x", lambda params: True, Reply(429, headers={"Retry-After": "7"}), Reply(200, b"done"))
    clock = FakeClock()
    assert client(clock, backoff=0.5).get(f"{api.url}/x") == b"done"
    assert clock.sleeps == [7.0]


def test_http_backoff_doubles_on_5xx(api):
    api.add("/x", lambda params: True, Reply(500), Reply(502), Reply(503), Reply(200, b"done"))
    clock = FakeClock()
    assert client(clock, retries=3, backoff=0.5).get(f"{api.url}/x") == b"done"
    assert clock.sleeps == [0.5, 1.0, 2.0]


def test_http_gives_up_after_retries(api):
    api.add("/x", lambda params: True, Reply(503))
    clock = FakeClock()
    with pytest.raises(FetchError) as raised:
        client(clock, retries=2, backoff=0.1).get(f"{api.url}/x", {"q": "a b"})
    assert raised.value.status == 503
    assert "HTTP status 503" in str(raised.value)
    assert "/x?q=a+b" in str(raised.value)
    assert api.count("/x") == 3


def test_http_404_not_retried(api):
    clock = FakeClock()
    with pytest.raises(FetchError) as raised:
        client(clock, retries=3).get(f"{api.url}/missing")
    assert raised.value.status == 404
    assert api.count("/missing") == 1
    assert clock.sleeps == []


def test_http_long_retry_after_fails(api):
    api.add("/x", lambda params: True, Reply(429, headers={"Retry-After": "3600"}))
    clock = FakeClock()
    with pytest.raises(FetchError, match="asks to wait 3600 s"):
        client(clock).get(f"{api.url}/x")
    assert clock.sleeps == []


def test_http_min_interval_spaces_requests(api):
    api.add("/x", lambda params: True, Reply(200, b"ok"))
    clock = FakeClock()
    http = client(clock, min_interval=3.0)
    http.get(f"{api.url}/x")
    http.get(f"{api.url}/x")
    http.get(f"{api.url}/x")
    assert clock.sleeps == [3.0, 3.0]
    assert http.requests == 3


def test_http_timeout_raises(api):
    api.add("/slow", lambda params: True, Reply(200, b"late", delay=1.0))
    http = HttpClient(timeout=0.2, retries=1, backoff=0.01)
    with pytest.raises(FetchError, match=r"timed out after 0\.2 s"):
        http.get(f"{api.url}/slow")
    assert http.requests == 2


def test_http_connection_refused():
    with FakeApi() as server:
        url = server.url
    clock = FakeClock()
    with pytest.raises(FetchError, match="connection failed"):
        client(clock, retries=1, backoff=0.01).get(f"{url}/x")
    assert clock.sleeps == [0.01]
