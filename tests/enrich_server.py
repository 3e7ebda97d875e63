"""A local HTTP server on 127.0.0.1 that responds like arXiv, DBLP, OpenReview and Crossref with recorded files.

Each source lives under its own path prefix, so one server stands in for all four. Requests that
match no route get a 404, like an unknown DOI at Crossref.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "enrich"

ARXIV_PATH = "/arxiv/api/query"
DBLP_PATH = "/dblp/search/publ/api"
OPENREVIEW_PATH = "/openreview"
CROSSREF_PATH = "/crossref"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before responding, to provoke client timeouts


def fixture(name: str, status: int = 200, **headers: str) -> Reply:
    content_type = "application/atom+xml; charset=utf-8" if name.endswith(".xml") else "application/json"
    return Reply(status, (FIXTURES / name).read_bytes(), {"Content-Type": content_type, **headers})


@dataclass
class Route:
    path: str
    match: Callable[[dict[str, str]], bool]
    replies: list[Reply]
    calls: int = 0

    def next_reply(self) -> Reply:
        """The replies in turn; the last one repeats."""
        reply = self.replies[min(self.calls, len(self.replies) - 1)]
        self.calls += 1
        return reply


class FakeApi:
    """Start with ``with FakeApi() as api:``; ``api.url`` is the server's base URL."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                params = dict(parse_qsl(parts.query))
                reply = api._reply_for(path, params)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # server_close waits for the request threads, so none outlives the server: paperbib forks only in a
        # process with one thread, and later tests count its children.
        self.server.daemon_threads = False
        self.server.block_on_close = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FakeApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, path: str, match: Callable[[dict[str, str]], bool], *replies: Reply) -> Route:
        route = Route(path, match, list(replies))
        self.routes.append(route)
        return route

    def arxiv(self, ids: set[str], *replies: Reply) -> Route:
        return self.add(ARXIV_PATH, lambda params: set(params.get("id_list", "").split(",")) == ids, *replies)

    def dblp(self, query: str, *replies: Reply) -> Route:
        return self.add(DBLP_PATH, lambda params: params.get("q") == query, *replies)

    def openreview(self, forum: str, *replies: Reply) -> Route:
        return self.add(f"{OPENREVIEW_PATH}/notes", lambda params: params.get("id") == forum, *replies)

    def crossref(self, doi: str, *replies: Reply) -> Route:
        return self.add(f"{CROSSREF_PATH}/works/{doi}", lambda params: True, *replies)

    def cli_options(self) -> list[str]:
        """The paperbib enrich options that point every source at this server and drop the request spacing."""
        options = [
            f"--base-url=arxiv={self.url}{ARXIV_PATH}",
            f"--base-url=dblp={self.url}{DBLP_PATH}",
            f"--base-url=openreview={self.url}{OPENREVIEW_PATH}",
            f"--base-url=openreview-v1={self.url}/openreview-v1",
            f"--base-url=crossref={self.url}{CROSSREF_PATH}",
        ]
        return options + [f"--delay={name}=0" for name in ("arxiv", "dblp", "openreview", "crossref")]

    def _reply_for(self, path: str, params: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append((path, params))
            for route in self.routes:
                if route.path == path and route.match(params):
                    return route.next_reply()
        return Reply(404, b"Resource not found.", {"Content-Type": "text/plain"})

    def count(self, path: str) -> int:
        return sum(1 for requested, _ in self.requests if requested == path)


def standard_routes(api: FakeApi) -> None:
    """Routes for every paper of fixtures/enrich/papers.md, each with a response to the first request."""
    api.arxiv({"2401.01111", "2402.03333", "2305.02222"}, fixture("arxiv_batch.xml"))
    api.dblp("sparse token routing for efficient decoding", fixture("dblp_sparse_token_routing.json"))
    api.dblp("learning to compress prompts", fixture("dblp_two_candidates.json"))
    api.dblp("pruning heads without retraining", fixture("dblp_pruning_heads.json"))
    api.dblp("quantised adapters revisited", fixture("dblp_other_venue_only.json"))
    api.dblp("distilling sparse experts", fixture("dblp_title_differs.json"))
    api.openreview("SpTkRt01xA", fixture("openreview_note.json"))
    api.crossref("10.18653/v1/2023.acl-long.901", fixture("crossref_work.json"))
