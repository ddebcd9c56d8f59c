"""Who may teach, and proof that a form was sent from the reading room's own page.

Sign-in: the analyst gives the feedback token and a name; the reading room answers with
a cookie holding the name, the time and an HMAC of both keyed by the token (never the
token itself), HttpOnly and SameSite=Strict, valid `SESSION_HOURS`. Changing the token
signs everyone out.

Every form that writes carries a fresh nonce and an HMAC of (session, nonce): a page on
another site can neither read nor forge it, and SameSite=Strict keeps the cookie off
cross-site posts anyway. The nonce is also the click's identity, so a form sent twice
(a double click, a reload) is one click, written once. A request whose Origin or
Sec-Fetch-Site names another site is refused before any of that.

Every response carries a Content-Security-Policy with no script source at all: feed text
is escaped on every page, and if a mistake ever let markup through, no script could run.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from hashlib import sha256
from typing import Any
from urllib.parse import quote

from starlette.requests import cookie_parser

SESSION_COOKIE = "spacebrief_room"
SESSION_HOURS = 12
NAME = re.compile(r"[\w .@-]{1,40}")

STRICT_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
EDITION_POLICY = (  # the edition file is one self-contained page: inline CSS and SVG
    "default-src 'none'; style-src 'unsafe-inline' 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@dataclass(frozen=True)
class Session:
    analyst: str  # as recorded: web:<name>
    signature: str


def _mac(token: str, *parts: str) -> str:
    return hmac.new(token.encode(), "\x1f".join(parts).encode(), sha256).hexdigest()


def analyst_of(name: str) -> str | None:
    """`web:<name>` for a name of 1-40 letters, digits, spaces, `.@-_`; else None."""
    cleaned = " ".join(name.split())
    return f"web:{cleaned}" if NAME.fullmatch(cleaned) else None


def token_matches(token: str, given: str) -> bool:
    return hmac.compare_digest(token.encode(), given.strip().encode())


def session_cookie(token: str, analyst: str, now: float | None = None) -> str:
    issued = str(int(now if now is not None else time.time()))
    name = base64.urlsafe_b64encode(analyst.encode()).decode().rstrip("=")
    return f"{name}.{issued}.{_mac(token, 'session', analyst, issued)}"


def read_session(token: str | None, value: str | None, now: float | None = None) -> Session | None:
    """The signed-in analyst, if the cookie is one this token signed and still fresh."""
    if not token or not value or value.count(".") != 2:
        return None
    name, issued, signature = value.split(".")
    try:
        analyst = base64.urlsafe_b64decode((name + "=" * (-len(name) % 4)).encode()).decode()
        age = (now if now is not None else time.time()) - int(issued)
    except ValueError:
        return None
    if not 0 <= age <= SESSION_HOURS * 3600:
        return None
    if not hmac.compare_digest(signature, _mac(token, "session", analyst, issued)):
        return None
    return Session(analyst, signature)


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def csrf_token(token: str, session: Session, nonce: str) -> str:
    return _mac(token, "csrf", session.signature, nonce)


def csrf_matches(token: str, session: Session, nonce: str, given: str) -> bool:
    return bool(nonce) and hmac.compare_digest(given, csrf_token(token, session, nonce))


def same_site(headers: MutableMapping[str, str] | Any, host: str) -> bool:
    """False when the browser says the request comes from another site."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site not in (None, "same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None:  # not a browser's cross-site request: those always say their origin
        return True
    if origin == "null":  # an opaque origin: trust it only where the browser says same-origin
        return fetch_site == "same-origin"
    return origin.split("://", 1)[-1].lower() == host.lower()


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # no referrer leaves for other sites (an article's outlet learns nothing of the room);
    # same-origin keeps the browser's Origin header on the room's own forms
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


OPEN_PATHS = ("/login", "/room.css")


class RoomSecurity:
    """ASGI middleware: refuse unknown Host names, send a reader who must sign in first
    (`read_token`: the room serves beyond loopback) to the sign-in page, and add the
    security headers (the strict policy unless a page chose the edition's)."""

    def __init__(
        self, app: ASGIApp, allowed_hosts: list[str], read_token: str | None = None
    ) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}
        self.read_token = read_token

    def _must_sign_in(self, scope: Scope) -> bool:
        if self.read_token is None or scope.get("path") in OPEN_PATHS:
            return False
        raw = dict(scope.get("headers") or []).get(b"cookie", b"").decode("latin-1")
        return read_session(self.read_token, cookie_parser(raw).get(SESSION_COOKIE)) is None

    def _host_allowed(self, scope: Scope) -> bool:
        if "*" in self.allowed:
            return True
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in self.allowed or name.strip("[]") in self.allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._host_allowed(scope):
            body = b"This reading room answers to its own address only.\n"
            await send(
                {
                    "type": "http.response.start",
                    "status": 421,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"), *_HEADERS],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        if self._must_sign_in(scope):
            target = "/login?next=" + quote(str(scope.get("path", "/")), safe="/")
            await send(
                {
                    "type": "http.response.start",
                    "status": 303,
                    "headers": [(b"location", target.encode()), *_HEADERS],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                if not any(name == b"content-security-policy" for name, _ in headers):
                    headers.append((b"content-security-policy", STRICT_POLICY.encode()))
                message["headers"] = headers + _HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)
