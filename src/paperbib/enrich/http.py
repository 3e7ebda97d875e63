"""A small HTTP GET client for the metadata services: timeouts, retries with back-off, request spacing."""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from email.message import Message
from urllib.parse import urlencode, urlsplit

from paperbib import __version__

logger = logging.getLogger(__name__)

USER_AGENT = f"paperbib/{__version__} (bibliography enrichment; https://pypi.org/project/paperbib/)"
# A Retry-After longer than this is not waited for; the request counts as failed instead.
MAX_RETRY_AFTER = 120.0
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class FetchError(Exception):
    """A request failed for good: network error, timeout, or an HTTP error status after all retries."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


class HttpClient:
    """GET requests to one service.

    Consecutive requests start at least ``min_interval`` seconds apart (arXiv's API terms require three seconds).
    Responses with status 429 or 5xx, timeouts and connection errors are retried up to ``retries`` times,
    after the server's Retry-After when it sends one, else after ``backoff * 2**attempt`` seconds.
    """

    def __init__(
        self,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 1.0,
        min_interval: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.min_interval = min_interval
        self._sleep = sleep
        self._clock = clock
        self._last_request: float | None = None
        self.requests = 0  # requests sent, retries included

    def get(self, url: str, params: Mapping[str, str] | None = None) -> bytes:
        """Return the body of a 200 response to ``url`` with the query ``params``.

        Raises FetchError after the last retry; a 404 is raised at once with ``status`` 404.
        """
        full_url = f"{url}?{urlencode(params)}" if params else url
        attempt = 0
        while True:
            self._wait_for_turn()
            try:
                return self._send(full_url)
            except urllib.error.HTTPError as error:
                status = error.code
                retry_after = _retry_after(error.headers)
                error.close()
                if not (status == 429 or 500 <= status <= 599) or attempt >= self.retries:
                    raise FetchError(full_url, f"HTTP status {status} {error.reason}", status) from None
                delay = retry_after if retry_after is not None else self.backoff * 2**attempt
                if delay > MAX_RETRY_AFTER:
                    raise FetchError(
                        full_url, f"HTTP status {status}; the server asks to wait {delay:.0f} s", status
                    ) from None
                logger.info("HTTP status %d from %s; retrying in %.1f s", status, full_url, delay)
            except TimeoutError as error:
                if attempt >= self.retries:
                    raise FetchError(full_url, f"timed out after {self.timeout:g} s") from error
                delay = self.backoff * 2**attempt
                logger.info("request to %s timed out; retrying in %.1f s", full_url, delay)
            except urllib.error.URLError as error:
                reason = error.reason
                timed_out = isinstance(reason, TimeoutError)
                if attempt >= self.retries:
                    text = f"timed out after {self.timeout:g} s" if timed_out else f"connection failed: {reason}"
                    raise FetchError(full_url, text) from None
                delay = self.backoff * 2**attempt
                logger.info("request to %s failed (%s); retrying in %.1f s", full_url, reason, delay)
            except OSError as error:
                # Connection resets and similar errors raised while the body is read.
                if attempt >= self.retries:
                    raise FetchError(full_url, f"connection failed: {error}") from None
                delay = self.backoff * 2**attempt
                logger.info("request to %s failed (%s); retrying in %.1f s", full_url, error, delay)
            attempt += 1
            self._sleep(delay)

    def _send(self, url: str) -> bytes:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
        opener = _opener_for(url)
        self.requests += 1
        self._last_request = self._clock()
        logger.debug("GET %s", url)
        with opener.open(request, timeout=self.timeout) as response:
            return response.read()

    def _wait_for_turn(self) -> None:
        if self._last_request is None or self.min_interval <= 0:
            return
        remaining = self._last_request + self.min_interval - self._clock()
        if remaining > 0:
            self._sleep(remaining)


def _opener_for(url: str) -> urllib.request.OpenerDirector:
    """Return an opener that honours proxy settings from the environment, except for loopback addresses."""
    host = (urlsplit(url).hostname or "").lower()
    if host in _LOOPBACK_HOSTS:
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def _retry_after(headers: Message | None) -> float | None:
    """Return the Retry-After header in seconds, or None when it is missing or an HTTP date."""
    if headers is None:
        return None
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None
