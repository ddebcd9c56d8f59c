"""A Slack-compatible HTTP server on 127.0.0.1 for the alert tests.

It speaks the part of the Web API spacebrief uses (`chat.postMessage`,
`conversations.history`, `conversations.replies`, with bearer tokens, message metadata,
threads and cursors) and the incoming-webhook protocol, and it can be told to misbehave
for the next requests: answer 429 with Retry-After, 500, `invalid_auth`,
`channel_not_found`, `not_in_channel`, hang, or the nastiest one for exactly-once
delivery: store the post and then hang before answering (`store_then_hang`), so the
client never learns its message landed.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "xoxb-test-token"
CHANNEL = "C0ALERTS"
WEBHOOK_PATH = "/services/T000/B000/secret"


@dataclass
class Fault:
    kind: str  # ratelimit | server_error | invalid_auth | channel_not_found | not_in_channel
    #            | invalid_blocks | hang | store_then_hang | store_then_500
    retry_after: int = 1


@dataclass
class FakeSlack:
    token: str = TOKEN
    channels: tuple[str, ...] = (CHANNEL,)
    hang_seconds: float = 30.0
    messages: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, outcome)
    post_faults: deque[Fault] = field(default_factory=deque)
    read_faults: deque[Fault] = field(default_factory=deque)
    received: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _last_ts: float = 0.0
    _server: ThreadingHTTPServer | None = None

    # -------------------------------------------------------------- control
    def start(self) -> FakeSlack:
        fake = self

        class Handler(_Handler):
            slack = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def api_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    @property
    def webhook_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{WEBHOOK_PATH}"

    def fail_posts(self, *faults: str | Fault) -> None:
        self.post_faults.extend(f if isinstance(f, Fault) else Fault(f) for f in faults)

    def fail_reads(self, *faults: str | Fault) -> None:
        self.read_faults.extend(f if isinstance(f, Fault) else Fault(f) for f in faults)

    def keys(self) -> list[str]:
        """The spacebrief marker of every stored message, in posting order."""
        return [
            ((m.get("metadata") or {}).get("event_payload") or {}).get("message_key", "")
            for m in self.messages
        ]

    # -------------------------------------------------------------- behaviour
    def next_ts(self) -> str:
        with self._lock:
            self._last_ts = max(time.time(), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"

    def store(self, message: dict[str, Any]) -> dict[str, Any]:
        message = dict(message, ts=self.next_ts())
        with self._lock:
            self.messages.append(message)
        return message

    def hang(self) -> None:
        self.release.wait(self.hang_seconds)


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


class _Handler(BaseHTTPRequestHandler):
    slack: FakeSlack

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -------------------------------------------------------------- plumbing
    def _params(self) -> dict[str, Any]:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return query
        if "json" in (self.headers.get("Content-Type") or ""):
            return {**query, **json.loads(raw)}
        form = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
        for name in ("blocks", "metadata"):
            if isinstance(form.get(name), str):
                form[name] = json.loads(form[name])
        return {**query, **form}

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        try:
            self.send_response(status)
            ctype = "text/plain" if isinstance(body, str) else "application/json; charset=utf-8"
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout) or was killed

    def _fault(self, queue: deque[Fault]) -> Fault | None:
        with self.slack._lock:
            return queue.popleft() if queue else None

    # -------------------------------------------------------------- routes
    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def _route(self) -> None:
        path = urlsplit(self.path).path
        params = self._params()
        if path == WEBHOOK_PATH:
            return self._webhook(params)
        if not path.startswith("/api/"):
            return self._send(404, "no_service")
        method = path[len("/api/") :]
        auth = self.headers.get("Authorization") or ""
        if auth != f"Bearer {self.slack.token}":
            self.slack.requests.append((method, "invalid_auth"))
            return self._send(200, {"ok": False, "error": "invalid_auth"})
        if method == "chat.postMessage":
            return self._post_message(params)
        if method in ("conversations.history", "conversations.replies"):
            return self._read(method, params)
        self._send(200, {"ok": False, "error": "unknown_method"})

    def _common_fault(self, method: str, fault: Fault) -> bool:
        """Answer a fault that stores nothing; True when the request is answered."""
        self.slack.requests.append((method, fault.kind))
        if fault.kind == "ratelimit":
            self._send(
                429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)}
            )
        elif fault.kind == "server_error":
            self._send(500, {"ok": False, "error": "internal_error"})
        elif fault.kind in (
            "invalid_auth",
            "channel_not_found",
            "not_in_channel",
            "invalid_blocks",
        ):
            self._send(200, {"ok": False, "error": fault.kind})
        elif fault.kind == "hang":
            self.slack.received.set()
            self.slack.hang()
            self._send(500, {"ok": False, "error": "hung"})
        else:
            return False
        return True

    def _post_message(self, params: dict[str, Any]) -> None:
        channel = params.get("channel")
        fault = self._fault(self.slack.post_faults)
        if fault is not None and self._common_fault("chat.postMessage", fault):
            return
        if channel not in self.slack.channels:
            self.slack.requests.append(("chat.postMessage", "channel_not_found"))
            return self._send(200, {"ok": False, "error": "channel_not_found"})
        message = self.slack.store(
            {
                "channel": channel,
                "text": params.get("text"),
                "blocks": params.get("blocks"),
                "metadata": params.get("metadata"),
                "thread_ts": params.get("thread_ts"),
            }
        )
        if fault is not None and fault.kind == "store_then_hang":
            self.slack.requests.append(("chat.postMessage", "stored, then hung"))
            self.slack.received.set()
            self.slack.hang()
            return self._send(500, {"ok": False, "error": "hung"})
        if fault is not None and fault.kind == "store_then_500":
            self.slack.requests.append(("chat.postMessage", "stored, then 500"))
            return self._send(500, {"ok": False, "error": "internal_error"})
        self.slack.requests.append(("chat.postMessage", "ok"))
        self._send(200, {"ok": True, "channel": channel, "ts": message["ts"], "message": message})

    def _read(self, method: str, params: dict[str, Any]) -> None:
        fault = self._fault(self.slack.read_faults)
        if fault is not None and self._common_fault(method, fault):
            return
        channel = params.get("channel")
        if channel not in self.slack.channels:
            return self._send(200, {"ok": False, "error": "channel_not_found"})
        self.slack.requests.append((method, "ok"))
        oldest = float(params.get("oldest") or 0)
        with self.slack._lock:
            messages = [m for m in self.slack.messages if m["channel"] == channel]
        if method == "conversations.history":
            chosen = [m for m in messages if m["thread_ts"] in (None, m["ts"])]
            chosen.reverse()  # newest first, as Slack does
        else:
            root = params.get("ts")
            chosen = [m for m in messages if m["ts"] == root or m["thread_ts"] == root]
        chosen = [m for m in chosen if float(m["ts"]) >= oldest]
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 100)
        page = chosen[start : start + limit]
        with_metadata = _truthy(params.get("include_all_metadata"))
        out = [{k: v for k, v in m.items() if with_metadata or k != "metadata"} for m in page]
        more = start + limit < len(chosen)
        self._send(
            200,
            {
                "ok": True,
                "messages": out,
                "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""},
            },
        )

    def _webhook(self, params: dict[str, Any]) -> None:
        fault = self._fault(self.slack.post_faults)
        if fault is not None:
            self.slack.requests.append(("webhook", fault.kind))
            if fault.kind == "ratelimit":
                return self._send(429, "rate_limited", {"Retry-After": str(fault.retry_after)})
            if fault.kind == "server_error":
                return self._send(500, "rollup_error")
            if fault.kind == "invalid_auth":
                return self._send(403, "invalid_token")
            if fault.kind == "channel_not_found":
                return self._send(404, "channel_not_found")
            if fault.kind == "hang":
                self.slack.received.set()
                self.slack.hang()
                return self._send(500, "hung")
        message = self.slack.store(
            {
                "channel": "webhook",
                "text": params.get("text"),
                "blocks": params.get("blocks"),
                "metadata": None,
                "thread_ts": None,
            }
        )
        if fault is not None and fault.kind == "store_then_hang":
            self.slack.received.set()
            self.slack.hang()
            return self._send(500, "hung")
        self.slack.requests.append(("webhook", "ok"))
        del message
        self._send(200, "ok")
