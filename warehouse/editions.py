"""What the digest reads from the warehouse, and the `editions` ledger it writes.

Everything that scales with the number of items runs inside DuckDB: the window's items
(with each item's latest classification, and its story: `story_reports` joins a cluster
to the other reports of its event, so "stories" here are events) go into a temporary
table once, trend and family
counts per window are GROUP BYs over it, stories are ranked and deduplicated per cluster
with window functions, and only the top rows (a few dozen items, their texts and
embeddings) are fetched into Python. Temporary tables live in memory, so this also works
on a read-only connection.

Ranking (relevance x trend weight x recency) is computed here because it must see every
item of the window; its weights are digest policy (`digest.ranking.RankingPolicy`), passed
in by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import duckdb

from spacebrief.digest.counter import DEFAULT_COUNTER_POLICY, CounterEvidencePolicy
from spacebrief.digest.ranking import (
    BACKGROUND_HEADLINE,
    DEFAULT_RANKING,
    EVENT_HEADLINE,
    RankingPolicy,
)
from spacebrief.digest.types import (
    FamilyCount,
    SignalCandidate,
    StoredReading,
    TrendCount,
    TrendInfo,
    TrendLabel,
    TrendSupport,
    WindowData,
    WindowItem,
    WindowTotals,
)

_YEAR = r"\b((?:19|20)\d\d)\b"  # a year a story's lead mentions


@dataclass(frozen=True)
class WindowBounds:
    start: datetime  # the edition's window, end exclusive
    end: datetime
    history_start: datetime  # start of the oldest earlier window counted for momentum


def window_bounds(edition_date: date, days: int, history_windows: int) -> WindowBounds:
    """The window ends at the end of `edition_date` (UTC) and covers `days` whole days."""
    end = datetime.combine(edition_date + timedelta(days=1), time(0), tzinfo=UTC)
    start = end - timedelta(days=days)
    return WindowBounds(start, end, end - timedelta(days=days * (history_windows + 1)))


def load_window(
    con: duckdb.DuckDBPyConnection,
    edition_date: date,
    days: int,
    *,
    history_windows: int = 4,
    candidates: int = 60,
    per_trend: int = 3,
    signals: int = 5,
    ranking: RankingPolicy = DEFAULT_RANKING,
    counter: CounterEvidencePolicy = DEFAULT_COUNTER_POLICY,
) -> WindowData:
    """The window's counts and top rows; stories ranked by `ranking`, counter-evidence
    admitted by `counter` (both digest policy)."""
    bounds = window_bounds(edition_date, days, history_windows)
    span = float(days * 86400)
    con.execute("SET TimeZone = 'UTC'")
    _stage_window(con, bounds, span, counter)
    version = _taxonomy_version(con)
    trends = _trends(con, version)
    totals = [
        WindowTotals(*row)
        for row in con.execute(
            "SELECT w, count(*), count(*) FILTER (relevant), "
            " count(DISTINCT cluster_id) FILTER (relevant) "
            "FROM digest_window GROUP BY w ORDER BY w"
        ).fetchall()
    ]
    trend_counts = [
        TrendCount(*row)
        for row in con.execute(
            "SELECT trend_id, w, count(DISTINCT item_id), count(DISTINCT cluster_id), "
            " count(DISTINCT cluster_id) FILTER (stance <> 'against'), "
            " count(DISTINCT cluster_id) FILTER (confident_against) "
            "FROM digest_labels GROUP BY ALL ORDER BY trend_id, w"
        ).fetchall()
    ]
    family_counts = [
        FamilyCount(*row)
        for row in con.execute(
            "SELECT t.family, l.w, count(DISTINCT l.cluster_id) "
            "FROM digest_labels AS l JOIN trends AS t "
            "  ON t.trend_id = l.trend_id AND t.taxonomy_version = l.taxonomy_version "
            "GROUP BY ALL ORDER BY 1, 2"
        ).fetchall()
    ]
    ranked = con.execute(
        """
        WITH weight AS (
            SELECT l.item_id,
                   max(l.score * CASE t.family WHEN 'watch' THEN ? WHEN 'rising' THEN ?
                                 WHEN 'declining' THEN ? ELSE 1.0 END) AS trend_weight
            FROM digest_labels AS l
            LEFT JOIN trends AS t
              ON t.trend_id = l.trend_id AND t.taxonomy_version = l.taxonomy_version
            WHERE l.w = 0
            GROUP BY l.item_id
        )
        , texts AS (
            SELECT d.item_id,
                   regexp_matches(i.title, ?, 'i') AS explainer,
                   regexp_matches(i.title, ?, 'i') AS event,
                   regexp_extract_all(coalesce(i.summary, ''), ?, 1)
                       AS years
            FROM digest_window AS d
            JOIN items AS i ON i.rowid = d.item_row
            WHERE d.w = 0 AND d.relevant
        )
        SELECT d.item_id,
               d.relevance * (1 + coalesce(weight.trend_weight, 0))
                 * (? + (1 - ?) * greatest(0.0,
                        1 - (epoch(?::TIMESTAMPTZ) - epoch(d.published_at)) / ?))
                 * CASE WHEN t.explainer
                          OR (NOT t.event AND len(t.years) > 0
                              AND list_max(t.years) <= CAST(? AS VARCHAR))
                        THEN ? ELSE 1.0 END
                 AS rank,
               count(*) OVER (PARTITION BY d.cluster_id) AS cluster_size,
               count(*) FILTER (WHERE d.role = 'independent')
                   OVER (PARTITION BY d.cluster_id) AS independent_reports,
               count(*) FILTER (WHERE d.role = 'echo') OVER (PARTITION BY d.cluster_id) AS echoes
        FROM digest_window AS d
        LEFT JOIN weight USING (item_id)
        JOIN texts AS t USING (item_id)
        WHERE d.w = 0 AND d.relevant
        QUALIFY row_number() OVER (PARTITION BY d.cluster_id ORDER BY rank DESC, d.item_id) = 1
        ORDER BY rank DESC, d.item_id
        LIMIT ?
        """,
        [
            ranking.watch_weight,
            ranking.rising_weight,
            ranking.declining_weight,
            BACKGROUND_HEADLINE,
            EVENT_HEADLINE,
            _YEAR,
            ranking.recency_floor,
            ranking.recency_floor,
            bounds.end,
            span,
            edition_date.year - ranking.old_years,
            ranking.background_weight,
            candidates,
        ],
    ).fetchall()
    support_rows = con.execute(
        """
        WITH best_per_story AS (
            SELECT trend_id, item_id, score, evidence, cluster_id
            FROM digest_labels
            WHERE w = 0 AND clearly_supports
            QUALIFY row_number() OVER (
                PARTITION BY trend_id, cluster_id ORDER BY score DESC, item_id) = 1
        )
        SELECT trend_id, list(item_id ORDER BY score DESC, item_id),
               list(coalesce(evidence, '') ORDER BY score DESC, item_id)
        FROM (
            SELECT * FROM best_per_story
            QUALIFY row_number() OVER (PARTITION BY trend_id ORDER BY score DESC, item_id) <= ?
        )
        GROUP BY trend_id ORDER BY trend_id
        """,
        [per_trend],
    ).fetchall()
    against_rows = con.execute(
        """
        WITH strongest_per_story AS (
            SELECT trend_id, item_id, stance_score, evidence, cluster_id
            FROM digest_labels
            WHERE w = 0 AND confident_against
            QUALIFY row_number() OVER (
                PARTITION BY trend_id, cluster_id ORDER BY stance_score DESC, item_id) = 1
        )
        SELECT trend_id, list(item_id ORDER BY stance_score DESC, item_id),
               list(coalesce(evidence, '') ORDER BY stance_score DESC, item_id),
               list(stance_score ORDER BY stance_score DESC, item_id)
        FROM (
            SELECT * FROM strongest_per_story
            QUALIFY row_number() OVER (
                PARTITION BY trend_id ORDER BY stance_score DESC, item_id) <= ?
        )
        GROUP BY trend_id ORDER BY trend_id
        """,
        [per_trend],
    ).fetchall()
    signal_rows = con.execute(
        """
        SELECT d.item_id, count(*) OVER (PARTITION BY d.cluster_id) AS cluster_size,
               count(*) FILTER (WHERE d.role = 'independent')
                   OVER (PARTITION BY d.cluster_id) AS independent_reports,
               count(*) FILTER (WHERE d.role = 'echo') OVER (PARTITION BY d.cluster_id) AS echoes
        FROM digest_window AS d
        WHERE d.w = 0 AND d.relevant
          AND d.cluster_id NOT IN (SELECT cluster_id FROM digest_labels WHERE w = 0)
        QUALIFY row_number() OVER (
            PARTITION BY d.cluster_id ORDER BY d.relevance DESC, d.item_id) = 1
        ORDER BY d.relevance DESC, d.item_id
        LIMIT ?
        """,
        [signals],
    ).fetchall()

    story_trends = con.execute(
        "SELECT cluster_id, list(DISTINCT trend_id ORDER BY trend_id) FROM digest_labels "
        "WHERE w = 0 GROUP BY cluster_id ORDER BY cluster_id"
    ).fetchall()

    rank_of = {row[0]: float(row[1]) for row in ranked}
    reports_of = {row[0]: (int(row[2]), int(row[3]), int(row[4])) for row in ranked}
    reports_of.update({row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in signal_rows})
    size_of = {row[0]: int(row[1]) for row in signal_rows}
    wanted = (
        list(rank_of)
        + [i for row in (*support_rows, *against_rows) for i in row[1]]
        + list(size_of)
    )
    details = _item_details(con, sorted(set(wanted)))
    items = []
    for item_id in sorted(details):
        size, independent, echoes = reports_of.get(item_id, (1, 1, 0))
        items.append(
            WindowItem(
                **details[item_id],
                rank=round(rank_of.get(item_id, 0.0), 9),
                cluster_size=size,
                independent_reports=independent,
                echoes=echoes,
            )
        )
    signal_candidates = [
        SignalCandidate(item_id, *_closest_trend(con, item_id, {t.trend_id for t in trends}))
        for item_id, *_ in signal_rows
    ]
    return WindowData(
        edition_date=edition_date,
        days=days,
        window_start=bounds.start,
        window_end=bounds.end,
        history_windows=history_windows,
        taxonomy_version=version,
        trends=tuple(trends),
        totals=tuple(totals),
        trend_counts=tuple(trend_counts),
        family_counts=tuple(family_counts),
        items=tuple(items),
        ranked_story_ids=tuple(row[0] for row in ranked),
        trend_support=_trend_support(support_rows, against_rows),
        signals=tuple(signal_candidates),
        story_trends=tuple((row[0], tuple(row[1])) for row in story_trends),
        counter=counter,
        ranking=ranking,
    )


def _stage_window(
    con: duckdb.DuckDBPyConnection,
    bounds: WindowBounds,
    span: float,
    counter: CounterEvidencePolicy,
) -> None:
    """Temp tables: the window's items with their latest classification, and their labels
    (`confident_against`: a verdict the edition may quote as counter-evidence)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE digest_window AS
        WITH window_items AS (
            SELECT i.item_id, coalesce(s.story_id, i.cluster_id) AS cluster_id,
                   -- not read for stories yet: a cluster is near-copies, its first the report
                   coalesce(s.role, CASE WHEN row_number() OVER (
                       PARTITION BY i.cluster_id ORDER BY i.published_at, i.item_id) = 1
                       THEN 'independent' ELSE 'echo' END) AS role,
                   i.published_at,
                   i.rowid AS item_row,
                   CAST(floor((epoch($end::TIMESTAMPTZ) - epoch(i.published_at)) / $span)
                        AS INTEGER) AS w
            FROM items AS i
            LEFT JOIN story_reports AS s USING (item_id)
            WHERE i.published_at >= $history_start AND i.published_at < $end
        ),
        latest AS (
            SELECT c.item_id, c.classifier_version, c.taxonomy_version, c.relevant, c.relevance,
                   c.rowid AS classification_row
            FROM classifications AS c
            WHERE c.item_id IN (SELECT item_id FROM window_items)
            QUALIFY row_number() OVER (
                PARTITION BY c.item_id ORDER BY c.classified_at DESC, c.classifier_version DESC) = 1
        )
        SELECT w.*, l.classifier_version, l.taxonomy_version, l.classification_row,
               coalesce(l.relevant, false) AS relevant, coalesce(l.relevance, 0.0) AS relevance
        FROM window_items AS w LEFT JOIN latest AS l USING (item_id)
        """,
        {"end": bounds.end, "history_start": bounds.history_start, "span": span},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE digest_labels AS
        SELECT l.item_id, l.trend_id, l.score, l.evidence, l.taxonomy_version, d.w, d.cluster_id,
               coalesce(l.stance, 'supports') AS stance,
               coalesce(l.stance_score, 0.0) AS stance_score,
               (coalesce(l.stance, 'supports') <> 'against'
                AND coalesce(l.stance_score, 0.0) < $support_doubt) AS clearly_supports,
               (coalesce(l.stance, 'supports') = 'against'
                AND coalesce(l.stance_score, 0.0) >= $min_confidence
                AND l.score >= $min_label_score) AS confident_against
        FROM labels AS l
        JOIN digest_window AS d
          ON d.item_id = l.item_id
         AND d.classifier_version = l.classifier_version
         AND d.taxonomy_version = l.taxonomy_version
        WHERE d.relevant
        """,
        {
            "min_confidence": counter.min_confidence,
            "min_label_score": counter.min_label_score,
            "support_doubt": counter.support_doubt,
        },
    )


