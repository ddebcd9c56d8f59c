"""One item whole, for the reading room's item page: its text, every label it ever had,
its story's other reports, the actors it names, its alerts, clicks and editions.

Each part is a look-up by key (the item, its cluster, its story), so the page costs the
same on a thousand items as on a million.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from spacebrief.warehouse.room import ItemRow, LabelLine, StoryCount, current_labels


@dataclass(frozen=True)
class StoryReport:
    item_id: str
    title: str
    source_name: str
    published_at: datetime
    language: str | None
    role: str  # independent | echo | follow-up
    echo_of: str | None
    reason: str | None


@dataclass(frozen=True)
class ActorMention:
    name: str
    kind: str
    mentions: int
    in_title: bool


@dataclass(frozen=True)
class AlertLine:
    alert_id: str
    trend_id: str
    destination: str
    status: str
    decided_by: str | None
    reason: str | None
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    item_id: str  # the report the alert was raised on (the story's, maybe not this one)


@dataclass(frozen=True)
class ClickLine:
    action: str
    who: str
    trend_id: str | None
    alert_id: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class FeedbackLine:
    trend_id: str
    verdict: bool
    analyst: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class EditionLine:
    edition_id: str
    edition_date: str
    number: int
    emails_sent: int
    emails_pending: int
    emails_failed: int
    last_sent_at: datetime | None


@dataclass(frozen=True)
class ItemDetail:
    item: ItemRow
    cluster_id: str
    labels: tuple[LabelLine, ...]  # every version's, current first
    classified: tuple[tuple[str, str, bool, float, datetime], ...]  # versions, relevance
    story: StoryCount
    reports: tuple[StoryReport, ...]  # the story's reports, this one included
    actors: tuple[ActorMention, ...]
    alerts: tuple[AlertLine, ...]
    clicks: tuple[ClickLine, ...]
    feedback: tuple[FeedbackLine, ...]
    editions: tuple[EditionLine, ...]
    content_status: str | None


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def item_detail(con: duckdb.DuckDBPyConnection, item_id: str) -> ItemDetail | None:
    """Everything the warehouse knows about one item; None when there is no such item."""
    row = con.execute(
        "SELECT i.item_id, i.title, coalesce(i.summary, ''), i.url, i.source_id, "
        "coalesce(i.source_name, i.source_id), i.language, i.published_at, i.cluster_id, "
        "i.content, i.content_status, c.relevant, c.relevance "
        "FROM items AS i LEFT JOIN current_classifications AS c USING (item_id) "
        "WHERE i.item_id = ?",
        [item_id],
    ).fetchone()
    if row is None:
        return None
    cluster_id = row[8]
    story_row = con.execute(
        "SELECT story_id FROM story_reports WHERE item_id = ?", [item_id]
    ).fetchone()
    story_id = story_row[0] if story_row else cluster_id
    reports = _story_reports(con, story_id, item_id, cluster_id)
    story = StoryCount(
        story_id,
        len(reports),
        sum(r.role == "independent" for r in reports),
        sum(r.role == "echo" for r in reports),
    )
    alerts = _alerts(con, cluster_id)
    item = ItemRow(
        item_id=row[0],
        title=row[1],
        summary=row[2],
        url=row[3],
        source_id=row[4],
        source_name=row[5],
        language=row[6],
        published_at=_utc(row[7]) or datetime.now(UTC),
        relevant=None if row[11] is None else bool(row[11]),
        relevance=None if row[12] is None else float(row[12]),
        story=story,
        alerted=any(a.status == "sent" for a in alerts),
        content=row[9],
    )
    return ItemDetail(
        item=item,
        cluster_id=cluster_id,
        labels=tuple(current_labels(con, [item_id], every_version=True).get(item_id, ())),
        classified=tuple(
            (r[0], r[1], bool(r[2]), float(r[3]), _utc(r[4]) or datetime.now(UTC))
            for r in con.execute(
                "SELECT classifier_version, taxonomy_version, relevant, relevance, classified_at "
                "FROM classifications WHERE item_id = ? ORDER BY classified_at DESC",
                [item_id],
            ).fetchall()
        ),
        story=story,
        reports=reports,
        actors=tuple(
            ActorMention(*r)
            for r in con.execute(
                "SELECT actor, kind, mentions, in_title FROM item_actors WHERE item_id = ? "
                "ORDER BY in_title DESC, mentions DESC, actor",
                [item_id],
            ).fetchall()
        ),
        alerts=alerts,
        clicks=_clicks(con, item_id, [a.alert_id for a in alerts]),
        feedback=tuple(
            FeedbackLine(r[0], bool(r[1]), r[2], _utc(r[3]) or datetime.now(UTC))
            for r in con.execute(
                "SELECT trend_id, verdict, analyst, recorded_at FROM feedback "
                "WHERE item_id = ? ORDER BY recorded_at DESC",
                [item_id],
            ).fetchall()
        ),
        editions=_editions(con, item_id),
        content_status=row[10],
    )


def _story_reports(
    con: duckdb.DuckDBPyConnection, story_id: str, item_id: str, cluster_id: str
) -> tuple[StoryReport, ...]:
    rows = con.execute(
        "SELECT i.item_id, i.title, coalesce(i.source_name, i.source_id), i.published_at, "
        "i.language, s.role, s.echo_of, s.reason "
        "FROM story_reports AS s JOIN items AS i USING (item_id) WHERE s.story_id = ? "
        "ORDER BY (s.role <> 'independent'), i.published_at, i.item_id",
        [story_id],
    ).fetchall()
    if not rows:  # not read for stories yet: its cluster, near-copies of its first report
        rows = con.execute(
            "SELECT item_id, title, coalesce(source_name, source_id), published_at, language, "
            "CASE WHEN row_number() OVER (ORDER BY published_at, item_id) = 1 "
            "THEN 'independent' ELSE 'echo' END, NULL, NULL "
            "FROM items WHERE cluster_id = ? OR item_id = ? ORDER BY published_at, item_id",
            [cluster_id, item_id],
        ).fetchall()
    return tuple(
        StoryReport(r[0], r[1], r[2], _utc(r[3]) or datetime.now(UTC), r[4], r[5], r[6], r[7])
        for r in rows
    )


def _alerts(con: duckdb.DuckDBPyConnection, cluster_id: str) -> tuple[AlertLine, ...]:
    return tuple(
        AlertLine(
            alert_id=r[0],
            trend_id=r[1],
            destination=r[2],
            status=r[3],
            decided_by=r[4],
            reason=r[5],
            attempts=int(r[6]),
            last_error=r[7],
            created_at=_utc(r[8]) or datetime.now(UTC),
            sent_at=_utc(r[9]),
            item_id=r[10],
        )
        for r in con.execute(
            "SELECT alert_id, trend_id, destination, status, decided_by, reason, attempts, "
            "last_error, created_at, sent_at, item_id FROM alerts WHERE cluster_id = ? "
            "AND trend_id <> 'EDITION' ORDER BY created_at, trend_id, destination",
            [cluster_id],
        ).fetchall()
    )


def _clicks(
    con: duckdb.DuckDBPyConnection, item_id: str, alert_ids: list[str]
) -> tuple[ClickLine, ...]:
    return tuple(
        ClickLine(r[0], r[1], r[2], r[3], _utc(r[4]) or datetime.now(UTC))
        for r in con.execute(
            "SELECT action, slack_user, trend_id, alert_id, recorded_at FROM feedback_clicks "
            "WHERE item_id = ? OR alert_id IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY recorded_at DESC",
            [item_id, alert_ids],
        ).fetchall()
    )


def _editions(con: duckdb.DuckDBPyConnection, item_id: str) -> tuple[EditionLine, ...]:
    return tuple(
        EditionLine(r[0], str(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]), _utc(r[6]))
        for r in con.execute(
            """
            SELECT e.edition_id, e.edition_date, c.number,
                   count(d.recipient) FILTER (WHERE d.status = 'sent'),
                   count(d.recipient) FILTER (WHERE d.status IN ('pending', 'sending')),
                   count(d.recipient) FILTER (WHERE d.status = 'failed'),
                   max(d.sent_at)
            FROM edition_citations AS c
            JOIN editions AS e USING (edition_id)
            LEFT JOIN email_deliveries AS d USING (edition_id)
            WHERE c.item_id = ?
            GROUP BY ALL
            ORDER BY e.edition_date DESC, e.edition_id
            """,
            [item_id],
        ).fetchall()
    )
