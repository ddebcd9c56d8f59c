"""What the reading room (`spacebrief web`) reads: items, search, one item whole.

Every page must answer in well under 200 ms on a million items, so each query touches
the big tables once, by column, and joins detail only for the page's rows: the item list
filters `items` with semi-joins on the small per-item tables (`current_classifications`,
`item_actors`, `alerts`) and pages by keyset (published_at, item_id), never OFFSET;
labels, stories and actors are then fetched for the 50 ids on the page. Search compiles
the watch-rule grammar (`rule_query`, one grammar for rules and search) over a window of
days, so its regexes scan a month of items, not the archive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import duckdb

from spacebrief.warehouse.exceptions import WarehouseError
from spacebrief.warehouse.rule_query import compile_query
from spacebrief.warehouse.watch_rules import check_regexes

PAGE_SIZE = 50
FAMILIES = ("rising", "declining", "watch")
STANCES = ("supports", "against")


@dataclass(frozen=True)
class ItemFilters:
    """The item list's filters; None means "any"."""

    since: date | None = None
    until: date | None = None  # inclusive
    trend: str | None = None
    family: str | None = None  # rising | declining | watch
    stance: str | None = None  # supports | against (with a trend: that trend's label)
    language: str | None = None
    source: str | None = None  # the outlet's id or name
    actor: str | None = None  # an English name from item_actors (country, agency...)
    relevant: bool | None = None
    min_relevance: float | None = None
    alerted: bool | None = None  # an alert about the item's story was sent


@dataclass(frozen=True)
class Cursor:
    """A keyset position: the page goes on strictly older (or newer) than this item."""

    published_at: datetime
    item_id: str


@dataclass(frozen=True)
class LabelLine:
    trend_id: str
    trend_name: str
    family: str
    score: float
    stance: str
    stance_score: float
    evidence: str | None
    classifier_version: str
    taxonomy_version: str
    labelled_at: datetime
    current: bool  # of the item's latest classification (what the editions count)


@dataclass(frozen=True)
class StoryCount:
    story_id: str
    reports: int
    independent: int
    echoes: int


@dataclass(frozen=True)
class ItemRow:
    """One line of the list or of search results (feed text is untrusted)."""

    item_id: str
    title: str
    summary: str
    url: str | None
    source_id: str
    source_name: str
    language: str | None
    published_at: datetime
    relevant: bool | None
    relevance: float | None
    labels: tuple[LabelLine, ...] = ()
    story: StoryCount | None = None
    alerted: bool = False
    content: str | None = None


@dataclass(frozen=True)
class ItemPage:
    rows: tuple[ItemRow, ...]
    older: Cursor | None  # the next page, further back
    newer: Cursor | None  # the page before, nearer today
    total: int | None = None  # search: every match in the window


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _where(filters: ItemFilters, con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[Any]]:
    """WHERE conjuncts over `items AS i`, each a fixed string with bound values."""
    sql: list[str] = []
    params: list[Any] = []
    if filters.since is not None:
        sql.append("i.published_at >= ?")
        params.append(_start_of(filters.since))
    if filters.until is not None:
        sql.append("i.published_at < ?")
        params.append(_start_of(filters.until + timedelta(days=1)))
    if filters.language:
        sql.append(
            "(lower(coalesce(i.language, '')) = lower(?) "
            "OR starts_with(lower(coalesce(i.language, '')), lower(?) || '-'))"
        )
        params += [filters.language, filters.language]
    if filters.source:
        sql.append("(i.source_id = ? OR i.source_name = ?)")
        params += [filters.source, filters.source]
    if filters.actor:
        sql.append("i.item_id IN (SELECT item_id FROM item_actors WHERE actor = ?)")
        params.append(filters.actor)
    if filters.alerted is not None:
        sent = "i.cluster_id IN (SELECT cluster_id FROM alerts WHERE status = 'sent')"
        sql.append(sent if filters.alerted else f"NOT {sent}")
    labelled = _classification_where(filters, con)
    if labelled is not None:
        sql.append(
            f"i.item_id IN (SELECT c.item_id FROM current_classifications AS c WHERE {labelled[0]})"
        )
        params += labelled[1]
    return sql, params


