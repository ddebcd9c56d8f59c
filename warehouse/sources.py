"""The feed catalog as stored, its fetch state between runs, and every fetch attempt.

A source's ETag/Last-Modified, consecutive failures and next-fetch time live here so the
next run can send conditional requests and leave failing feeds alone for a while.
Each attempt is a row in `fetches`, which is what `spacebrief sources` summarises.

A source's state belongs to its URL, not its name: a catalog entry whose URL is stored
under another id takes that id (`resolve_sources`), and an id stored with another URL
starts with no state of its own (`forget_other_urls`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from spacebrief.ingest.sources import source_key
from spacebrief.ingest.types import (
    FetchRecord,
    FetchStatus,
    PublishingHistory,
    Source,
    SourceState,
)

_TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class SourceHealth:
    """One row of `spacebrief sources`."""

    source_id: str
    name: str
    url: str
    last_status: FetchStatus | None
    last_fetched_at: datetime | None
    last_success_at: datetime | None
    consecutive_failures: int
    items: int
    next_fetch_at: datetime | None
    last_error: str | None
    # Full text (full_text sources): pages extracted, pages that failed, the latest reason.
    contents_ok: int = 0
    contents_failed: int = 0
    content_error: str | None = None
    poll_interval_seconds: float | None = None
    entries_per_day: float | None = None
    schedule_reason: str | None = None


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def resolve_sources(con: duckdb.DuckDBPyConnection, sources: Sequence[Source]) -> list[Source]:
    """The sources with the ids their URLs are stored under (read only; order kept, one
    per id): a URL the warehouse knows keeps its id, whatever the source is called now
    (when an older run split one URL over two ids, the one named like this source wins,
    else the one with the most items)."""
    rows = con.execute(
        "SELECT s.source_id, s.url, count(i.item_id) FROM sources AS s "
        "LEFT JOIN items AS i USING (source_id) GROUP BY ALL ORDER BY s.source_id"
    ).fetchall()
    known: dict[str, list[tuple[str, int]]] = {}
    for source_id, url, items in rows:
        known.setdefault(source_key(url), []).append((source_id, int(items)))
    resolved: dict[str, Source] = {}
    for source in sources:
        stored = known.get(source_key(source.url))
        chosen = source.source_id
        if stored and chosen not in [source_id for source_id, _ in stored]:
            chosen = max(stored, key=lambda row: (row[1], row[0]))[0]
        resolved.setdefault(chosen, replace(source, source_id=chosen))
    return list(resolved.values())


def forget_other_urls(con: duckdb.DuckDBPyConnection, sources: Sequence[Source]) -> list[str]:
    """Clear the fetch state (validators, failures, backoff, schedule) of each source whose
    id was stored with another URL: the state is the URL's, so a new feed named like an
    old failed one starts afresh. Its items keep their ids. Returns the ids cleared."""
    stored = dict(
        con.execute(
            "SELECT source_id, url FROM sources WHERE list_contains(?, source_id)",
            [[s.source_id for s in sources]],
        ).fetchall()
    )
    moved = [
        s.source_id
        for s in sources
        if s.source_id in stored and source_key(stored[s.source_id]) != source_key(s.url)
    ]
    if moved:
        con.execute(
            "UPDATE sources SET etag = NULL, last_modified = NULL, consecutive_failures = 0, "
            "next_fetch_at = NULL, last_status = NULL, last_error = NULL, "
            "poll_interval_seconds = NULL, entries_per_day = NULL, schedule_reason = NULL, "
            "feed_ttl_seconds = NULL, feed_update_seconds = NULL WHERE list_contains(?, source_id)",
            [moved],
        )
    return moved


def upsert_sources(con: duckdb.DuckDBPyConnection, sources: Iterable[Source]) -> None:
    """Add new sources and refresh the name/url/language/tags of known ones (a source
    named only after its file or URL keeps the name a catalog gave it)."""
    unique = {s.source_id: s for s in sources}
    if not unique:
        return
    table = pa.table(
        {
            "source_id": pa.array(list(unique), pa.string()),
            "name": pa.array([s.name for s in unique.values()], pa.string()),
            "url": pa.array([s.url for s in unique.values()], pa.string()),
            "language": pa.array([s.language for s in unique.values()], pa.string()),
            "tags": pa.array([list(s.tags) for s in unique.values()], pa.list_(pa.string())),
            "unnamed": pa.array([s.named_from_location for s in unique.values()], pa.bool_()),
        }
    )
    now = datetime.now(UTC)
    con.register("_sources_in", table)
    try:
        for unnamed, name in ((False, "excluded.name"), (True, "sources.name")):
            con.execute(
                f"""
                INSERT INTO sources (source_id, name, url, language, tags, updated_at)
                SELECT source_id, name, url, language, tags, $now FROM _sources_in
                WHERE unnamed = $unnamed
                ON CONFLICT (source_id) DO UPDATE SET
                    name = {name}, url = excluded.url, language = excluded.language,
                    tags = excluded.tags, updated_at = excluded.updated_at
                """,
                {"now": now, "unnamed": unnamed},
            )
    finally:
        con.unregister("_sources_in")


def source_states(
    con: duckdb.DuckDBPyConnection, source_ids: Iterable[str] | None = None
) -> dict[str, SourceState]:
    """Remembered validators and backoff per source (all sources when ids is None)."""
    rows = con.execute(
        "SELECT source_id, etag, last_modified, consecutive_failures, next_fetch_at, "
        "last_status, poll_interval_seconds, entries_per_day, schedule_reason, "
        "feed_ttl_seconds, feed_update_seconds FROM sources"
    ).fetchall()
    wanted = set(source_ids) if source_ids is not None else None
    return {
        row[0]: SourceState(row[0], row[1], row[2], int(row[3] or 0), _utc(row[4]), *row[5:])
        for row in rows
        if wanted is None or row[0] in wanted
    }


def publishing_history(
    con: duckdb.DuckDBPyConnection, source_ids: Iterable[str], since: datetime
) -> dict[str, PublishingHistory]:
    """Per source: dated items since `since`, the oldest of them, first fetch, dated items.

    Items whose date was inferred (the feed gave none) say nothing about a rate.
    """
    ids = list(dict.fromkeys(source_ids))
    if not ids:
        return {}
    rows = con.execute(
        """
        WITH wanted AS (SELECT unnest($ids::VARCHAR[]) AS source_id),
        dated AS (
            SELECT source_id, count(*) FILTER (WHERE published_at >= $since) AS recent,
                   min(published_at) FILTER (WHERE published_at >= $since) AS oldest_recent,
                   count(*) AS dated
            FROM items WHERE source_id IN (SELECT source_id FROM wanted)
              AND NOT published_inferred
            GROUP BY source_id
        ), followed AS (
            SELECT source_id, min(started_at) AS since FROM fetches
            WHERE source_id IN (SELECT source_id FROM wanted) GROUP BY source_id
        )
        SELECT w.source_id, coalesce(d.recent, 0), d.oldest_recent, f.since,
               coalesce(d.dated, 0)
        FROM wanted w LEFT JOIN dated d USING (source_id) LEFT JOIN followed f USING (source_id)
        """,
        {"since": _utc(since), "ids": ids},
    ).fetchall()
    return {
        row[0]: PublishingHistory(int(row[1]), _utc(row[2]), _utc(row[3]), int(row[4]))
        for row in rows
    }


def save_source_states(
    con: duckdb.DuckDBPyConnection,
    states: Sequence[SourceState],
    last_errors: Mapping[str, str | None],
    fetched_at: datetime,
) -> None:
    """Store the state each attempted source ends the run with."""
    if not states:
        return
    table = pa.table(
        {
            "source_id": pa.array([s.source_id for s in states], pa.string()),
            "etag": pa.array([s.etag for s in states], pa.string()),
            "last_modified": pa.array([s.last_modified for s in states], pa.string()),
            "consecutive_failures": pa.array([s.consecutive_failures for s in states], pa.int32()),
            "next_fetch_at": pa.array([_utc(s.next_fetch_at) for s in states], _TS),
            "last_status": pa.array([s.last_status for s in states], pa.string()),
            "poll_interval_seconds": pa.array(
                [s.poll_interval_seconds for s in states], pa.float64()
            ),
            "entries_per_day": pa.array([s.entries_per_day for s in states], pa.float64()),
            "schedule_reason": pa.array([s.schedule_reason for s in states], pa.string()),
            "feed_ttl_seconds": pa.array([s.feed_ttl_seconds for s in states], pa.float64()),
            "feed_update_seconds": pa.array([s.feed_update_seconds for s in states], pa.float64()),
            "last_error": pa.array([last_errors.get(s.source_id) for s in states], pa.string()),
        }
    )
    con.register("_states_in", table)
    try:
        con.execute(
            """
            UPDATE sources SET
                etag = s.etag, last_modified = s.last_modified,
                consecutive_failures = s.consecutive_failures, next_fetch_at = s.next_fetch_at,
                last_status = s.last_status, last_error = s.last_error,
                poll_interval_seconds = s.poll_interval_seconds,
                entries_per_day = s.entries_per_day, schedule_reason = s.schedule_reason,
                feed_ttl_seconds = s.feed_ttl_seconds,
                feed_update_seconds = s.feed_update_seconds,
                last_fetched_at = $at, updated_at = $at
            FROM _states_in s WHERE sources.source_id = s.source_id
            """,
            {"at": _utc(fetched_at)},
        )
    finally:
        con.unregister("_states_in")


def record_fetches(
    con: duckdb.DuckDBPyConnection, records: Sequence[FetchRecord], run_id: str | None = None
) -> None:
    """One `fetches` row per attempt (skips included, so health shows them)."""
    if not records:
        return
    table = pa.table(
        {
            "run_id": pa.array([run_id] * len(records), pa.string()),
            "source_id": pa.array([r.source_id for r in records], pa.string()),
            "url": pa.array([r.url for r in records], pa.string()),
            "started_at": pa.array([_utc(r.started_at) for r in records], _TS),
            "duration_ms": pa.array([r.duration_ms for r in records], pa.float64()),
            "status": pa.array([r.status for r in records], pa.string()),
            "http_status": pa.array([r.http_status for r in records], pa.int32()),
            "bytes": pa.array([r.bytes for r in records], pa.int64()),
            "entries": pa.array([r.entries for r in records], pa.int32()),
            "new_items": pa.array([r.new_items for r in records], pa.int32()),
            "error": pa.array([r.error for r in records], pa.string()),
        }
    )
    columns = ", ".join(table.column_names)
    con.register("_fetches_in", table)
    try:
        con.execute(f"INSERT INTO fetches ({columns}) SELECT {columns} FROM _fetches_in")
    finally:
        con.unregister("_fetches_in")


def source_health(
    con: duckdb.DuckDBPyConnection, source_ids: Sequence[str] | None = None
) -> list[SourceHealth]:
    """Each source's last status, last success, failures, items stored and next fetch:
    these sources' (the catalog in use), every source ever seen when None."""
    rows = con.execute(
        """
        WITH success AS (
            SELECT source_id, max(started_at) AS last_success_at FROM fetches
            WHERE status IN ('ok', 'not_modified', 'empty') GROUP BY source_id
        ), counts AS (
            SELECT source_id, count(*) AS items,
                   count(*) FILTER (WHERE content_status = 'ok') AS contents_ok,
                   count(*) FILTER (WHERE content_status IN ('failed', 'blocked'))
                       AS contents_failed,
                   arg_max(content_error, content_fetched_at)
                       FILTER (WHERE content_status IN ('failed', 'blocked')) AS content_error
            FROM items GROUP BY source_id
        )
        SELECT s.source_id, s.name, s.url, s.last_status, s.last_fetched_at,
               success.last_success_at, s.consecutive_failures, coalesce(counts.items, 0),
               s.next_fetch_at, s.last_error, coalesce(counts.contents_ok, 0),
               coalesce(counts.contents_failed, 0), counts.content_error,
               s.poll_interval_seconds, s.entries_per_day,
               s.schedule_reason
        FROM sources s
        LEFT JOIN success USING (source_id)
        LEFT JOIN counts USING (source_id)
        WHERE $ids IS NULL OR list_contains($ids, s.source_id)
        ORDER BY s.consecutive_failures DESC, s.name
        """,
        {"ids": list(source_ids) if source_ids is not None else None},
    ).fetchall()
    return [
        SourceHealth(
            source_id=row[0],
            name=row[1],
            url=row[2],
            last_status=row[3],
            last_fetched_at=_utc(row[4]),
            last_success_at=_utc(row[5]),
            consecutive_failures=int(row[6] or 0),
            items=int(row[7]),
            next_fetch_at=_utc(row[8]),
            last_error=row[9],
            contents_ok=int(row[10]),
            contents_failed=int(row[11]),
            content_error=row[12],
            poll_interval_seconds=row[13],
            entries_per_day=row[14],
            schedule_reason=row[15],
        )
        for row in rows
    ]
