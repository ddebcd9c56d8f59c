"""Entities and editions for the reading room: who is named most, one actor's stories
over time and its trends, and the archive of editions written.

An actor's stories are counted as stories (`story_reports`, falling back to the item's
cluster before stories were read), so one event syndicated forty times counts once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import duckdb

from spacebrief.warehouse.room import StoryCount, in_list


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
    """Actors by the stories naming them since the first day of `since`'s month (every
    month when None), most first, from `actor_months`: a story told across two months
    counts in each."""
    start = since.replace(day=1) if since else None
    rows = con.execute(
        """
        SELECT actor, any_value(kind), sum(stories), sum(items), max(month)
        FROM actor_months
        WHERE ($kind IS NULL OR kind = $kind) AND ($since IS NULL OR month >= $since)
        GROUP BY actor
        ORDER BY 3 DESC, actor
        LIMIT $limit
        """,
        {"kind": kind, "since": start, "limit": limit},
    ).fetchall()
    return [
        ActorTotal(r[0], r[1], int(r[2]), int(r[3]), datetime.combine(r[4], time(0), tzinfo=UTC))
        for r in rows
    ]


def entity_detail(
    con: duckdb.DuckDBPyConnection, name: str, *, month: str | None = None, limit: int = 100
) -> EntityDetail | None:
    """One actor: stories per month, and the chosen month's (default the latest) stories
    and trends. None when no item names it."""
    counted = con.execute(
        "SELECT strftime(month, '%Y-%m'), stories, items, kind FROM actor_months "
        "WHERE actor = ? ORDER BY month",
        [name],
    ).fetchall()
    if not counted:
        return None
    months = tuple(MonthCount(r[0], int(r[1]), int(r[2])) for r in counted)
    kind = str(counted[-1][3])
    shown = month if month and any(m.month == month for m in months) else months[-1].month
    start = datetime.strptime(shown + "-01", "%Y-%m-%d").replace(tzinfo=UTC)
    end = (start + timedelta(days=32)).replace(day=1)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE room_entity AS "
        "SELECT item_id, published_at, coalesce(story_id, item_id) AS story_id, trends "
        "FROM item_actors WHERE actor = ? AND published_at >= ? AND published_at < ?",
        [name, start, end],
    )
    trends = tuple(
        TrendCountLine(r[0], r[1], r[2], int(r[3]))
        for r in con.execute(
            """
            WITH named AS (
                SELECT story_id, unnest(trends) AS trend_id FROM room_entity
            ),
            newest AS (  -- trend ids are stable across taxonomy versions: the newest's names
                SELECT trend_id, name, family FROM trends
                QUALIFY row_number() OVER (
                    PARTITION BY trend_id ORDER BY taxonomy_version DESC) = 1
            )
            SELECT n.trend_id, coalesce(any_value(t.name), n.trend_id),
                   coalesce(any_value(t.family), ''), count(DISTINCT n.story_id)
            FROM named AS n
            LEFT JOIN newest AS t USING (trend_id)
            GROUP BY n.trend_id
            ORDER BY 4 DESC, n.trend_id
            """
        ).fetchall()
    )
    stories = _stories(con, limit)
    in_month = next((m.stories for m in months if m.month == shown), 0)
    return EntityDetail(name, kind, months, trends, stories, shown, in_month)


def _stories(con: duckdb.DuckDBPyConnection, limit: int) -> tuple[ActorStory, ...]:
    """The month's newest stories naming the actor, each by its first independent report,
    with how it was reported: every look-up after the first by the chosen stories' keys."""
    chosen = con.execute(
        "SELECT story_id, min(published_at) AS first_named, list(item_id) FROM room_entity "
        "GROUP BY story_id ORDER BY first_named DESC, story_id LIMIT ?",
        [limit],
    ).fetchall()
    story_ids = [row[0] for row in chosen]
    reports: dict[str, list[tuple[str, str, datetime, str]]] = {}
    for story_id, item_id, role, published, outlet in con.execute(
        "SELECT s.story_id, s.item_id, s.role, i.published_at, "
        "coalesce(i.source_name, i.source_id) FROM story_reports AS s "
        "JOIN items AS i USING (item_id) "
        f"WHERE s.story_id IN {in_list(story_ids)} ORDER BY i.published_at, s.item_id",
        story_ids,
    ).fetchall():
        reports.setdefault(story_id, []).append((item_id, role, _utc(published), outlet))
    leads: list[str] = []
    for story_id, _, named in chosen:
        naming = [r[0] for r in reports.get(story_id, []) if r[0] in named]
        independent = [
            r[0] for r in reports.get(story_id, []) if r[1] == "independent" and r[0] in named
        ]
        leads.append((independent or naming or named)[0])
    titles = dict(
        con.execute(
            f"SELECT item_id, title FROM items WHERE item_id IN {in_list(leads)}", leads
        ).fetchall()
    )
    trends = dict(
        con.execute(
            "SELECT item_id, trends FROM current_classifications "
            f"WHERE item_id IN {in_list(leads)}",
            leads,
        ).fetchall()
    )
    out = []
    for (story_id, first_named, _), lead in zip(chosen, leads, strict=True):
        told = reports.get(story_id, [])
        out.append(
            ActorStory(
                story=StoryCount(
                    story_id,
                    max(1, len(told)),
                    max(1, sum(r[1] == "independent" for r in told)),
                    sum(r[1] == "echo" for r in told),
                ),
                item_id=lead,
                headline=titles.get(lead, ""),
                first_published=_utc(first_named),
                outlets=tuple(r[3] for r in told if r[1] == "independent"),
                trends=tuple(trends.get(lead) or ()),
            )
        )
    return tuple(out)


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
