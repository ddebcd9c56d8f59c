"""The Slack rows of the delivery ledger: one per (story cluster, trend, destination).

States: pending -> sending -> sent (with the Slack ts) | failed (attempts, last error);
`muted` (a mute rule) and `held` (not news, or alerted already) are never sent.
`sending` is written and committed *before* a message leaves, with the marker
(`message_key`) the message carries; a run that finds rows still `sending` knows a
previous run died mid-post and reconciles them against Slack (or the outbox file)
before posting anything again. That is what makes delivery exactly-once across crashes.
The state changes themselves are the one ledger's (`warehouse.ledger`); this module
adds rows, and reads what is owed and what the dry run explains.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from spacebrief.alerts.types import (
    EDITION_TREND,
    RULE_TREND_PREFIX,
    AlertCandidate,
    DeliveryStatus,
    OtherTrend,
    PendingAlert,
    StoryRoot,
)

_CANDIDATE_SCHEMA = pa.schema(
    [
        ("alert_id", pa.string()),
        ("cluster_id", pa.string()),
        ("trend_id", pa.string()),
        ("destination", pa.string()),
        ("item_id", pa.string()),
        ("score", pa.float64()),
        ("status", pa.string()),
        ("decided_by", pa.string()),
        ("reason", pa.string()),
    ]
)


def _alerted_by_classifier(
    con: duckdb.DuckDBPyConnection, candidates: Sequence[AlertCandidate]
) -> dict[tuple[str, str], list[str]]:
    """(cluster, destination) -> the trends the classifier already sent (or is sending)
    for that story there."""
    keys = sorted({f"{c.cluster_id}|{c.destination}" for c in candidates})
    if not keys:
        return {}
    rows = con.execute(
        """
        SELECT cluster_id, destination, list(DISTINCT trend_id ORDER BY trend_id)
        FROM alerts
        WHERE list_contains($keys, cluster_id || '|' || destination)
          AND status IN ('sent', 'sending')
          AND NOT starts_with(trend_id, $rule) AND trend_id <> $edition
        GROUP BY ALL
        """,
        {"keys": keys, "rule": RULE_TREND_PREFIX, "edition": EDITION_TREND},
    ).fetchall()
    return {(cluster, destination): trends for cluster, destination, trends in rows}


def _by_the_classifier(candidate: AlertCandidate) -> bool:
    return not candidate.trend_id.startswith(RULE_TREND_PREFIX) and (
        candidate.trend_id != EDITION_TREND
    )


def _status(candidate: AlertCandidate) -> DeliveryStatus:
    if candidate.muted:
        return DeliveryStatus.MUTED
    if candidate.held:
        return DeliveryStatus.HELD
    return DeliveryStatus.PENDING


def insert_pending_alerts(
    con: duckdb.DuckDBPyConnection, candidates: Iterable[AlertCandidate]
) -> list[AlertCandidate]:
    """Add ledger rows for candidates not yet owed; return the ones newly inserted.

    Runs in the caller's transaction (the one that stores the labels), so it opens none.
    An alert is owed once: existing rows are left as they are, except a `held` one, which
    a later candidate that is owed (a fresh report of the story) makes `pending`. A muted
    candidate becomes a `muted` row and a held one a `held` row: the decision is kept,
    nothing is sent. The classifier counts as one rule: once it has alerted a story at a
    destination, its candidates for the story's other trends there are held, so a relabel
    never announces a story twice. The returned candidates say which were held and why.
    """
    unique: dict[str, AlertCandidate] = {}
    for candidate in candidates:
        current = unique.get(candidate.alert_id)
        if current is None or candidate.score > current.score:
            unique[candidate.alert_id] = candidate
    if not unique:
        return []
    alerted = _alerted_by_classifier(con, list(unique.values()))
    rows = []
    for c in unique.values():
        trends = alerted.get((c.cluster_id, c.destination))
        if trends and c.owed and _by_the_classifier(c):
            why = f"already alerted: the classifier announced this story ({', '.join(trends)})"
            c = replace(c, held_because=why)
        rows.append(c)
    table = pa.Table.from_pylist(
        [
            {
                "alert_id": c.alert_id,
                "cluster_id": c.cluster_id,
                "trend_id": c.trend_id,
                "destination": c.destination,
                "item_id": c.item_id,
                "score": c.score,
                "status": _status(c),
                "decided_by": c.decided_by,
                "reason": "; ".join(p for p in (c.reason, c.held_because) if p) or None,
            }
            for c in rows
        ],
        schema=_CANDIDATE_SCHEMA,
    )
    now = datetime.now(UTC)
    con.register("_alert_candidates", table)
    try:
        inserted = con.execute(
            """
            INSERT INTO alerts (alert_id, cluster_id, trend_id, destination, item_id, score,
                                status, attempts, created_at, updated_at, decided_by, reason)
            SELECT alert_id, cluster_id, trend_id, destination, item_id, score,
                   status, 0, $now, $now, decided_by, reason
            FROM _alert_candidates
            ON CONFLICT (alert_id) DO UPDATE SET
                status = excluded.status, item_id = excluded.item_id, score = excluded.score,
                decided_by = excluded.decided_by, reason = excluded.reason,
                updated_at = excluded.updated_at
            WHERE alerts.status = 'held' AND excluded.status = 'pending'
            RETURNING alert_id
            """,
            {"now": now},
        ).fetchall()
    finally:
        con.unregister("_alert_candidates")
    new_ids = {row[0] for row in inserted}
    return [c for c in rows if c.alert_id in new_ids]


_OWED_SQL = """
WITH owed AS (
    SELECT * FROM alerts
    WHERE destination = $destination AND list_contains($states, status)
      AND (CASE WHEN $alert_ids IS NULL THEN trend_id <> $edition
                ELSE list_contains($alert_ids, alert_id) END)
),
trend_names AS (
    SELECT trend_id, arg_max(name, taxonomy_version) AS name FROM trends GROUP BY trend_id
),
item_labels AS (
    SELECT l.item_id,
           list({'trend_id': l.trend_id, 'name': coalesce(tn.name, '')} ORDER BY l.score DESC)
               AS trends,
           map_from_entries(list({'k': l.trend_id, 'v': l.evidence})) AS evidence,
           arg_max(l.evidence, l.score) AS top_evidence
    FROM v_labels AS l
    LEFT JOIN trend_names AS tn USING (trend_id)
    WHERE l.item_id IN (SELECT item_id FROM owed)
    GROUP BY l.item_id
)
SELECT a.alert_id, a.cluster_id, a.trend_id, coalesce(tn.name, '') AS trend_name,
       a.destination, a.item_id, a.score, a.status, a.attempts,
       coalesce(i.title, '(item no longer in the warehouse)') AS title,
       i.url, i.source_name, i.published_at,
       CASE WHEN starts_with(a.trend_id, $rule) THEN il.top_evidence
            ELSE il.evidence[a.trend_id] END AS evidence,
       coalesce(il.trends, []) AS trends,
       a.last_error, a.message_key, a.reply_to, a.thread_ts, a.updated_at,
       a.decided_by, a.reason,
       CASE WHEN lower(coalesce(i.language, 'en')) NOT LIKE 'en%' THEN i.language END,
       r.title, r.summary, r.note, i.summary
