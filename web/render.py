"""Pages from templates: Jinja2 with autoescape on, so feed text is always text.

`page()` renders a template with what every page needs (who is signed in, whether the
room can teach, the form helpers); the filters format dates, scores and "3 independent
reports" one way everywhere.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from spacebrief.digest.text import reports_phrase
from spacebrief.untrusted import safe_url
from spacebrief.warehouse.reader import HeldReader
from spacebrief.web.config import RoomConfig
from spacebrief.web.english import reading_of
from spacebrief.web.security import (
    SESSION_COOKIE,
    Session,
    csrf_token,
    new_nonce,
    read_session,
)


def config_of(request: Request) -> RoomConfig:
    config: RoomConfig = request.app.state.config
    return config


def reader_of(request: Request) -> HeldReader:
    reader: HeldReader = request.app.state.reader
    return reader


def session_of(request: Request) -> Session | None:
    return read_session(config_of(request).token, request.cookies.get(SESSION_COOKIE))


def when(value: datetime | None, with_time: bool = True) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M UTC" if with_time else "%Y-%m-%d")


def link(path: str, **params: Any) -> str:
    """A path with its query string; None and "" values are left out."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(kept) if kept else "")


def entity_url(name: str) -> str:
    return "/entities/" + quote(name, safe="")


def item_url(item_id: str) -> str:
    return "/items/" + quote(item_id, safe="")


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("spacebrief.web", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["day"] = lambda value: when(value, with_time=False)
    env.filters["score"] = lambda value: "" if value is None else f"{value:.2f}"
    env.globals.update(
        reports_phrase=reports_phrase,
        link=link,
        entity_url=entity_url,
        item_url=item_url,
        safe_url=safe_url,
        reading_of=reading_of,
    )
    return env


def csrf_fields(request: Request) -> Markup:
    """Hidden inputs that prove a form was served by this room to this analyst."""
    config, session = config_of(request), session_of(request)
    if config.token is None or session is None:
        return Markup("")
    nonce = new_nonce()
    token = csrf_token(config.token, session, nonce)
    return Markup(
        f'<input type="hidden" name="nonce" value="{escape(nonce)}">'
        f'<input type="hidden" name="csrf" value="{escape(token)}">'
    )


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    config = config_of(request)
    session = session_of(request)
    html = (
        environment()
        .get_template(template)
        .render(
            request_path=request.url.path,
            can_teach=config.can_teach,
            analyst=session.analyst if session else None,
            csrf=lambda: csrf_fields(request),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code)


def message(request: Request, title: str, sentence: str, status_code: int) -> HTMLResponse:
    return page(request, "message.html.j2", status_code, title=title, sentence=sentence)
