"""Stories and actors as data: written when items are classified, backfilled on demand.

`read_for_the_room` is called by the classify step inside the transaction that stores a
batch's classifications: it records the actors each item names (`item_actors`), puts
each item in its story and recomputes the roles of the stories it touched
(`story_reports`). The grouping and the roles are `ingest.stories`' (pure Python over
plain records); here are the reads and writes around them. Items already in a story
stay there, so re-running adds nothing and renames nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb
import numpy as np
import pyarrow as pa

from spacebrief.classifiers.actors import named_actors
from spacebrief.ingest.stories import STORY_HOURS, Report, ReportRole, assign_stories, report_roles

_REPORT_COLUMNS = """
    i.item_id, i.cluster_id, i.source_id, i.published_at, i.title, coalesce(i.summary, '')
        AS summary, i.url, i.offsite, c.embedding,
    (SELECT list(a.actor ORDER BY a.actor) FROM item_actors AS a WHERE a.item_id = i.item_id)
        AS actors
"""
_REPORT_FROM = """
    FROM items AS i
    LEFT JOIN current_classifications AS cc USING (item_id)
    LEFT JOIN classifications AS c
      ON c.item_id = cc.item_id AND c.classifier_version = cc.classifier_version
     AND c.taxonomy_version = cc.taxonomy_version