FROM owed AS a
LEFT JOIN items AS i USING (item_id)
LEFT JOIN english_readings AS r USING (item_id)
LEFT JOIN item_labels AS il USING (item_id)
LEFT JOIN trend_names AS tn ON tn.trend_id = a.trend_id
ORDER BY a.created_at, a.alert_id
"""


def owed_alerts(
    con: duckdb.DuckDBPyConnection,
    destination: str,
    *,
    include_failed: bool = False,
    alert_ids: Sequence[str] | None = None,
) -> list[PendingAlert]:
    """Alerts still owed to `destination` (pending, and `sending` ones left by a crash),
    with the item, evidence and trend names their messages show. Edition announcements
    are left out unless asked for by id."""
    states = [
        DeliveryStatus.PENDING,
        DeliveryStatus.SENDING,
        *([DeliveryStatus.FAILED] if include_failed else []),
    ]
    params = {
        "destination": destination,
        "states": states,
        "alert_ids": list(alert_ids) if alert_ids is not None else None,
        "edition": EDITION_TREND,
        "rule": RULE_TREND_PREFIX,
    }
    rows = con.execute(_OWED_SQL, params).fetchall()
    owed = []
    for row in rows:
        (
            alert_id,
            cluster_id,
            trend_id,
            trend_name,
            dest,
            item_id,
            score,
            status,
            attempts,
            title,
            url,
            source_name,
            published_at,
            evidence,
            trends,
            last_error,
            message_key,
            reply_to,
            thread_ts,
            updated_at,
            decided_by,
            reason,
            language,
            english_title,
            english_summary,
            reading_note,
            summary,
        ) = row
        others = tuple(
            OtherTrend(t["trend_id"], t["name"]) for t in trends if t["trend_id"] != trend_id
        )
        owed.append(
            PendingAlert(
                alert_id=alert_id,
                cluster_id=cluster_id,
                trend_id=trend_id,
                trend_name=trend_name,
                destination=dest,
                item_id=item_id,
                score=score,
                status=DeliveryStatus(status),
                attempts=attempts,
                title=title,
                url=url,
                source_name=source_name,
                published_at=published_at,
                evidence=evidence,
                other_trends=others,
                last_error=last_error,
                message_key=message_key,
                reply_to=reply_to,
                thread_ts=thread_ts,
                updated_at=updated_at,
                decided_by=decided_by,
                reason=reason,
                language=language,
                english_title=english_title,
                english_summary=english_summary,
                reading_note=reading_note,
                summary=summary,
            )
        )
    return owed


def story_roots(con: duckdb.DuckDBPyConnection, destination: str) -> dict[str, StoryRoot]:
    """Each story's first delivered message at `destination`: later reports reply to it."""
    rows = con.execute(
        """
        SELECT cluster_id, arg_min(message_key, sent_at), arg_min(thread_ts, sent_at)
        FROM alerts
        WHERE destination = $destination AND status = 'sent' AND reply_to IS NULL
          AND message_key IS NOT NULL
        GROUP BY cluster_id
        """,
        {"destination": destination},
    ).fetchall()
    return {c: StoryRoot(c, key, thread_ts) for c, key, thread_ts in rows}