def _trend_support(
    support_rows: Sequence[tuple[Any, ...]], against_rows: Sequence[tuple[Any, ...]]
) -> tuple[TrendSupport, ...]:
    supports = {row[0]: row for row in support_rows}
    against = {row[0]: row for row in against_rows}
    return tuple(
        TrendSupport(
            trend_id,
            tuple(supports[trend_id][1]) if trend_id in supports else (),
            tuple(supports[trend_id][2]) if trend_id in supports else (),
            tuple(against[trend_id][1]) if trend_id in against else (),
            tuple(against[trend_id][2]) if trend_id in against else (),
            tuple(float(v) for v in against[trend_id][3]) if trend_id in against else (),
        )
        for trend_id in sorted(set(supports) | set(against))
    )


def _taxonomy_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The version most of the window's items were classified under, else the newest loaded."""
    row = con.execute(
        "SELECT taxonomy_version FROM digest_window WHERE taxonomy_version IS NOT NULL "
        "GROUP BY ALL ORDER BY count(*) DESC, taxonomy_version DESC LIMIT 1"
    ).fetchone()
    if row:
        return str(row[0])
    row = con.execute(
        "SELECT taxonomy_version FROM classifications ORDER BY classified_at DESC LIMIT 1"
    ).fetchone()
    if row:
        return str(row[0])
    row = con.execute("SELECT max(taxonomy_version) FROM trends").fetchone()
    return str(row[0]) if row and row[0] is not None else None


