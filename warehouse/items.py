"""Stored items: batch inserts that never duplicate, and the look-ups dedupe needs.

Items are keyed by their stable `item_id` (scoped to the source, so one outlet's row can
never be taken by another feed claiming its URL); inserts are `ON CONFLICT DO NOTHING`, so
re-ingesting a feed adds nothing it already added. DuckDB keeps only the first row of a
batch that holds one key twice, silently, so each batch is deduplicated here first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from spacebrief.ingest.types import Item, PageResult, StoredStory

_ITEM_SCHEMA = pa.schema(
    [
        ("item_id", pa.string()),
        ("url", pa.string()),
        ("guid", pa.string()),
        ("title", pa.string()),
        ("summary", pa.string()),
        ("language", pa.string()),
        ("source_id", pa.string()),
        ("source_name", pa.string()),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("published_inferred", pa.bool_()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("content_hash", pa.string()),
        ("cluster_id", pa.string()),
        ("offsite", pa.bool_()),
    ]
)
_COLUMNS = ", ".join(_ITEM_SCHEMA.names)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def insert_items(con: duckdb.DuckDBPyConnection, items: Iterable[Item]) -> list[str]:
    """Store the items not stored yet; return the ids that were new, in input order."""
    unique: dict[str, Item] = {}
    for item in items:
        unique.setdefault(item.item_id, item)
    if not unique:
        return []
    rows = list(unique.values())
    table = pa.table(
        {
            field.name: pa.array([getattr(item, field.name) for item in rows], field.type)
            for field in _ITEM_SCHEMA
        },
        schema=_ITEM_SCHEMA,
    )
    con.register("_new_items", table)
    try:
        inserted = con.execute(
            f"INSERT INTO items ({_COLUMNS}) SELECT {_COLUMNS} FROM _new_items "
            "ON CONFLICT DO NOTHING RETURNING item_id"
        ).fetchall()
    finally:
        con.unregister("_new_items")
    new_ids = {row[0] for row in inserted}
    return [item_id for item_id in unique if item_id in new_ids]


def known_ids(con: duckdb.DuckDBPyConnection, ids: Iterable[str]) -> set[str]:
    """Which of these item ids are already stored."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    table = pa.table({"item_id": pa.array(wanted, pa.string())})
    con.register("_wanted_ids", table)
    try:
        rows = con.execute(
            "SELECT i.item_id FROM items i JOIN _wanted_ids w USING (item_id)"
        ).fetchall()
    finally:
        con.unregister("_wanted_ids")
    return {row[0] for row in rows}


def known_identity_keys(con: duckdb.DuckDBPyConnection, items: Sequence[Item]) -> set[str]:
    """Identity keys of these items that are already stored, in the form
    `ingest.identity_keys` gives: the id, and `url:`, `guid:` or `text:` + source + value.
    """
    if not items:
        return set()
    table = pa.table(
        {
            "item_id": pa.array([i.item_id for i in items], pa.string()),
            "url": pa.array([i.url for i in items], pa.string()),
            "guid": pa.array([i.guid for i in items], pa.string()),
            "source_id": pa.array([i.source_id for i in items], pa.string()),
            "content_hash": pa.array([i.content_hash for i in items], pa.string()),
        }
    )
    con.register("_candidate_items", table)
    try:
        rows = con.execute(
            """
            SELECT c.item_id FROM _candidate_items c JOIN items i USING (item_id)
            UNION
            SELECT 'url:' || c.source_id || chr(31) || c.url
            FROM _candidate_items c
            JOIN items i ON i.url = c.url AND i.source_id = c.source_id
            UNION
            SELECT 'guid:' || c.source_id || chr(31) || c.guid
            FROM _candidate_items c
            JOIN items i ON i.guid = c.guid AND i.source_id = c.source_id
            UNION
            SELECT 'text:' || c.source_id || chr(31) || c.content_hash
            FROM _candidate_items c
            JOIN items i ON i.content_hash = c.content_hash AND i.source_id = c.source_id
            WHERE c.url IS NULL AND c.guid IS NULL AND i.url IS NULL AND i.guid IS NULL
            """
        ).fetchall()
    finally:
        con.unregister("_candidate_items")
    return {row[0] for row in rows}


def recent_items_for_clustering(
    con: duckdb.DuckDBPyConnection, since: datetime
) -> list[StoredStory]:
    """Stored items published since `since`: the window new items are clustered against."""
    rows = con.execute(
        "SELECT item_id, cluster_id, title, coalesce(summary, ''), published_at, url, offsite "
        "FROM items WHERE published_at >= ? ORDER BY published_at, item_id",
        [_utc(since)],
    ).fetchall()
    return [
        StoredStory(item_id, cluster_id, title, summary, _utc(published), url, bool(offsite))  # type: ignore[arg-type]
        for item_id, cluster_id, title, summary, published, url, offsite in rows
    ]


