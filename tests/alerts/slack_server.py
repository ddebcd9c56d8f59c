"""A Slack-compatible HTTP server on 127.0.0.1 for the alert tests.

It speaks the part of the Web API spacebrief uses (`chat.postMessage`,
`conversations.history`, `conversations.replies`, with bearer tokens, message metadata,
threads and cursors) and the incoming-webhook protocol, and it can be told to misbehave
for the next requests: answer 429 with Retry-After, 500, `invalid_auth`,
`channel_not_found`, `not_in_channel`, hang, or the nastiest one for exactly-once
delivery: store the post and then hang before answering (`store_then_hang`), so the
client never learns its message landed.

It also speaks Socket Mode: `apps.connections.open` (app token) returns a ws:// URL on
127.0.0.1 served by `websockets`; a connection gets `hello`, then every envelope not yet
acked, as Slack does after a reconnect. `click()` sends an `interactive` envelope with
a `block_actions` payload shaped as Slack sends it; `drop()` cuts the connection;
`chat.update` and `chat.postEphemeral` change and record messages.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test-app-token"
CHANNEL = "C0ALERTS"
WEBHOOK_PATH = "/services/T000/B000/secret"


@dataclass
class Fault:
    kind: str  # ratelimit | server_error | invalid_auth | channel_not_found | not_in_channel
    #            | invalid_blocks | hang | store_then_hang | store_then_500
    retry_after: int | str = 1  # the Retry-After header: seconds, or an HTTP date


@dataclass
class FakeSlack:
    token: str = TOKEN
    channels: tuple[str, ...] = (CHANNEL,)
    hang_seconds: float = 30.0
    post_delay_seconds: float = 0.0  # each post takes this long, so deliveries overlap
    messages: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, outcome)
    post_faults: deque[Fault] = field(default_factory=deque)
    read_faults: deque[Fault] = field(default_factory=deque)
    received: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _last_ts: float = 0.0
    _server: ThreadingHTTPServer | None = None
    # Socket Mode
    app_token: str = APP_TOKEN
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    unacked: dict[str, dict[str, Any]] = field(default_factory=dict)  # envelope id -> envelope
    acked: dict[str, float] = field(default_factory=dict)  # envelope id -> when
    sent_at: dict[str, float] = field(default_factory=dict)  # envelope id -> first send
    connections: int = 0
    refuse_connections: int = 0  # apps.connections.open fails this many more times
    ack_lost: set[str] = field(default_factory=set)  # envelope ids whose ack Slack "misses"
    _ws: ServerConnection | None = None
    _ws_server: Any = None

    # -------------------------------------------------------------- control
    def start(self) -> FakeSlack:
        fake = self

        class Handler(_Handler):
            slack = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self._ws_server = serve(self._socket_mode, "127.0.0.1", 0, ping_interval=None)
        threading.Thread(target=self._ws_server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._ws_server is not None:
            self.drop()
            self._ws_server.shutdown()
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

    # -------------------------------------------------------------- Socket Mode
    @property
    def ws_url(self) -> str:
        port = self._ws_server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket={uuid.uuid4().hex}&app_id=A0SPACE"

    def connected(self) -> bool:
        return self._ws is not None

    def click(
        self, message: dict[str, Any], action: str, user_id: str = "U0ANA", user_name: str = "ana"
    ) -> str:
        """Press a button of a stored message; returns the envelope id. Queued (and sent
        on the next connection) when no client is connected, as Slack does."""
        button = next(
            e
            for b in message.get("blocks") or []
            if b.get("type") == "actions"
            for e in b["elements"]
            if e["action_id"].endswith(":" + action)
        )
        now = f"{time.time():.6f}"
        payload = {
            "type": "block_actions",
            "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": "T0SB"},
            "api_app_id": "A0SPACE",
            "token": "verification-token-unused",
            "container": {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": message["channel"],
                "is_ephemeral": False,
            },
            "trigger_id": f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:12]}",
            "team": {"id": "T0SB", "domain": "spacebrief-test"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": message["channel"], "name": "alerts"},
            "message": {
                "type": "message",
                "user": "U0BOT",
                "ts": message["ts"],
                "text": message.get("text"),
                "blocks": message.get("blocks"),
            },
            "state": {"values": {}},
            "response_url": "http://127.0.0.1:9/actions/T0SB/1/unused",
            "actions": [
                {
                    "action_id": button["action_id"],
                    "block_id": "spacebrief_feedback",
                    "text": button["text"],
                    "value": button["value"],
                    "style": button.get("style"),
                    "type": "button",
                    "action_ts": now,
                }
            ],
        }
        envelope = {
            "envelope_id": str(uuid.uuid4()),
            "payload": payload,
            "type": "interactive",
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        with self._lock:
            self.unacked[envelope["envelope_id"]] = envelope
            ws = self._ws
        if ws is not None:
            self._send_envelope(ws, envelope)
        return envelope["envelope_id"]

    def redeliver(self, envelope_id: str) -> None:
        """Deliver an envelope again, as Slack does when an ack arrived late."""
        with self._lock:
            envelope = self.unacked.get(envelope_id)
            ws = self._ws
        if envelope is None:  # acked already: Slack missed the ack, sends it anyway
            envelope = dict(self._envelopes[envelope_id], retry_reason="timeout")
        if ws is not None:
            self._send_envelope(ws, envelope)

    @property
    def _envelopes(self) -> dict[str, dict[str, Any]]:
        return self.__dict__.setdefault("_all_envelopes", {})

    def _send_envelope(self, ws: ServerConnection, envelope: dict[str, Any]) -> None:
        with self._lock:
            self._envelopes[envelope["envelope_id"]] = envelope
            self.sent_at.setdefault(envelope["envelope_id"], time.perf_counter())
        with contextlib.suppress(ConnectionClosed):  # unacked: sent again on reconnect
            ws.send(json.dumps(envelope))

    def drop(self) -> None:
        """Cut the connection without a goodbye, as a network failure would."""
        with self._lock:
            ws, self._ws = self._ws, None
        if ws is not None:
            ws.socket.close()

    def _socket_mode(self, ws: ServerConnection) -> None:
        with self._lock:
            self._ws = ws
            self.connections += 1
            pending = list(self.unacked.values())
        ws.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "applink-test", "approximate_connection_time": 3600},
                    "connection_info": {"app_id": "A0SPACE"},
                }
            )
        )
        for envelope in pending:
            envelope = dict(envelope, retry_attempt=envelope["retry_attempt"] + 1)
            envelope["retry_reason"] = "timeout"
            self._send_envelope(ws, envelope)
        try:
            for raw in ws:
                message = json.loads(raw)
                envelope_id = message.get("envelope_id")
                if envelope_id:
                    with self._lock:
                        if envelope_id in self.ack_lost:
                            self.ack_lost.discard(envelope_id)
                            continue
                        self.unacked.pop(envelope_id, None)
                        self.acked.setdefault(envelope_id, time.perf_counter())
        except (ConnectionClosed, OSError):
            pass
        finally:
            with self._lock:
                if self._ws is ws:
                    self._ws = None

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
        if method == "apps.connections.open":
            return self._connections_open(auth)
        if auth != f"Bearer {self.slack.token}":
            self.slack.requests.append((method, "invalid_auth"))
            return self._send(200, {"ok": False, "error": "invalid_auth"})
        if method == "chat.postMessage":
            return self._post_message(params)
        if method in ("conversations.history", "conversations.replies"):
            return self._read(method, params)
        if method == "chat.update":
            return self._update(params)
        if method == "chat.postEphemeral":
            self.slack.ephemerals.append(params)
            return self._send(200, {"ok": True, "message_ts": self.slack.next_ts()})
        self._send(200, {"ok": False, "error": "unknown_method"})

    def _connections_open(self, auth: str) -> None:
        if auth != f"Bearer {self.slack.app_token}":
            return self._send(200, {"ok": False, "error": "invalid_auth"})
        with self.slack._lock:
            refuse = self.slack.refuse_connections > 0
            self.slack.refuse_connections -= 1 if refuse else 0
        if refuse:
            self.slack.requests.append(("apps.connections.open", "server_error"))
            return self._send(500, {"ok": False, "error": "internal_error"})
        self.slack.requests.append(("apps.connections.open", "ok"))
        self._send(200, {"ok": True, "url": self.slack.ws_url})

    def _update(self, params: dict[str, Any]) -> None:
        with self.slack._lock:
            found = [
                m
                for m in self.slack.messages
                if m["channel"] == params.get("channel") and m["ts"] == params.get("ts")
            ]
            for message in found:
                message["blocks"] = params.get("blocks")
                message["text"] = params.get("text")
            self.slack.updates.append(params)
        if not found:
            return self._send(200, {"ok": False, "error": "message_not_found"})
        self._send(200, {"ok": True, "channel": params["channel"], "ts": params["ts"]})

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
        time.sleep(self.slack.post_delay_seconds)
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
