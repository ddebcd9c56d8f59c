"""What a signed-in analyst can change: the feedback actions and watch rules.

The four actions are the Slack buttons' (Right, Wrong trend, Off-theme, Mute source),
written through the API's handle as the buttons' are (`Spacebrief.record_click`) to the
same tables, in one transaction per click; a saved search is `add_watch_rule`. A click's
identity is the form's nonce, so a form sent twice is written once. Nothing here runs
without the feedback token, a signed-in analyst, a same-site request and a valid CSRF
token; each refusal is one sentence.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from spacebrief.alerts.feedback import ACTIONS, Click
from spacebrief.warehouse.exceptions import RuleQueryError, WarehouseError
from spacebrief.warehouse.feedback_clicks import WEB_CHANNEL
from spacebrief.web.render import (
    config_of,
    item_url,
    link,
    message,
    page,
    reader_of,
    session_of,
)
from spacebrief.web.security import (
    SESSION_COOKIE,
    SESSION_HOURS,
    Session,
    analyst_of,
    csrf_matches,
    same_site,
    session_cookie,
    token_matches,
)

MAX_FORM_BYTES = 16_384
READ_ONLY = (
    "This reading room is read-only: it teaches only when it is started with a feedback token."
)


class _FormRefused(Exception):
    """A form that must not be acted on; the message is one sentence for the analyst."""


async def _form(request: Request) -> dict[str, str]:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise _FormRefused("The form is larger than any form of this room; nothing was saved.")
    fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=20)
    return {key: values[0] for key, values in fields.items()}


async def _checked(request: Request) -> tuple[dict[str, str], Session]:
    """The form, once the room can teach, the request is same-site, someone is signed in
    and the CSRF token is this session's."""
    config = config_of(request)
    if config.token is None:
        raise _FormRefused(READ_ONLY)
    if not same_site(request.headers, request.headers.get("host", "")):
        raise _FormRefused("The form came from another site; nothing was saved.")
    session = session_of(request)
    if session is None:
        raise _FormRefused("Sign in with the feedback token first; nothing was saved.")
    form = await _form(request)
    if not csrf_matches(config.token, session, form.get("nonce", ""), form.get("csrf", "")):
        raise _FormRefused(
            "The form is out of date or was not made by this room; reload the page and try again."
        )
    return form, session


def _refused(request: Request, error: _FormRefused) -> Response:
    return message(request, "Nothing saved", str(error), 403)


# ----------------------------------------------------------------------------- sign-in


def sign_in_page(request: Request) -> Response:
    if config_of(request).token is None:
        return message(request, "Sign in", READ_ONLY, 403)
    return page(request, "login.html.j2", error=None, next=request.query_params.get("next", "/"))


def _local_path(value: str) -> str:
    """Only a path of this room (no scheme, no //host): a sign-in cannot send you away."""
    return (
        value if value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"
    )


async def sign_in(request: Request) -> Response:
    config = config_of(request)
    if config.token is None:
        return message(request, "Sign in", READ_ONLY, 403)
    if not same_site(request.headers, request.headers.get("host", "")):
        return message(request, "Sign in", "The form came from another site.", 403)
    try:
        form = await _form(request)
    except _FormRefused as error:
        return _refused(request, error)
    analyst = analyst_of(form.get("name", ""))
    target = _local_path(form.get("next", "/"))
    if not token_matches(config.token, form.get("token", "")):
        await asyncio.sleep(0.5)  # a guess costs time
        return page(request, "login.html.j2", 403, error="That is not the feedback token.",
                    next=target)  # fmt: skip
    if analyst is None:
        return page(request, "login.html.j2", 400, next=target,
                    error="Give your name: 1 to 40 letters, digits, spaces or . @ - _")  # fmt: skip
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie(config.token, analyst),
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        path="/",
    )
    return response


async def sign_out(request: Request) -> Response:
    if not same_site(request.headers, request.headers.get("host", "")):
        return message(request, "Sign out", "The form came from another site.", 403)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ----------------------------------------------------------------------------- feedback


async def feedback(request: Request) -> Response:
    """One of the four actions on an item: on an alert of its story (`alert_id`), or on
    one of its labels (`trend_id`) when no alert carried it."""
    item_id = request.path_params["item_id"]
    try:
        form, session = await _checked(request)
        action = form.get("action", "")
        if action not in ACTIONS:
            raise _FormRefused("That is not one of the four actions; nothing was saved.")
    except _FormRefused as error:
        return _refused(request, error)
    click = Click(
        action=action,
        alert_id=form.get("alert_id", ""),
        user_id=session.analyst,
        user_name=session.analyst,
        channel=WEB_CHANNEL,
        message_ts=form["nonce"],
    )
    trend_id = form.get("trend_id", "")

    def write() -> str:
        handle = config_of(request).handle
        with reader_of(request).paused():
            if click.alert_id:
                return handle.record_click(click).kind
            return handle.record_click(click, item_id=item_id, trend_id=trend_id).kind

    kind = await run_in_threadpool(write)
    return RedirectResponse(
        link(item_url(item_id), done=f"{kind}:{action}", trend=trend_id or None) + "#teach",
        status_code=303,
    )


async def save_rule(request: Request) -> Response:
    """Save the search's query as a watch rule (or a mute rule)."""
    try:
        form, session = await _checked(request)
    except _FormRefused as error:
        return _refused(request, error)
    query, name = form.get("q", ""), form.get("name", "")
    mute = form.get("kind") == "mute"

    def write() -> None:
        with reader_of(request).paused():
            config_of(request).handle.add_watch_rule(
                name, query, mute=mute, analyst=session.analyst
            )

    try:
        await run_in_threadpool(write)
    except (RuleQueryError, WarehouseError) as error:
        return message(request, "Rule not saved", str(error), 400)
    saved = f"{'mute' if mute else 'watch'}:{name.strip()}"
    return RedirectResponse(link("/search", q=query, saved=saved), status_code=303)