def _trends(con: duckdb.DuckDBPyConnection, version: str | None) -> list[TrendInfo]:
    if version is None:
        return []
    return [
        TrendInfo(*row)
        for row in con.execute(
            "SELECT trend_id, family, name, statement, position FROM trends "
            "WHERE taxonomy_version = ? ORDER BY position, trend_id",
            [version],
        ).fetchall()
    ]


def _item_details(
    con: duckdb.DuckDBPyConnection, item_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Texts, labels and embeddings of the few items the edition may cite.

    Rows are fetched by rowid (kept when the window was staged): DuckDB then reads just
    those rows instead of scanning the items and classifications tables for a handful
    of ids (0.3 s -> 0.03 s at a million items).
    """
    if not item_ids:
        return {}
    staged = con.execute(
        "SELECT item_id, item_row, classification_row, relevance, cluster_id FROM digest_window "
        "WHERE item_id IN (SELECT unnest(?::VARCHAR[]))",
        [list(item_ids)],
    ).fetchall()
    item_rows = [row[1] for row in staged]
    classification_rows = [row[2] for row in staged if row[2] is not None]
    texts = {
        row[0]: row
        for row in con.execute(
            "SELECT item_id, title, coalesce(summary, ''), url, coalesce(source_name, source_id), "
            "published_at, cluster_id, content, language "
            "FROM items WHERE rowid IN (SELECT unnest(?::BIGINT[]))",
            [item_rows],
        ).fetchall()
    }
    embeddings = dict(
        con.execute(
            "SELECT item_id, embedding FROM classifications "
            "WHERE rowid IN (SELECT unnest(?::BIGINT[]))",
            [classification_rows],
        ).fetchall()
    )
    labels = dict(
        con.execute(
            "SELECT item_id, list(struct_pack(trend_id := trend_id, score := score, "
            "stance := stance) "
            "ORDER BY score DESC, trend_id) FROM digest_labels "
            "WHERE item_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY item_id",
            [list(item_ids)],
        ).fetchall()
    )
    readings = {
        row[0]: StoredReading(row[1], row[2], row[3], row[4])
        for row in con.execute(
            "SELECT item_id, title, summary, kind, method FROM english_readings "
            "WHERE item_id IN (SELECT unnest(?::VARCHAR[]))",
            [list(item_ids)],
        ).fetchall()
    }
    details: dict[str, dict[str, Any]] = {}
    for item_id, _, _, relevance, story_id in staged:
        row = texts[item_id]
        embedding = embeddings.get(item_id)
        details[item_id] = {
            "item_id": item_id,
            "title": row[1],
            "summary": row[2],
            "url": row[3],
            "source_name": row[4],
            "published_at": row[5],
            "cluster_id": story_id,  # the story: its clusters joined (warehouse.stories)
            "relevance": float(relevance),
            "labels": tuple(
                TrendLabel(e["trend_id"], float(e["score"]), e["stance"])
                for e in labels.get(item_id) or []
            ),
            "embedding": tuple(float(v) for v in embedding) if embedding else None,
            "content": row[7],
            "language": row[8],
            "english": readings.get(item_id),
        }
    return details


def _closest_trend(
    con: duckdb.DuckDBPyConnection, item_id: str, trend_ids: set[str]
) -> tuple[str | None, float | None]:
    row = con.execute(
        "SELECT scores FROM classifications WHERE rowid = "
        "(SELECT classification_row FROM digest_window WHERE item_id = ?)",
        [item_id],
    ).fetchone()
    scores = {k: float(v) for k, v in (row[0] or {}).items()} if row else {}
    scores = {k: v for k, v in scores.items() if k in trend_ids or not trend_ids}
    if not scores:
        return None, None
    best = min(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return best[0], best[1]


# ----------------------------------------------------------------------------- ledger


@dataclass(frozen=True)
class EditionRecord:
    edition_id: str
    edition_date: date
    window_start: datetime
    window_end: datetime
    days: int
    items: int
    markdown_path: str | None
    html_path: str | None
    json_path: str | None
    citations: tuple[tuple[int, str], ...] = ()  # [n] -> the item it cites


def record_edition(con: duckdb.DuckDBPyConnection, record: EditionRecord) -> None:
    """Upsert the edition's row and its citations: rebuilding an edition replaces its
    paths, counts and the items it cites."""
    con.execute(
        """
        INSERT INTO editions (edition_id, edition_date, window_start, window_end, days, items,
                              markdown_path, html_path, json_path, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now())
        ON CONFLICT (edition_id) DO UPDATE SET
            edition_date = excluded.edition_date, window_start = excluded.window_start,
            window_end = excluded.window_end, days = excluded.days, items = excluded.items,
            markdown_path = excluded.markdown_path, html_path = excluded.html_path,
            json_path = excluded.json_path, created_at = excluded.created_at
        """,
        [
            record.edition_id,
            record.edition_date,
            record.window_start,
            record.window_end,
            record.days,
            record.items,
            record.markdown_path,
            record.html_path,
            record.json_path,
        ],
    )
    record_edition_citations(con, record.edition_id, record.citations)


def record_edition_citations(
    con: duckdb.DuckDBPyConnection, edition_id: str, citations: Sequence[tuple[int, str]]
) -> None:
    """Replace the edition's [n] -> item rows (a rebuilt edition may cite other items)."""
    con.execute("DELETE FROM edition_citations WHERE edition_id = ?", [edition_id])
    if citations:
        con.executemany(
            "INSERT INTO edition_citations (edition_id, number, item_id) VALUES (?, ?, ?)",
            [(edition_id, number, item_id) for number, item_id in citations],
        )
