"""The pages an analyst reads: editions, items, search, one item, entities.

Each handler opens one short read-only connection, asks `warehouse.room*` for its rows
and renders them. Handlers are plain functions (Starlette runs them in its thread pool),
so a slow page never blocks the others. A parameter that cannot be read becomes one
sentence on the page, never an error page.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from spacebrief.warehouse import Connection
from spacebrief.warehouse.exceptions import WarehouseError
from spacebrief.warehouse.room import (
    FAMILIES,
    STANCES,
    Cursor,
    ItemFilters,
    ItemRow,
    SearchPage,
    filter_options,
    list_items,
    newest_day,
    regex_matches,
    search_items,
)
from spacebrief.warehouse.room_entities import (
    actor_totals,
    edition_entry,
    edition_items,
    entity_detail,
    list_editions,
)
from spacebrief.warehouse.room_item import item_detail
from spacebrief.warehouse.rule_query import RuleQueryError, search_terms
from spacebrief.web.render import config_of, item_url, message, page, reader_of, session_of
from spacebrief.web.security import EDITION_POLICY
from spacebrief.web.snippets import marked, regex_spans, snippet, term_spans

KINDS = ("country", "region", "agency", "organisation", "programme", "company")
SEARCH_WINDOWS = {"7": 7, "30": 30, "90": 90, "365": 365, "all": None}


class _BadParameter(ValueError):
    """A query parameter a person typed that cannot be read; the message is for them."""


def _today(request: Request) -> date:
    clock = config_of(request).today
    return clock() if clock else datetime.now(UTC).date()


def _date(request: Request, name: str) -> date | None:
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _BadParameter(f"{name} wants a day as YYYY-MM-DD, not {value[:40]!r}.") from None


def _choice(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    if value not in allowed:
        raise _BadParameter(f"{name} is one of {', '.join(allowed)}, not {value[:40]!r}.")
    return value


def _yes_no(request: Request, name: str) -> bool | None:
    value = _choice(request, name, ("yes", "no"))
    return None if value is None else value == "yes"


def _cursor(request: Request, name: str) -> Cursor | None:
    value = request.query_params.get(name, "")
    if not value:
        return None
    moment, _, item_id = value.partition("~")
    try:
        return Cursor(datetime.fromisoformat(moment), item_id)
    except ValueError:
        raise _BadParameter(
            f"The page link is damaged ({name}); start from the first page."
        ) from None


def cursor_param(cursor: Cursor | None) -> str | None:
    return f"{cursor.published_at.isoformat()}~{cursor.item_id}" if cursor else None


def _filters(request: Request) -> ItemFilters:
    minimum = request.query_params.get("min_relevance", "").strip()
    try:
        min_relevance = float(minimum) if minimum else None
    except ValueError:
        raise _BadParameter(f"min_relevance wants a number, not {minimum[:20]!r}.") from None
    relevance = _choice(request, "relevance", ("on-theme", "off-theme"))
    names = ("trend", "language", "source", "actor")
    text = {k: request.query_params.get(k, "").strip() or None for k in names}
    return ItemFilters(
        since=_date(request, "since"),
        until=_date(request, "until"),
        trend=text["trend"],
        family=_choice(request, "family", FAMILIES),
        stance=_choice(request, "stance", STANCES),
        language=text["language"],
        source=text["source"],
        actor=text["actor"],
        relevant=None if relevance is None else relevance == "on-theme",
        min_relevance=min_relevance,
        alerted=_yes_no(request, "alerted"),
    )


# ----------------------------------------------------------------------------- editions


def home(request: Request) -> HTMLResponse:
    with reader_of(request).read() as con:
        editions = list_editions(con)
    return page(request, "editions.html.j2", editions=editions)


_BODY = re.compile(r"<body[^>]*>", re.IGNORECASE)
_SOURCE_ITEM = re.compile(r'(<li id="source-(\d+)"[^>]*>)')


def edition(request: Request) -> Response:
    edition_id = request.path_params["edition_id"]
    with reader_of(request).read() as con:
        entry = edition_entry(con, edition_id)
        cited = edition_items(con, edition_id) if entry else {}
    if entry is None:
        return message(
            request, "No such edition", "The archive holds no edition by that name.", 404
        )
    try:
        html = Path(entry.html_path or "").read_text(encoding="utf-8")
    except OSError:
        return message(
            request,
            "Edition file missing",
            f"The edition's file is no longer at {entry.html_path}; rebuild the edition of "
            f"{entry.edition_date} over {entry.days} days.",
            404,
        )
    bar = (
        '<div style="font:14px sans-serif;padding:8px 12px;background:#0f172a;color:#e2e8f0;">'
        '<a href="/" style="color:#93c5fd;">← Reading room</a> · edition '
        f"{escape(entry.edition_id)} · each source below links to its item page</div>"
    )

    def read_here(match: re.Match[str]) -> str:
        item_id = cited.get(int(match[2]))
        if item_id is None:
            return match[1]
        href = escape(item_url(item_id))
        return f'{match[1]}<a class="room" href="{href}" style="font-size:12px;">[read]</a> '

    html = _BODY.sub(lambda m: m[0] + bar, html, count=1)
    html = _SOURCE_ITEM.sub(read_here, html)
    return HTMLResponse(html, headers={"content-security-policy": EDITION_POLICY})


# ----------------------------------------------------------------------------- items


def items(request: Request) -> HTMLResponse:
    config = config_of(request)
    try:
        filters = _filters(request)
        before, after = _cursor(request, "before"), _cursor(request, "after")
    except _BadParameter as error:
        return message(request, "Items", str(error), 400)
    with reader_of(request).read() as con:
        options = filter_options(con)
        try:
            listing = list_items(con, filters, before=before, after=after, limit=config.page_size)
        except WarehouseError as error:
            return message(request, "Items", str(error), 400)
    query = {k: v for k, v in request.query_params.items() if k not in ("before", "after")}
    return page(
        request,
        "items.html.j2",
        listing=listing,
        filters=filters,
        options=options,
        query=query,
        cursor_param=cursor_param,
        kinds=KINDS,
    )


def item(request: Request) -> HTMLResponse:
    item_id = request.path_params["item_id"]
    with reader_of(request).read() as con:
        detail = item_detail(con, item_id)
    if detail is None:
        return message(request, "No such item", "The warehouse holds no item with that id.", 404)
    labelled = {(a.trend_id) for a in detail.alerts}
    return page(
        request,
        "item.html.j2",
        detail=detail,
        alerted_trends=labelled,
        done=request.query_params.get("done"),
        done_trend=request.query_params.get("trend"),
    )


# ----------------------------------------------------------------------------- search


def _highlights(con: Connection, rows: tuple[ItemRow, ...], query: str) -> list[dict[str, Markup]]:
    terms = search_terms(query)
    regexes = [t.value for t in terms if t.kind == "regex"]
    titles = [r.title for r in rows]
    bodies = [r.summary for r in rows]
    title_found = [regex_matches(con, titles, p) for p in regexes]
    body_found = [regex_matches(con, bodies, p) for p in regexes]
    marks = []
    for n, row in enumerate(rows):
        title_spans = term_spans(row.title, terms, title=True)
        body_spans = term_spans(row.summary, terms)
        for found in title_found:
            title_spans += regex_spans(row.title, found[n])
        for found in body_found:
            body_spans += regex_spans(row.summary, found[n])
        marks.append(
            {"title": marked(row.title, title_spans), "body": snippet(row.summary, body_spans)}
        )
    return marks


def _search_page(
    request: Request,
    query: str,
    within: str,
    *,
    error: str | None = None,
    result: SearchPage | None = None,
    marks: list[dict[str, Markup]] | None = None,
) -> HTMLResponse:
    return page(
        request,
        "search.html.j2",
        q=query,
        within=within,
        error=error,
        result=result,
        marks=marks or [],
        windows=SEARCH_WINDOWS,
        cursor_param=cursor_param,
        saved=request.query_params.get("saved"),
        signed_in=session_of(request) is not None,
    )


def search(request: Request) -> HTMLResponse:
    config = config_of(request)
    query = request.query_params.get("q", "").strip()
    within = request.query_params.get("within", str(config.search_days))
    try:
        if within not in SEARCH_WINDOWS:
            raise _BadParameter(
                f"within is one of {', '.join(SEARCH_WINDOWS)} days, not {within[:10]!r}."
            )
        until = _date(request, "until")
        before, after = _cursor(request, "before"), _cursor(request, "after")
    except _BadParameter as error:
        return _search_page(request, query, within, error=str(error))
    if not query:
        return _search_page(request, query, within)
    with reader_of(request).read() as con:
        end = until or newest_day(con) or _today(request)
        days = SEARCH_WINDOWS[within]
        since = end - timedelta(days=days - 1) if days else None
        try:
            result = search_items(
                con, query, since=since, until=end, before=before, after=after,
                limit=config.page_size,
            )  # fmt: skip
            marks = _highlights(con, result.page.rows, query)
        except RuleQueryError as error:
            return _search_page(request, query, within, error=str(error))
    return _search_page(request, query, within, result=result, marks=marks)


# ----------------------------------------------------------------------------- entities


def entities(request: Request) -> HTMLResponse:
    kind = request.query_params.get("kind") or "country"
    if kind not in KINDS:
        return message(request, "Entities", f"kind is one of {', '.join(KINDS)}.", 400)
    period = request.query_params.get("period", "month")
    periods = {"month": "this month", "30": "30 days", "365": "a year", "all": "all time"}
    if period not in periods:
        return message(request, "Entities", f"period is one of {', '.join(periods)}.", 400)
    today = _today(request)
    since = {
        "month": today.replace(day=1),
        "30": today - timedelta(days=29),
        "365": today - timedelta(days=364),
        "all": None,
    }[period]
    with reader_of(request).read() as con:
        totals = actor_totals(con, kind=kind, since=since)
    return page(request, "entities.html.j2", totals=totals, kind=kind, kinds=KINDS,
                period=period, periods=periods, since=since)  # fmt: skip


def entity(request: Request) -> HTMLResponse:
    name = request.path_params["name"]
    month = request.query_params.get("month") or _today(request).strftime("%Y-%m")
    with reader_of(request).read() as con:
        detail = entity_detail(con, name, month=month)
    if detail is None:
        return message(request, name[:80], "No stored item names this actor.", 404)
    return page(request, "entity.html.j2", detail=detail)