def messages_sent_since(con: duckdb.DuckDBPyConnection, destination: str, since: datetime) -> int:
    """New-story messages (not thread follow-ups) delivered since `since`: the hourly cap."""
    row = con.execute(
        """
        SELECT count(DISTINCT coalesce(message_key, alert_id)) FROM alerts
        WHERE destination = $destination AND status = 'sent' AND reply_to IS NULL
          AND sent_at >= $since AND trend_id <> $edition
        """,
        {"destination": destination, "since": since, "edition": EDITION_TREND},
    ).fetchone()
    return int(row[0]) if row else 0


def retry_failed(con: duckdb.DuckDBPyConnection, destination: str) -> int:
    """Give failed alerts a fresh set of attempts; return how many."""
    rows = con.execute(
        "UPDATE alerts SET status = 'pending', attempts = 0, updated_at = $now "
        "WHERE destination = $destination AND status = 'failed' RETURNING alert_id",
        {"destination": destination, "now": datetime.now(UTC)},
    ).fetchall()
    return len(rows)


def status_counts(
    con: duckdb.DuckDBPyConnection, destination: str, *, changed_since: datetime | None = None
) -> dict[DeliveryStatus, int]:
    """Alerts per state at `destination`; only those changed since a moment when given."""
    rows = con.execute(
        "SELECT status, count(*) FROM alerts WHERE destination = $destination "
        "AND trend_id <> $edition AND ($since IS NULL OR updated_at >= $since) GROUP BY status",
        {"destination": destination, "since": changed_since, "edition": EDITION_TREND},
    ).fetchall()
    return {DeliveryStatus(status): int(n) for status, n in rows}


