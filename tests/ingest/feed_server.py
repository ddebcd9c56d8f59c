"""A real HTTP server on 127.0.0.1 that serves feeds the way the wild web does.

Reusable by any test (and by bench/ingest.py):

    with FeedServer() as server:
        server.serve("/feed.xml", rss_feed("Agency news", [entry(1), entry(2)]), etag='"v1"')
        ... ingest server.url("/feed.xml") ...
        server.serve("/feed.xml", rss_feed("Agency news", [entry(1), entry(2), entry(3)]),
                     etag='"v2"')          # the feed gains an item
        assert server.hits("/feed.xml") == 2

Each route can answer slowly, trickle its body, compress it (gzip, br), redirect, fail
its first N requests with a status and Retry-After, and honours If-None-Match /
If-Modified-Since with 304 when given an ETag / Last-Modified. Every request is recorded.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import brotli

RSS_TYPE = "application/rss+xml; charset=utf-8"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = RSS_TYPE
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    chunk_size: int = 0
    chunk_delay: float = 0.0
    encoding: str | None = None
    redirect_to: str | None = None
    fail_first: int = 0
    fail_status: int = 503
    retry_after: str | None = None
    declared_length: int | None = None
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: Mapping[str, str]
    at: float


class FeedServer:
    """Threaded; start with `with FeedServer() as server:` (or `.start()` / `.stop()`)."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> FeedServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self), bind_and_activate=False)
        server.daemon_threads = True
        server.request_queue_size = 512
        server.allow_reuse_address = True
        server.server_bind()
        server.server_activate()
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def port(self) -> int:
        assert self._server is not None, "start the server first"
        return int(self._server.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes | str = b"", **options: object) -> Route:
        """Serve `body` at `path` (replacing what was there); options are `Route` fields."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        route = Route(body=data, **options)  # type: ignore[arg-type]
        with self._lock:
            self._routes[path] = route
        return route

    def hits(self, path: str) -> int:
        with self._lock:
            return self._hits.get(path, 0)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _take(self, path: str, headers: Mapping[str, str]) -> tuple[Route | None, int]:
        with self._lock:
            self._hits[path] = self._hits.get(path, 0) + 1
            self.requests.append(RecordedRequest(path, dict(headers), time.monotonic()))
            return self._routes.get(path), self._hits[path]


def _handler_for(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            route, hit = server._take(self.path, headers)
            if route is None:
                self._send(404, b"not found", {"Content-Type": "text/plain"})
                return
            if route.delay:
                time.sleep(route.delay)
            if route.handler:
                route.handler(self)
                return
            if hit <= route.fail_first:
                extra = {"Retry-After": route.retry_after} if route.retry_after else {}
                self._send(route.fail_status, b"try later", {"Content-Type": "text/plain", **extra})
                return
            if route.redirect_to:
                self._send(302, b"", {"Location": route.redirect_to})
                return
            validators = {}
            if route.etag:
                validators["ETag"] = route.etag
            if route.last_modified:
                validators["Last-Modified"] = route.last_modified
            if (route.etag and headers.get("if-none-match") == route.etag) or (
                route.last_modified
                and not route.etag
                and headers.get("if-modified-since") == route.last_modified
            ):
                self._send(304, b"", {**validators, **route.headers})
                return
            body = route.body
            out = {**validators, **route.headers}
            if route.content_type:
                out["Content-Type"] = route.content_type
            if route.encoding == "gzip":
                body = gzip.compress(body)
                out["Content-Encoding"] = "gzip"
            elif route.encoding == "br":
                body = brotli.compress(body)
                out["Content-Encoding"] = "br"
            self._send(
                route.status, body, out, route.chunk_size, route.chunk_delay, route.declared_length
            )

        def _send(
            self,
            status: int,
            body: bytes,
            headers: Mapping[str, str],
            chunk_size: int = 0,
            chunk_delay: float = 0.0,
            declared_length: int | None = None,
        ) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                length = len(body) if declared_length is None else declared_length
                if status != 304:
                    self.send_header("Content-Length", str(length))
                self.end_headers()
                if status == 304:
                    return
                if not chunk_size:
                    self.wfile.write(body)
                    return
                for start in range(0, len(body), chunk_size):
                    self.wfile.write(body[start : start + chunk_size])
                    self.wfile.flush()
                    time.sleep(chunk_delay)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    return Handler


def entry(
    n: int,
    *,
    title: str | None = None,
    summary: str | None = None,
    link: str | None = None,
    published: datetime | None = None,
) -> dict[str, object]:
    """A feed entry with distinct, deterministic text."""
    return {
        "title": title or f"Story number {n} about a satellite launch",
        "summary": summary
        or f"Agency report {n}: the launch of mission {n} went ahead as planned on day {n}.",
        "link": link or f"https://news.example.org/stories/{n}",
        "guid": f"story-{n}",
        "published": published or datetime(2026, 11, 1, 12, n % 60, tzinfo=UTC),
    }


def rss_feed(
    title: str,
    entries: Iterable[Mapping[str, object]],
    *,
    language: str | None = "en",
    encoding: str = "utf-8",
) -> bytes:
    """An RSS 2.0 document (bytes in `encoding`) holding the entries."""
    items = []
    for e in entries:
        published = e.get("published")
        date = (
            f"<pubDate>{format_datetime(published)}</pubDate>"
            if isinstance(published, datetime)
            else ""
        )
        guid = ""
        if e.get("guid"):
            guid = f'<guid isPermaLink="false">{escape(str(e["guid"]))}</guid>'
        link = f"<link>{escape(str(e['link']))}</link>" if e.get("link") else ""
        items.append(
            f"<item><title>{escape(str(e.get('title', '')))}</title>{link}{guid}"
            f"<description>{escape(str(e.get('summary', '')))}</description>{date}</item>"
        )
    lang = f"<language>{language}</language>" if language else ""
    document = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example.org/</link>"
        f"<description>Test feed</description>{lang}{''.join(items)}</channel></rss>\n"
    )
    return document.encode(encoding)