"""


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _reports(con: duckdb.DuckDBPyConnection, where: str, params: list[object]) -> list[Report]:
    table = con.sql(
        f"SELECT {_REPORT_COLUMNS} {_REPORT_FROM} WHERE {where} ORDER BY i.published_at, i.item_id",
        params=params,
    ).to_arrow_table()
    embeddings = _embedding_rows(table.column("embedding"))
    rows = table.drop(["embedding"]).to_pylist()
    return [
        Report(
            item_id=row["item_id"],
            cluster_id=row["cluster_id"],
            source_id=row["source_id"],
            published_at=_utc(row["published_at"]),
            title=row["title"],
            summary=row["summary"],
            url=row["url"],
            offsite=bool(row["offsite"]),
            embedding=embedding,
            actors=frozenset(row["actors"] or ()),
        )
        for row, embedding in zip(rows, embeddings, strict=True)
    ]


def _embedding_rows(column: pa.ChunkedArray) -> list[np.ndarray | None]:
    """Arrow lists of floats as numpy rows, without a Python float per value."""
    out: list[np.ndarray | None] = []
    for chunk in column.chunks:
        if pa.types.is_null(chunk.type):
            out.extend([None] * len(chunk))
            continue
        values = chunk.flatten().to_numpy(zero_copy_only=False).astype(np.float32)
        offsets = chunk.offsets.to_numpy() - chunk.offsets[0].as_py()
        valid = chunk.is_valid().to_numpy(zero_copy_only=False)
        for row in range(len(chunk)):
            start, end = offsets[row], offsets[row + 1]
            out.append(values[start:end] if valid[row] and end > start else None)
    return out


# ----------------------------------------------------------------------------- actors


def store_actors(
    con: duckdb.DuckDBPyConnection, item_ids: Sequence[str], *, replace: bool = False
) -> int:
    """Record the actors these items name (items already read are left alone unless
    `replace`); returns the rows written."""
    ids = sorted(set(item_ids))
    if not ids:
        return 0
    read = "" if replace else "AND i.item_id NOT IN (SELECT item_id FROM item_actors) "
    rows = con.execute(
        "SELECT i.item_id, i.title, coalesce(i.summary, '') || ' ' || coalesce(i.content, ''), "
        "i.published_at FROM items AS i "
        f"WHERE i.item_id IN (SELECT unnest(?::VARCHAR[])) {read}",
        [ids],
    ).fetchall()
    found = [
        (item_id, named, published)
        for item_id, title, body, published in rows
        for named in named_actors(title, body)
    ]
    table = pa.table(
        {
            "item_id": pa.array([f[0] for f in found], pa.string()),
            "actor": pa.array([f[1].actor.name for f in found], pa.string()),
            "kind": pa.array([f[1].actor.kind for f in found], pa.string()),
            "mentions": pa.array([f[1].mentions for f in found], pa.int32()),
            "in_title": pa.array([f[1].in_title for f in found], pa.bool_()),
            "published_at": pa.array([f[2] for f in found], pa.timestamp("us", tz="UTC")),
        }
    )
    if replace:
        con.execute(
            "DELETE FROM item_actors WHERE item_id IN (SELECT unnest(?::VARCHAR[]))",
            [[row[0] for row in rows]],
        )
    con.register("_new_actors", table)
    try:
        con.execute(
            "INSERT INTO item_actors (item_id, actor, kind, mentions, in_title, published_at, "
            "story_id, trends) SELECT a.item_id, a.actor, a.kind, a.mentions, a.in_title, "
            "a.published_at, s.story_id, c.trends FROM _new_actors AS a "
            "LEFT JOIN story_reports AS s USING (item_id) "
            "LEFT JOIN current_classifications AS c USING (item_id) ON CONFLICT DO NOTHING"
        )
    finally:
        con.unregister("_new_actors")
    return table.num_rows


# ----------------------------------------------------------------------------- stories


def store_stories(
    con: duckdb.DuckDBPyConnection, item_ids: Sequence[str], *, now: datetime | None = None
) -> int:
    """Put these items in their stories and recompute the roles of every story touched;
    returns how many items were newly placed. Items must have their actors already."""
    ids = sorted(set(item_ids))
    if not ids:
        return 0
    new = _reports(
        con,
        "i.item_id IN (SELECT unnest(?::VARCHAR[])) "
        "AND i.item_id NOT IN (SELECT item_id FROM story_reports)",
        [ids],
    )
    if not new:
        return 0
    window = timedelta(hours=STORY_HOURS)
    start = min(r.published_at for r in new) - window
    end = max(r.published_at for r in new) + window
    known_reports = _reports(
        con,
        "i.item_id IN (SELECT item_id FROM story_reports) AND ("
        "(i.published_at BETWEEN ? AND ?) OR i.cluster_id IN (SELECT unnest(?::VARCHAR[])))",
        [start, end, sorted({r.cluster_id for r in new})],
    )
    stories = dict(
        con.execute(
            "SELECT item_id, story_id FROM story_reports "
            "WHERE item_id IN (SELECT unnest(?::VARCHAR[]))",
            [[r.item_id for r in known_reports]],
        ).fetchall()
    )
    assigned = assign_stories(new, [(r, stories[r.item_id]) for r in known_reports])
    touched = sorted(set(assigned.values()))
    members = _reports(
        con,
        "i.item_id IN (SELECT item_id FROM story_reports WHERE story_id IN "
        "(SELECT unnest(?::VARCHAR[])))",
        [touched],
    )
    story_of_member = dict(
        con.execute(
            "SELECT item_id, story_id FROM story_reports "
            "WHERE story_id IN (SELECT unnest(?::VARCHAR[]))",
            [touched],
        ).fetchall()
    )
    by_story: dict[str, list[Report]] = {story: [] for story in touched}
    for report in members:
        by_story[story_of_member[report.item_id]].append(report)
    for report in new:
        by_story[assigned[report.item_id]].append(report)
    roles = [role for story, reports in by_story.items() for role in report_roles(story, reports)]
    _write_roles(con, roles, now or datetime.now(UTC))
    placed = [r.item_id for r in new]
    con.execute(
        "UPDATE item_actors SET story_id = s.story_id FROM story_reports AS s "
        "WHERE item_actors.item_id = s.item_id "
        "AND item_actors.item_id IN (SELECT unnest(?::VARCHAR[]))",
        [placed],
    )
    _count_actor_months(con, placed)
    return len(new)


def _count_actor_months(con: duckdb.DuckDBPyConnection, placed: Sequence[str]) -> None:
    """Add the newly placed items to `actor_months`: each item once, each story once per
    actor and month (a story already counted there by an earlier item adds nothing)."""
    con.execute(
        """
        INSERT INTO actor_months (actor, kind, month, items, stories)
        WITH batch AS (
            SELECT actor, kind, story_id, item_id,
                   CAST(date_trunc('month', timezone('UTC', published_at)) AS DATE) AS month
            FROM item_actors WHERE item_id IN (SELECT unnest($placed::VARCHAR[]))
        ),
        counted_before AS (
            SELECT DISTINCT a.actor, a.story_id,
                   CAST(date_trunc('month', timezone('UTC', a.published_at)) AS DATE) AS month
            FROM item_actors AS a
            WHERE a.story_id IN (SELECT story_id FROM batch)
              AND a.item_id NOT IN (SELECT unnest($placed::VARCHAR[]))
        )
        SELECT b.actor, any_value(b.kind), b.month, count(*),
               count(DISTINCT b.story_id) FILTER (WHERE c.story_id IS NULL)
        FROM batch AS b
        LEFT JOIN counted_before AS c
          ON c.actor = b.actor AND c.story_id = b.story_id AND c.month = b.month
        GROUP BY b.actor, b.month
        ON CONFLICT (actor, month) DO UPDATE SET
            items = actor_months.items + excluded.items,
            stories = actor_months.stories + excluded.stories
        """,
        {"placed": list(placed)},
    )


def refresh_actor_months(con: duckdb.DuckDBPyConnection) -> None:
    """Recount `actor_months` from `item_actors` (after actors were read again)."""
    con.execute("DELETE FROM actor_months")
    con.execute(
        """
        INSERT INTO actor_months (actor, kind, month, items, stories)
        SELECT actor, any_value(kind),
               CAST(date_trunc('month', timezone('UTC', published_at)) AS DATE) AS month,
               count(*), count(DISTINCT coalesce(story_id, item_id))
        FROM item_actors
        GROUP BY actor, month
        """
    )


def _write_roles(
    con: duckdb.DuckDBPyConnection, roles: Sequence[ReportRole], now: datetime
) -> None:
    table = pa.table(
        {
            "item_id": pa.array([r.item_id for r in roles], pa.string()),
            "story_id": pa.array([r.story_id for r in roles], pa.string()),
            "role": pa.array([r.role for r in roles], pa.string()),
            "echo_of": pa.array([r.echo_of for r in roles], pa.string()),
            "reason": pa.array([r.reason for r in roles], pa.string()),
        }
    )
    con.register("_new_roles", table)
    try:
        con.execute(
            "INSERT INTO story_reports (item_id, story_id, role, echo_of, reason, assigned_at) "
            "SELECT item_id, story_id, role, echo_of, reason, $now FROM _new_roles "
            "ON CONFLICT (item_id) DO UPDATE SET role = excluded.role, "
            "echo_of = excluded.echo_of, reason = excluded.reason",
            {"now": now},
        )
    finally:
        con.unregister("_new_roles")


def read_for_the_room(con: duckdb.DuckDBPyConnection, item_ids: Sequence[str]) -> None:
    """What the classify step records beside the labels: actors, then stories; and, for
    items read before (a relabel), their actors' copy of the labels."""
    store_actors(con, item_ids)
    store_stories(con, item_ids)
    con.execute(
        "UPDATE item_actors SET trends = c.trends FROM current_classifications AS c "
        "WHERE item_actors.item_id = c.item_id "
        "AND item_actors.item_id IN (SELECT unnest(?::VARCHAR[]))",
        [list(item_ids)],
    )


