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

from collections.abc import Callable, Sequence
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


Bounds = tuple[datetime | None, datetime | None]
WhereFor = Callable[[Bounds], tuple[list[str], list[Any]]]


def _within(column: str, bounds: Bounds) -> tuple[str, list[Any]]:
    """` AND column >= ? AND column <= ?` for the slice being read (either may be open)."""
    sql, params = "", []
    if bounds[0] is not None:
        sql += f" AND {column} >= ?"
        params.append(bounds[0])
    if bounds[1] is not None:
        sql += f" AND {column} <= ?"
        params.append(bounds[1])
    return sql, params


def _where(filters: ItemFilters, con: duckdb.DuckDBPyConnection) -> WhereFor:
    """The filters as WHERE conjuncts over `items AS i` (fixed strings, bound values), for
    a slice of time: the per-item tables' subqueries are cut to the slice too, since they
    carry the item's date, so a page of the newest days never reads the archive."""
    labelled = _classification_where(filters, con)

    def where_for(bounds: Bounds) -> tuple[list[str], list[Any]]:
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
            within, within_params = _within("a.published_at", bounds)
            sql.append(
                f"i.item_id IN (SELECT a.item_id FROM item_actors AS a WHERE a.actor = ?{within})"
            )
            params += [filters.actor, *within_params]
        if filters.alerted is not None:
            sent = "i.cluster_id IN (SELECT cluster_id FROM alerts WHERE status = 'sent')"
            sql.append(sent if filters.alerted else f"NOT {sent}")
        if labelled is not None:
            within, within_params = _within("c.published_at", bounds)
            sql.append(
                "i.item_id IN (SELECT c.item_id FROM current_classifications AS c "
                f"WHERE {labelled[0]}{within})"
            )
            params += [*labelled[1], *within_params]
        return sql, params

    return where_for


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


def in_list(ids: Sequence[str]) -> str:
    """`(?, ?, ...)` for these ids: DuckDB answers `IN` over bound placeholders from the
    table's index, where `IN (SELECT unnest(?))` reads the whole column."""
    return "(" + ", ".join("?" for _ in ids) + ")" if ids else "(NULL)"


# A page is looked for in the newest few days first, then further back: with items stored
# in publication order (ingest appends them), DuckDB's zone maps skip every row group
# outside the slice, so a common filter's page costs a few days' rows, not the archive's.
SLICE_DAYS = (3, 30, 365)


def _newest(
    con: duckdb.DuckDBPyConnection,
    where_for: WhereFor,
    *,
    before: Cursor | None,
    after: Cursor | None,
    limit: int,
    floor: datetime | None = None,
    ceiling: datetime | None = None,
) -> tuple[list[tuple[str, datetime]], bool]:
    """(item_id, published_at) of one keyset page, newest first (oldest first after
    `after`), and whether the last slice read covered everything from `floor` (or the
    beginning) on, so that a short page is every match there is."""
    newer = after is not None
    cursor = after or before
    if cursor is not None:
        anchor = _utc(cursor.published_at)
    else:
        row = con.execute("SELECT max(published_at) FROM items").fetchone()
        if row is None or row[0] is None:
            return [], True
        anchor = min(_utc(row[0]), ceiling) if ceiling else _utc(row[0])
    keyset: list[str] = []
    keyset_params: list[Any] = []
    if cursor is not None:
        keyset.append(f"(i.published_at, i.item_id) {'>' if newer else '<'} (?, ?)")
        keyset_params += [_utc(cursor.published_at), cursor.item_id]
    if ceiling is not None:
        keyset.append("i.published_at < ?")
        keyset_params.append(ceiling)
    order = "ASC" if newer else "DESC"
    for days in (*SLICE_DAYS, None):
        complete = days is None
        if newer:
            bounds: Bounds = (anchor, anchor + timedelta(days=days) if days else None)
        else:
            start = anchor - timedelta(days=days) if days else floor
            if floor is not None and start is not None and start <= floor:
                start, complete = floor, True
            bounds = (start, anchor if cursor is not None else None)
        where, params = where_for(bounds)
        slice_sql = []
        if bounds[0] is not None:
            slice_sql.append("i.published_at >= ?")
        if newer and bounds[1] is not None:
            slice_sql.append("i.published_at < ?")
        slice_params = [b for b, used in zip(bounds, (True, newer), strict=True)
                        if used and b is not None]  # fmt: skip
        conditions = " AND ".join([*where, *keyset, *slice_sql]) or "true"
        rows = con.execute(
            f"SELECT i.item_id, i.published_at FROM items AS i WHERE {conditions} "
            f"ORDER BY i.published_at {order}, i.item_id {order} LIMIT ?",
            [*params, *keyset_params, *slice_params, limit + 1],
        ).fetchall()
        if len(rows) > limit or complete:
            return [(r[0], _utc(r[1])) for r in rows], complete
    return [], True  # unreachable: the last pass has no bound