def _classification_where(
    filters: ItemFilters, con: duckdb.DuckDBPyConnection
) -> tuple[str, list[Any]] | None:
    parts: list[str] = []
    params: list[Any] = []
    if filters.relevant is not None:
        parts.append("c.relevant" if filters.relevant else "NOT c.relevant")
    if filters.min_relevance is not None:
        parts.append("c.relevance >= ?")
        params.append(filters.min_relevance)
    trend = filters.trend.upper() if filters.trend else None
    if trend and filters.stance == "against":
        parts.append("list_contains(c.against, ?)")
        params.append(trend)
    elif trend and filters.stance == "supports":
        parts.append("list_contains(c.trends, ?) AND NOT list_contains(c.against, ?)")
        params += [trend, trend]
    elif trend:
        parts.append("list_contains(c.trends, ?)")
        params.append(trend)
    elif filters.stance == "against":
        parts.append("len(c.against) > 0")
    elif filters.stance == "supports":
        parts.append("len(c.trends) > len(c.against)")
    if filters.family:
        parts.append("list_has_any(c.trends, ?::VARCHAR[])")
        params.append(_family_trends(con, filters.family))
    return (" AND ".join(parts), params) if parts else None


def _family_trends(con: duckdb.DuckDBPyConnection, family: str) -> list[str]:
    if family not in FAMILIES:
        raise WarehouseError(f"A family is rising, declining or watch, not {family!r}.")
    return [
        row[0]
        for row in con.execute(
            "SELECT DISTINCT trend_id FROM trends WHERE family = ? ORDER BY 1", [family]
        ).fetchall()
    ]


def _keyset(
    where: list[str], params: list[Any], before: Cursor | None, after: Cursor | None
) -> tuple[str, str]:
    """The page's extra condition and order: older than `before`, or newer than `after`."""
    if after is not None:
        where.append("(i.published_at, i.item_id) > (?, ?)")
        params += [_utc(after.published_at), after.item_id]
        return " AND ".join(where) or "true", "ASC"
    if before is not None:
        where.append("(i.published_at, i.item_id) < (?, ?)")
        params += [_utc(before.published_at), before.item_id]
    return " AND ".join(where) or "true", "DESC"


_ROW_COLUMNS = (
    "i.item_id, i.title, coalesce(i.summary, ''), i.url, i.source_id, "
    "coalesce(i.source_name, i.source_id), i.language, i.published_at, i.cluster_id"
)