def unalerted_watch_labels(
    con: duckdb.DuckDBPyConnection, destination: str, since: datetime, limit: int = 50
) -> list[tuple[str, str, str, float, str, float, bool]]:
    """Watch-list labels of recent items that owe no alert at `destination`.

    (item_id, title, trend_id, score, stance, P(against), relevant), newest first: what the
    dry run explains as "held back" (under the Slack bar, or running against the trend).
    """
    return [
        (r[0], r[1], r[2], float(r[3]), r[4] or "supports", float(r[5] or 0.0), bool(r[6]))
        for r in con.execute(
            """
            SELECT l.item_id, i.title, l.trend_id, l.score, l.stance, l.stance_score, c.relevant
            FROM labels l
            JOIN items i USING (item_id)
            JOIN classifications c USING (item_id, classifier_version, taxonomy_version)
            WHERE l.trend_id LIKE 'W%' AND l.labelled_at >= ?
              AND NOT EXISTS (
                  SELECT 1 FROM alerts a
                  WHERE a.cluster_id = coalesce(i.cluster_id, i.item_id)
                    AND a.trend_id = l.trend_id AND a.destination = ?
              )
            ORDER BY l.labelled_at DESC, l.score DESC
            LIMIT ?
            """,
            [since, destination, limit],
        ).fetchall()
    ]


def held_alerts(
    con: duckdb.DuckDBPyConnection, destination: str, since: datetime, limit: int = 200
) -> list[tuple[str, str, str, float, str]]:
    """Alerts held since `since` (not news, or the story was alerted already), newest
    first: (item_id, title, trend_id, score, reason)."""
    rows = con.execute(
        "SELECT a.item_id, coalesce(i.title, ''), a.trend_id, a.score, coalesce(a.reason, '') "
        "FROM alerts AS a LEFT JOIN items AS i USING (item_id) "
        "WHERE a.destination = $destination AND a.status = 'held' AND a.updated_at >= $since "
        "ORDER BY a.updated_at DESC, a.alert_id LIMIT $limit",
        {"destination": destination, "since": since, "limit": limit},
    ).fetchall()
    return [(r[0], r[1], r[2], float(r[3]), r[4]) for r in rows]


def muted_alerts(
    con: duckdb.DuckDBPyConnection, destination: str, since: datetime
) -> list[tuple[str, str, str, str, str]]:
    """Alerts a mute rule stopped since `since`: (trend, title, source, decided_by, reason)."""
    rows = con.execute(
        "SELECT a.trend_id, coalesce(i.title, ''), coalesce(i.source_name, ''), "
        "a.decided_by, coalesce(a.reason, '') FROM alerts AS a "
        "LEFT JOIN items AS i USING (item_id) "
        "WHERE a.destination = $destination AND a.status = 'muted' AND a.created_at >= $since "
        "ORDER BY a.created_at DESC, a.alert_id LIMIT 200",
        {"destination": destination, "since": since},
    ).fetchall()
    return [tuple(r) for r in rows]


def slack_destinations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every Slack channel the ledger owes something to (watch rules may name channels)."""
    rows = con.execute(
        "SELECT DISTINCT destination FROM alerts WHERE starts_with(destination, 'slack:') "
        "AND status IN ('pending', 'sending') ORDER BY destination"
    ).fetchall()
    return [r[0] for r in rows]