def list_items(
    con: duckdb.DuckDBPyConnection,
    filters: ItemFilters,
    *,
    before: Cursor | None = None,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> ItemPage:
    """Items matching the filters, newest first, one keyset page."""
    found, _ = _newest(con, _where(filters, con), before=before, after=after, limit=limit)
    return _page(con, found, limit, before=before, after=after)


def _page(
    con: duckdb.DuckDBPyConnection,
    found: list[tuple[str, datetime]],
    limit: int,
    *,
    before: Cursor | None,
    after: Cursor | None,
    total: int | None = None,
) -> ItemPage:
    more = len(found) > limit
    found = found[:limit]
    if after is not None:
        found.reverse()
    items = _rows_with_detail(con, [item_id for item_id, _ in found])
    first, last = (items[0], items[-1]) if items else (None, None)
    older = Cursor(last.published_at, last.item_id) if last and (more or after) else None
    if after is not None and not more:
        newer = None
    else:
        newer = Cursor(first.published_at, first.item_id) if first and (before or after) else None
    return ItemPage(tuple(items), older, newer, total)


_ROW_COLUMNS = (
    "i.item_id, i.title, coalesce(i.summary, ''), i.url, i.source_id, "
    "coalesce(i.source_name, i.source_id), i.language, i.published_at, i.cluster_id"
)


def _rows_with_detail(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> list[ItemRow]:
    """The page's rows, in the order given, each with its labels, story and alert state:
    every look-up by the page's ids."""
    by_id = {
        row[0]: row
        for row in con.execute(
            f"SELECT {_ROW_COLUMNS} FROM items AS i WHERE i.item_id IN {in_list(ids)}", ids
        ).fetchall()
    }
    rows = [by_id[item_id] for item_id in ids if item_id in by_id]
    labels = current_labels(con, ids)
    classified = {
        row[0]: (bool(row[1]), float(row[2]))
        for row in con.execute(
            "SELECT item_id, relevant, relevance FROM current_classifications "
            f"WHERE item_id IN {in_list(ids)}",
            ids,
        ).fetchall()
    }
    stories = _story_counts(con, ids, {row[0]: row[8] for row in rows})
    clusters = sorted({row[8] for row in rows})
    alerted = {
        row[0]
        for row in con.execute(
            "SELECT DISTINCT cluster_id FROM alerts WHERE status = 'sent' "
            f"AND cluster_id IN {in_list(clusters)}",
            clusters,
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
            f"SELECT item_id, story_id FROM story_reports WHERE item_id IN {in_list(ids)}", ids
        ).fetchall()
    )
    story_ids = sorted(set(story_of.values()))
    counts = {
        row[0]: StoryCount(row[0], int(row[1]), int(row[2]), int(row[3]))
        for row in con.execute(
            "SELECT story_id, count(*), count(*) FILTER (WHERE role = 'independent'), "
            "count(*) FILTER (WHERE role = 'echo') FROM story_reports "
            f"WHERE story_id IN {in_list(story_ids)} GROUP BY story_id",
            story_ids,
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
    classification it ever had (`every_version`, the item page's history). Three look-ups
    by key, joined here: as one SQL join DuckDB read far more than the page's rows."""
    ids = list(item_ids)
    current = {
        row[0]: (row[1], row[2])
        for row in con.execute(
            "SELECT item_id, classifier_version, taxonomy_version FROM current_classifications "
            f"WHERE item_id IN {in_list(ids)}",
            ids,
        ).fetchall()
    }
    rows = con.execute(
        "SELECT item_id, trend_id, score, coalesce(stance, 'supports'), "
        "coalesce(stance_score, 0.0), evidence, classifier_version, taxonomy_version, "
        f"labelled_at FROM labels WHERE item_id IN {in_list(ids)}",
        ids,
    ).fetchall()
    names = {
        (row[0], row[1]): (row[2], row[3])
        for row in con.execute(
            "SELECT trend_id, taxonomy_version, name, family FROM trends "
            f"WHERE taxonomy_version IN {in_list(sorted({r[7] for r in rows}))}",
            sorted({r[7] for r in rows}),
        ).fetchall()
    }
    found: dict[str, list[LabelLine]] = {}
    for item_id, trend_id, score, stance, against, evidence, cv, tv, at in rows:
        is_current = current.get(item_id) == (cv, tv)
        if not (is_current or every_version):
            continue
        name, family = names.get((trend_id, tv), (trend_id, ""))
        found.setdefault(item_id, []).append(
            LabelLine(
                trend_id=trend_id,
                trend_name=name,
                family=family,
                score=float(score),
                stance=stance,
                stance_score=float(against),
                evidence=evidence,
                classifier_version=cv,
                taxonomy_version=tv,
                labelled_at=_utc(at),
                current=is_current,
            )
        )
    for labels in found.values():
        labels.sort(key=lambda x: (not x.current, -x.labelled_at.timestamp(), -x.score, x.trend_id))
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
    """Items a watch-rule query matches between two days (inclusive), newest first; on a
    first page that holds every match, how many items and stories matched (a page filled
    from the newest days alone does not count the rest: that would read the whole window).
    `RuleQueryError` (one sentence) for a query that cannot run."""
    compiled = compile_query(query)
    check_regexes(con, compiled)
    floor = _start_of(since) if since else None
    ceiling = _start_of(until + timedelta(days=1)) if until else None
    found, complete = _newest(
        con,
        lambda _: ([f"({compiled.sql})"], list(compiled.params)),
        before=before,
        after=after,
        limit=limit,
        floor=floor,
        ceiling=ceiling,
    )
    counted = complete and len(found) <= limit and before is None and after is None
    page = _page(
        con, found, limit, before=before, after=after, total=len(found) if counted else None
    )
    stories = len({row.story.story_id if row.story else row.item_id for row in page.rows})
    return SearchPage(query, since, until, page, stories if counted else 0, compiled.regexes)


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