def list_items(
    con: duckdb.DuckDBPyConnection,
    filters: ItemFilters,
    *,
    before: Cursor | None = None,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> ItemPage:
    """Items matching the filters, newest first, one keyset page."""
    where, params = _where(filters, con)
    condition, order = _keyset(where, params, before, after)
    rows = con.execute(
        f"SELECT {_ROW_COLUMNS} FROM items AS i WHERE {condition} "
        f"ORDER BY i.published_at {order}, i.item_id {order} LIMIT ?",
        [*params, limit + 1],
    ).fetchall()
    return _page(con, rows, limit, before=before, after=after)


def _page(
    con: duckdb.DuckDBPyConnection,
    rows: list[tuple[Any, ...]],
    limit: int,
    *,
    before: Cursor | None,
    after: Cursor | None,
    total: int | None = None,
) -> ItemPage:
    more = len(rows) > limit
    rows = rows[:limit]
    if after is not None:
        rows.reverse()
    items = _rows_with_detail(con, rows)
    first, last = (items[0], items[-1]) if items else (None, None)
    older = Cursor(last.published_at, last.item_id) if last and (more or after) else None
    if after is not None and not more:
        newer = None
    else:
        newer = Cursor(first.published_at, first.item_id) if first and (before or after) else None
    return ItemPage(tuple(items), older, newer, total)


def _rows_with_detail(
    con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[Any, ...]]
) -> list[ItemRow]:
    ids = [row[0] for row in rows]
    labels = current_labels(con, ids)
    classified = {
        row[0]: (bool(row[1]), float(row[2]))
        for row in con.execute(
            "SELECT item_id, relevant, relevance FROM current_classifications "
            "WHERE item_id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        ).fetchall()
    }
    stories = _story_counts(con, ids, {row[0]: row[8] for row in rows})
    alerted = {
        row[0]
        for row in con.execute(
            "SELECT DISTINCT cluster_id FROM alerts WHERE status = 'sent' "
            "AND cluster_id IN (SELECT unnest(?::VARCHAR[]))",
            [sorted({row[8] for row in rows})],
        ).fetchall()
    }
    out = []
    for item_id, title, summary, url, source_id, source, language, published, cluster in rows:
        relevant, relevance = classified.get(item_id, (None, None))
        out.append(
            ItemRow(
                item_id=item_id,
                title=title,
                summary=summary,
                url=url,
                source_id=source_id,
                source_name=source,
                language=language,
                published_at=_utc(published),
                relevant=relevant,
                relevance=relevance,
                labels=tuple(labels.get(item_id, ())),
                story=stories.get(item_id),
                alerted=cluster in alerted,
            )
        )
    return out


def _story_counts(
    con: duckdb.DuckDBPyConnection, ids: Sequence[str], clusters: dict[str, str]
) -> dict[str, StoryCount]:
    """Each item's story and how it was reported (its cluster, before stories were read)."""
    story_of = dict(
        con.execute(
            "SELECT item_id, story_id FROM story_reports "
            "WHERE item_id IN (SELECT unnest(?::VARCHAR[]))",
            [list(ids)],
        ).fetchall()
    )
    counts = {
        row[0]: StoryCount(row[0], int(row[1]), int(row[2]), int(row[3]))
        for row in con.execute(
            "SELECT story_id, count(*), count(*) FILTER (WHERE role = 'independent'), "
            "count(*) FILTER (WHERE role = 'echo') FROM story_reports "
            "WHERE story_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY story_id",
            [sorted(set(story_of.values()))],
        ).fetchall()
    }
    found = {}
    for item_id in ids:
        story = story_of.get(item_id)
        if story is not None:
            found[item_id] = counts[story]
        else:
            found[item_id] = StoryCount(clusters.get(item_id, item_id), 1, 1, 0)
    return found


def current_labels(
    con: duckdb.DuckDBPyConnection, item_ids: Sequence[str], *, every_version: bool = False
) -> dict[str, list[LabelLine]]:
    """Each item's labels, strongest first: of its latest classification, or of every
    classification it ever had (`every_version`, the item page's history)."""
    only_current = "" if every_version else "AND c.item_id IS NOT NULL "
    rows = con.execute(
        "SELECT l.item_id, l.trend_id, coalesce(t.name, l.trend_id), coalesce(t.family, ''), "
        "l.score, coalesce(l.stance, 'supports'), coalesce(l.stance_score, 0.0), l.evidence, "
        "l.classifier_version, l.taxonomy_version, l.labelled_at, c.item_id IS NOT NULL "
        "FROM labels AS l "
        "LEFT JOIN current_classifications AS c ON c.item_id = l.item_id "
        " AND c.classifier_version = l.classifier_version "
        " AND c.taxonomy_version = l.taxonomy_version "
        "LEFT JOIN trends AS t ON t.trend_id = l.trend_id "
        " AND t.taxonomy_version = l.taxonomy_version "
        f"WHERE l.item_id IN (SELECT unnest(?::VARCHAR[])) {only_current}"
        "ORDER BY l.item_id, (c.item_id IS NULL), l.labelled_at DESC, l.score DESC, l.trend_id",
        [list(item_ids)],
    ).fetchall()
    found: dict[str, list[LabelLine]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(
            LabelLine(
                trend_id=row[1],
                trend_name=row[2],
                family=row[3],
                score=float(row[4]),
                stance=row[5],
                stance_score=float(row[6]),
                evidence=row[7],
                classifier_version=row[8],
                taxonomy_version=row[9],
                labelled_at=_utc(row[10]),
                current=bool(row[11]),
            )
        )
    return found


# ----------------------------------------------------------------------------- search


@dataclass(frozen=True)
class SearchPage:
    query: str
    since: date | None
    until: date | None
    page: ItemPage
    stories: int = 0  # distinct stories among every match
    regexes: tuple[str, ...] = field(default=())


def newest_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The UTC day of the newest stored item: "the last 30 days" end there."""
    row = con.execute("SELECT max(published_at) FROM items").fetchone()
    return _utc(row[0]).date() if row and row[0] is not None else None


def search_items(
    con: duckdb.DuckDBPyConnection,
    query: str,
    *,
    since: date | None,
    until: date | None = None,
    before: Cursor | None = None,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> SearchPage:
    """Items a watch-rule query matches between two days (inclusive), newest first, with
    how many matched in all; `RuleQueryError` (one sentence) for a query that cannot run."""
    compiled = compile_query(query)
    check_regexes(con, compiled)
    where, params = _where(ItemFilters(since=since, until=until), con)
    where.append(f"({compiled.sql})")
    params += compiled.params
    matched = " AND ".join(where)
    page_where: list[str] = []
    page_params: list[Any] = []
    condition, order = _keyset(page_where, page_params, before, after)
    rows = con.execute(
        f"""
        WITH matched AS (
            SELECT {_ROW_COLUMNS}, coalesce(s.story_id, i.cluster_id) AS story,
                   count(*) OVER () AS total
            FROM items AS i LEFT JOIN story_reports AS s USING (item_id)
            WHERE {matched}
        )
        SELECT * EXCLUDE (story, total), total,
               (SELECT count(DISTINCT story) FROM matched) AS stories
        FROM matched AS i
        WHERE {condition}
        ORDER BY i.published_at {order}, i.item_id {order} LIMIT ?
        """,
        [*params, *page_params, limit + 1],
    ).fetchall()
    total = int(rows[0][9]) if rows else 0
    stories = int(rows[0][10]) if rows else 0
    page = _page(con, [row[:9] for row in rows], limit, before=before, after=after, total=total)
    if not rows and (before or after):
        page = ItemPage((), None, None, None)
    return SearchPage(query, since, until, page, stories, compiled.regexes)


def regex_matches(
    con: duckdb.DuckDBPyConnection, texts: Sequence[str], pattern: str
) -> list[list[str]]:
    """What a /regex/ of a query matches in each text, in order, found by DuckDB's RE2
    (linear time, case-insensitive as the query language's): for highlighting."""
    if not texts:
        return []
    row = con.execute(
        "SELECT list_transform(?::VARCHAR[], lambda t: regexp_extract_all(t, ?, 0, 'i'))",
        [list(texts), pattern],
    ).fetchone()
    return [list(found or []) for found in (row[0] if row else [])]


@dataclass(frozen=True)
class TrendOption:
    trend_id: str
    name: str
    family: str


@dataclass(frozen=True)
class FilterOptions:
    trends: tuple[TrendOption, ...]
    languages: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]  # (id, name)


def filter_options(con: duckdb.DuckDBPyConnection) -> FilterOptions:
    """The choices of the item list's filters: the newest taxonomy's trends, the languages
    and the outlets the warehouse holds."""
    trends = con.execute(
        "SELECT trend_id, name, family FROM trends WHERE taxonomy_version = "
        "(SELECT taxonomy_version FROM trends ORDER BY taxonomy_version DESC LIMIT 1) "
        "ORDER BY position, trend_id"
    ).fetchall()
    languages = con.execute(
        "SELECT DISTINCT language FROM items WHERE language IS NOT NULL ORDER BY 1"
    ).fetchall()
    sources = con.execute(
        "SELECT source_id, coalesce(name, source_id) FROM sources ORDER BY 2, 1"
    ).fetchall()
    return FilterOptions(
        tuple(TrendOption(*row) for row in trends),
        tuple(row[0] for row in languages),
        tuple((row[0], row[1]) for row in sources),
    )
