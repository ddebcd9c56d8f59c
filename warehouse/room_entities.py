"""Entities and editions for the reading room: who is named most, one actor's stories
over time and its trends, and the archive of editions written.

An actor's stories are counted as stories (`story_reports`, falling back to the item's
cluster before stories were read), so one event syndicated forty times counts once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import duckdb

from spacebrief.warehouse.room import StoryCount


@dataclass(frozen=True)
class ActorTotal:
    name: str
    kind: str
    stories: int
    items: int
    last_named: datetime


@dataclass(frozen=True)
class MonthCount:
    month: str  # YYYY-MM
    stories: int
    items: int


@dataclass(frozen=True)
class TrendCountLine:
    trend_id: str
    name: str
    family: str
    stories: int


@dataclass(frozen=True)
class ActorStory:
    story: StoryCount
    item_id: str  # the report shown: the story's first independent one naming the actor
    headline: str
    first_published: datetime
    outlets: tuple[str, ...]  # the independent reports' outlets, first first
    trends: tuple[str, ...]


@dataclass(frozen=True)
class EntityDetail:
    name: str
    kind: str
    months: tuple[MonthCount, ...]  # every month it was named, oldest first
    trends: tuple[TrendCountLine, ...]  # in the chosen month, most stories first
    stories: tuple[ActorStory, ...]  # in the chosen month, newest first
    month: str | None  # the month shown
    stories_in_month: int


@dataclass(frozen=True)
class EditionEntry:
    edition_id: str
    edition_date: date
    days: int
    items: int
    html_path: str | None
    json_path: str | None
    created_at: datetime


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def actor_totals(
    con: duckdb.DuckDBPyConnection,
    *,
    kind: str | None = None,
    since: date | None = None,
    limit: int = 200,
) -> list[ActorTotal]:
    """Actors by the stories naming them (since a day, of a kind), most first."""
    rows = con.execute(
        """
        SELECT a.actor, any_value(a.kind), count(DISTINCT coalesce(s.story_id, i.cluster_id)),
               count(*), max(a.published_at)
        FROM item_actors AS a
        JOIN items AS i USING (item_id)
        LEFT JOIN story_reports AS s USING (item_id)
        WHERE ($kind IS NULL OR a.kind = $kind) AND ($since IS NULL OR a.published_at >= $since)
        GROUP BY a.actor
        ORDER BY 3 DESC, a.actor
        LIMIT $limit
        """,
        {
            "kind": kind,
            "since": datetime.combine(since, time(0), tzinfo=UTC) if since else None,
            "limit": limit,
        },
    ).fetchall()
    return [ActorTotal(r[0], r[1], int(r[2]), int(r[3]), _utc(r[4])) for r in rows]


def entity_detail(
    con: duckdb.DuckDBPyConnection, name: str, *, month: str | None = None, limit: int = 100
) -> EntityDetail | None:
    """One actor: stories per month, and the chosen month's (default the latest) stories
    and trends. None when no item names it."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE room_entity AS
        SELECT a.item_id, a.kind, a.published_at, a.in_title,
               strftime(timezone('UTC', a.published_at), '%Y-%m') AS month,
               coalesce(s.story_id, i.cluster_id) AS story_id, s.role
        FROM item_actors AS a
        JOIN items AS i USING (item_id)
        LEFT JOIN story_reports AS s USING (item_id)
        WHERE a.actor = ?
        """,
        [name],
    )
    kind_row = con.execute("SELECT any_value(kind) FROM room_entity").fetchone()
    if kind_row is None or kind_row[0] is None:
        return None
    months = tuple(
        MonthCount(r[0], int(r[1]), int(r[2]))
        for r in con.execute(
            "SELECT month, count(DISTINCT story_id), count(*) FROM room_entity "
            "GROUP BY month ORDER BY month"
        ).fetchall()
    )
    shown = month if month and any(m.month == month for m in months) else months[-1].month
    trends = tuple(
        TrendCountLine(r[0], r[1], r[2], int(r[3]))
        for r in con.execute(
            """
            SELECT l.trend_id, coalesce(any_value(t.name), l.trend_id),
                   coalesce(any_value(t.family), ''), count(DISTINCT e.story_id)
            FROM room_entity AS e
            JOIN current_classifications AS c USING (item_id)
            JOIN labels AS l
              ON l.item_id = c.item_id AND l.classifier_version = c.classifier_version
             AND l.taxonomy_version = c.taxonomy_version
            LEFT JOIN trends AS t
              ON t.trend_id = l.trend_id AND t.taxonomy_version = l.taxonomy_version
            WHERE e.month = ?
            GROUP BY l.trend_id
            ORDER BY 4 DESC, l.trend_id
            """,
            [shown],
        ).fetchall()
    )
    stories = _stories(con, shown, limit)
    in_month = next((m.stories for m in months if m.month == shown), 0)
    return EntityDetail(name, kind_row[0], months, trends, stories, shown, in_month)


def _stories(con: duckdb.DuckDBPyConnection, month: str, limit: int) -> tuple[ActorStory, ...]:
    rows = con.execute(
        """
        WITH chosen AS (
            SELECT story_id, min(published_at) AS first_named,
                   arg_min(item_id, (coalesce(role, 'independent') <> 'independent',
                                     published_at, item_id)) AS item_id
            FROM room_entity WHERE month = ?
            GROUP BY story_id
            ORDER BY first_named DESC, story_id
            LIMIT ?
        ),
        reports AS (
            SELECT s.story_id, s.item_id, s.role, i.published_at,
                   coalesce(i.source_name, i.source_id) AS outlet
            FROM story_reports AS s JOIN items AS i USING (item_id)
            WHERE s.story_id IN (SELECT story_id FROM chosen)
        )
        SELECT ch.story_id, ch.item_id, i.title, i.cluster_id,
               coalesce(min(r.published_at), i.published_at),
               count(r.item_id), count(r.item_id) FILTER (WHERE r.role = 'independent'),
               count(r.item_id) FILTER (WHERE r.role = 'echo'),
               list(r.outlet ORDER BY r.published_at, r.item_id)
                   FILTER (WHERE r.role = 'independent'),
               coalesce(any_value(c.trends), []::VARCHAR[])
        FROM chosen AS ch
        JOIN items AS i ON i.item_id = ch.item_id
        LEFT JOIN reports AS r ON r.story_id = ch.story_id
        LEFT JOIN current_classifications AS c ON c.item_id = ch.item_id
        GROUP BY ch.story_id, ch.item_id, i.title, i.cluster_id, i.published_at, ch.first_named
        ORDER BY ch.first_named DESC, ch.story_id
        """,
        [month, limit],
    ).fetchall()
    return tuple(
        ActorStory(
            story=StoryCount(r[0], max(1, int(r[5])), max(1, int(r[6])), int(r[7])),
            item_id=r[1],
            headline=r[2],
            first_published=_utc(r[4]),
            outlets=tuple(r[8] or ()),
            trends=tuple(r[9]),
        )
        for r in rows
    )


def list_editions(con: duckdb.DuckDBPyConnection) -> list[EditionEntry]:
    """Every edition written, newest first."""
    return [
        EditionEntry(r[0], r[1], int(r[2]), int(r[3]), r[4], r[5], _utc(r[6]))
        for r in con.execute(
            "SELECT edition_id, edition_date, days, items, html_path, json_path, created_at "
            "FROM editions ORDER BY edition_date DESC, days, edition_id"
        ).fetchall()
    ]


def edition_entry(con: duckdb.DuckDBPyConnection, edition_id: str) -> EditionEntry | None:
    return next((e for e in list_editions(con) if e.edition_id == edition_id), None)


def edition_items(con: duckdb.DuckDBPyConnection, edition_id: str) -> dict[int, str]:
    """[n] -> the item it cites, for the edition's links into the reading room."""
    return dict(
        con.execute(
            "SELECT number, item_id FROM edition_citations WHERE edition_id = ? ORDER BY number",
            [edition_id],
        ).fetchall()
    )
