"""The English readings of stories not in English (`english_readings`, migration 150).

The flows' English-reading step reads the items still owed a reading here, has
`digest.english.english_reading` make one, and writes it back; the edition, the Slack
alerts and the `v_items_english` view then read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from spacebrief.digest.english import EnglishReading
from spacebrief.digest.types import TrendLabel, WindowItem

_OWED_SQL = """
WITH latest AS (
    SELECT item_id, classifier_version, taxonomy_version FROM v_classifications
),
item_labels AS (
    SELECT item_id,
           list(struct_pack(trend_id := trend_id, score := score, stance := stance)
                ORDER BY score DESC, trend_id) AS labels
    FROM v_labels GROUP BY item_id
)
SELECT i.item_id, i.title, coalesce(i.summary, ''), i.url,
       coalesce(i.source_name, i.source_id), i.published_at, i.cluster_id, i.language,
       l.classifier_version, coalesce(il.labels, []), r.kind, r.title, r.summary, r.note
FROM items AS i
LEFT JOIN latest AS l USING (item_id)
LEFT JOIN item_labels AS il USING (item_id)
LEFT JOIN english_readings AS r USING (item_id)
WHERE i.language IS NOT NULL AND lower(i.language) NOT LIKE 'en%'
  AND (r.item_id IS NULL OR r.method <> $method
       OR r.classifier_version IS DISTINCT FROM l.classifier_version)
ORDER BY i.published_at, i.item_id
LIMIT $limit
"""


@dataclass(frozen=True)
class OwedReading:
    item: WindowItem
    classifier_version: str | None
    translation: EnglishReading | None  # one already made, reused when the labels changed


def owed_readings(
    con: duckdb.DuckDBPyConnection, method: str, *, limit: int = 1000
) -> list[OwedReading]:
    """Non-English items with no reading made by `method` for their latest labels."""
    owed = []
    for row in con.execute(_OWED_SQL, {"method": method, "limit": limit}).fetchall():
        item = WindowItem(
            item_id=row[0],
            title=row[1],
            summary=row[2],
            url=row[3],
            source_name=row[4],
            published_at=row[5],
            cluster_id=row[6],
            relevance=0.0,
            labels=tuple(TrendLabel(e["trend_id"], float(e["score"]), e["stance"]) for e in row[9]),
            language=row[7],
        )
        translation = (
            EnglishReading(row[11], row[12], "translation", row[7])
            if row[10] == "translation"
            else None
        )
        owed.append(OwedReading(item, row[8], translation))
    return owed


def trend_statements(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each trend's statement, in the newest taxonomy version loaded."""
    return dict(
        con.execute(
            "SELECT trend_id, arg_max(statement, taxonomy_version) FROM trends GROUP BY trend_id"
        ).fetchall()
    )


def save_readings(
    con: duckdb.DuckDBPyConnection,
    readings: Sequence[tuple[str, EnglishReading, str, str | None]],
    *,
    now: datetime | None = None,
) -> int:
    """Write (item id, reading, method, classifier version) rows, replacing older ones."""
    now = now or datetime.now(UTC)
    con.executemany(
        "INSERT OR REPLACE INTO english_readings (item_id, kind, language, title, summary, note, "
        "method, classifier_version, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                item_id,
                reading.kind,
                reading.language,
                reading.title,
                reading.summary,
                reading.note,
                method,
                version,
                now,
            )
            for item_id, reading, method, version in readings
            if reading.kind != "original"
        ],
    )
    return len(readings)