# ----------------------------------------------------------------------------- backfill


@dataclass(frozen=True)
class BackfillReport:
    """What a backfill did: items read, actor mentions written, editions whose
    citations were recorded."""

    items: int  # items read for actors and stories
    actors: int  # actor rows written
    editions: int  # editions whose citations were recorded

    def describe(self) -> str:
        return (
            f"Read {self.items:,} stored item(s) for their actors and stories "
            f"({self.actors:,} actor mention(s)); recorded the citations of "
            f"{self.editions} edition(s)."
        )


def items_to_backfill(con: duckdb.DuckDBPyConnection, *, reread: bool = False) -> list[str]:
    """Classified items with no story yet (every classified item with `reread`), oldest
    first: stories are placed in publication order, as the classify step does."""
    unread = "" if reread else "WHERE c.item_id NOT IN (SELECT item_id FROM story_reports) "
    return [
        row[0]
        for row in con.execute(
            "SELECT c.item_id FROM current_classifications AS c JOIN items AS i USING (item_id) "
            f"{unread}ORDER BY i.published_at, i.item_id"
        ).fetchall()
    ]


def editions_without_citations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None]]:
    """(edition id, its JSON file) of the editions written before citations were kept."""
    return [
        (row[0], row[1])
        for row in con.execute(
            "SELECT edition_id, json_path FROM editions "
            "WHERE edition_id NOT IN (SELECT edition_id FROM edition_citations) "
            "ORDER BY edition_id"
        ).fetchall()
    ]


def backfill_chunks(item_ids: Sequence[str], size: int = 2_000) -> Iterable[Sequence[str]]:
    """The backfill's transactions: a crash loses at most one chunk, and a re-run resumes."""
    for start in range(0, len(item_ids), size):
        yield item_ids[start : start + size]