def latest_published_at(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the newest stored item was published (None for an empty warehouse)."""
    row = con.execute("SELECT max(published_at) FROM items").fetchone()
    return _utc(row[0]) if row else None


def earliest_published_at(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the oldest stored item was published (None for an empty warehouse)."""
    row = con.execute("SELECT min(published_at) FROM items").fetchone()
    return _utc(row[0]) if row else None


def published_span(
    con: duckdb.DuckDBPyConnection, newest_days: int = 5
) -> tuple[int, list[datetime]]:
    """How many items the warehouse holds, and the UTC days of the newest of them (up to
    `newest_days` distinct days, newest first), for "this window is empty" hints."""
    count = con.execute("SELECT count(*) FROM items").fetchone()
    days = con.execute(
        "SELECT DISTINCT CAST(timezone('UTC', published_at) AS DATE) AS day FROM items "
        "ORDER BY day DESC LIMIT ?",
        [newest_days],
    ).fetchall()
    return (int(count[0]) if count else 0), [d[0] for d in days]


def news_times(con: duckdb.DuckDBPyConnection, item_ids: Sequence[str]) -> dict[str, datetime]:
    """item_id -> when it became news: published, or first seen when the feed gave no date."""
    if not item_ids:
        return {}
    rows = con.execute(
        "SELECT item_id, CASE WHEN published_inferred THEN least(fetched_at, published_at) "
        "ELSE published_at END FROM items WHERE list_contains(?, item_id)",
        [list(dict.fromkeys(item_ids))],
    ).fetchall()
    return {item_id: moment for item_id, when in rows if (moment := _utc(when)) is not None}


def count_unclassified(con: duckdb.DuckDBPyConnection) -> int:
    """Items no classifier has labelled yet, whoever stored them (serve's wake-up asks)."""
    row = con.execute(
        "SELECT count(*) FROM items AS i ANTI JOIN classifications AS c USING (item_id)"
    ).fetchone()
    return int(row[0]) if row else 0


def count_items(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM items").fetchone()
    return int(row[0]) if row else 0


def items_needing_content(
    con: duckdb.DuckDBPyConnection, source_ids: Iterable[str], *, refetch: bool = False
) -> list[tuple[str, str, str]]:
    """(item_id, source_id, url) of these sources' items whose page was never fetched
    (every one with `refetch`); offsite items are left alone: their page is another's."""
    wanted = sorted(set(source_ids))
    if not wanted:
        return []
    rows = con.execute(
        "SELECT item_id, source_id, url FROM items "
        "WHERE source_id IN (SELECT unnest(?::VARCHAR[])) AND url IS NOT NULL AND NOT offsite "
        + ("" if refetch else "AND content_status IS NULL ")
        + "ORDER BY published_at DESC, item_id",
        [wanted],
    ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def store_contents(
    con: duckdb.DuckDBPyConnection, results: Sequence[PageResult], fetched_at: datetime
) -> None:
    """Record each page attempt; a failed one keeps any text an earlier attempt found."""
    if not results:
        return
    table = pa.table(
        {
            "item_id": pa.array([r.item_id for r in results], pa.string()),
            "status": pa.array([r.status for r in results], pa.string()),
            "extractor": pa.array([r.extractor for r in results], pa.string()),
            "content": pa.array([r.content for r in results], pa.string()),
            "error": pa.array([r.error for r in results], pa.string()),
        }
    )
    con.register("_contents_in", table)
    try:
        con.execute(
            """
            UPDATE items SET
                content = coalesce(c.content, items.content),
                content_extractor = CASE WHEN c.content IS NULL
                    THEN items.content_extractor ELSE c.extractor END,
                content_status = c.status, content_error = c.error, content_fetched_at = $at
            FROM _contents_in c WHERE items.item_id = c.item_id
            """,
            {"at": _utc(fetched_at)},
        )
    finally:
        con.unregister("_contents_in")


def stored_items(
    con: duckdb.DuckDBPyConnection,
    *,
    item_ids: Iterable[str] | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[Item]:
    """Stored items as ingest made them, newest first: these ids (all when None), published
    at or after `since`, at most `limit` of them."""
    sql = f"SELECT {_COLUMNS} FROM items WHERE published_at >= coalesce(?, published_at)"
    params: list[object] = [_utc(since)]
    if item_ids is not None:
        sql += " AND item_id IN (SELECT unnest(?::VARCHAR[]))"
        params.append(sorted(set(item_ids)))
    sql += " ORDER BY published_at DESC, item_id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(max(0, limit))
    rows = con.execute(sql, params).fetchall()
    names = _ITEM_SCHEMA.names
    items = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        values["published_at"] = _utc(values["published_at"])
        values["fetched_at"] = _utc(values["fetched_at"])
        values["offsite"] = bool(values["offsite"])
        values["summary"] = values["summary"] or ""
        items.append(Item(**values))
    return items
