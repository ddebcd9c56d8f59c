"""Classifications, labels, the trends they refer to, and analyst feedback.

A classification row is keyed by (item, classifier version, taxonomy version): an item
already classified by the current versions is never picked up again, and a new model or
taxonomy version makes every item pending once more. Re-labelling under the same
versions (`--relabel`) replaces the rows: the old ones are deleted in the same
transaction as the new ones are inserted. All writes are Arrow batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from spacebrief.classifiers.pending import PendingItems
from spacebrief.classifiers.types import (
    Classification,
    FeedbackExample,
    Taxonomy,
    TextItem,
    TrendScore,
)
from spacebrief.warehouse.exceptions import WarehouseError

_TREND_SCHEMA = pa.schema(
    [
        ("trend_id", pa.string()),
        ("taxonomy_version", pa.string()),
        ("family", pa.string()),
        ("name", pa.string()),
        ("statement", pa.string()),
        ("description", pa.string()),
        ("position", pa.int32()),
    ]
)
_CLASSIFICATION_SCHEMA = pa.schema(
    [
        ("item_id", pa.string()),
        ("classifier_version", pa.string()),
        ("taxonomy_version", pa.string()),
        ("relevant", pa.bool_()),
        ("relevance", pa.float64()),
        ("scores", pa.map_(pa.string(), pa.float64())),
        ("embedding", pa.list_(pa.float32())),
        ("classified_at", pa.timestamp("us", tz="UTC")),
    ]
)
_LABEL_SCHEMA = pa.schema(
    [
        ("item_id", pa.string()),
        ("trend_id", pa.string()),
        ("score", pa.float64()),
        ("evidence", pa.string()),
        ("classifier_version", pa.string()),
        ("taxonomy_version", pa.string()),
        ("labelled_at", pa.timestamp("us", tz="UTC")),
        ("stance", pa.string()),
        ("stance_score", pa.float64()),
    ]
)


def store_trends(con: duckdb.DuckDBPyConnection, taxonomy: Taxonomy) -> None:
    """Record the taxonomy's trends under its version (the views join labels to them)."""
    table = pa.Table.from_pylist(
        [
            {
                "trend_id": t.trend_id,
                "taxonomy_version": taxonomy.version,
                "family": t.family,
                "name": t.name,
                "statement": t.statement,
                "description": t.description,
                "position": t.position,
            }
            for t in taxonomy.trends
        ],
        schema=_TREND_SCHEMA,
    )
    columns = ", ".join(_TREND_SCHEMA.names)
    con.register("_new_trends", table)
    try:
        con.execute(
            f"INSERT INTO trends ({columns}) SELECT {columns} FROM _new_trends "
            "ON CONFLICT (trend_id, taxonomy_version) DO UPDATE SET family = excluded.family, "
            "name = excluded.name, statement = excluded.statement, "
            "description = excluded.description, position = excluded.position"
        )
    finally:
        con.unregister("_new_trends")


def pending_items(
    con: duckdb.DuckDBPyConnection,
    classifier_version: str,
    taxonomy_version: str,
    *,
    relabel: bool = False,
) -> PendingItems:
    """Items not classified by these versions yet (every item when `relabel`), oldest first."""
    sql = (
        "SELECT i.item_id, i.title, coalesce(i.summary, ''), i.language, i.cluster_id, "
        "coalesce(i.content, '') "
        "FROM items AS i "
    )
    params: list[str] = []
    if not relabel:
        sql += (
            "ANTI JOIN classifications AS c ON c.item_id = i.item_id "
            "AND c.classifier_version = ? AND c.taxonomy_version = ? "
        )
        params = [classifier_version, taxonomy_version]
    rows = con.execute(sql + "ORDER BY i.published_at, i.item_id", params).fetchall()
    return PendingItems(
        items=tuple(
            TextItem(id=r[0], title=r[1], summary=r[2], language=r[3], content=r[5]) for r in rows
        ),
        clusters={r[0]: r[4] for r in rows},
    )


def first_classified_at(
    con: duckdb.DuckDBPyConnection, item_ids: Sequence[str]
) -> dict[str, datetime]:
    """item_id -> when any classifier first labelled it; items never classified are absent.

    Read before a batch replaces its rows, so a relabel under the same versions still
    knows the item was classified before (watch rules decide only for later stories)."""
    if not item_ids:
        return {}
    rows = con.execute(
        "SELECT item_id, min(classified_at) FROM classifications "
        "WHERE list_contains(?, item_id) GROUP BY item_id",
        [list(dict.fromkeys(item_ids))],
    ).fetchall()
    return {
        item_id: when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
        for item_id, when in rows
    }


def store_classifications(
    con: duckdb.DuckDBPyConnection,
    classifications: Sequence[Classification],
    *,
    now: datetime | None = None,
) -> int:
    """Replace the rows of these (item, versions) with the given ones; returns labels written.

    Call inside a transaction: the delete and the inserts must land together.
    """
    unique: dict[tuple[str, str, str], Classification] = {}
    for c in classifications:
        unique[(c.item_id, c.classifier_version, c.taxonomy_version)] = c
    if not unique:
        return 0
    now = now or datetime.now(UTC)
    rows = list(unique.values())
    classification_table = pa.Table.from_pylist(
        [
            {
                "item_id": c.item_id,
                "classifier_version": c.classifier_version,
                "taxonomy_version": c.taxonomy_version,
                "relevant": c.relevant,
                "relevance": float(c.relevance),
                "scores": list(c.scores.items()),
                "embedding": list(c.embedding) if c.embedding is not None else None,
                "classified_at": now,
            }
            for c in rows
        ],
        schema=_CLASSIFICATION_SCHEMA,
    )
    label_table = pa.Table.from_pylist(
        [
            {
                "item_id": c.item_id,
                "trend_id": label.trend_id,
                "score": float(label.score),
                "evidence": label.evidence,
                "classifier_version": c.classifier_version,
                "taxonomy_version": c.taxonomy_version,
                "labelled_at": now,
                "stance": label.stance,
                "stance_score": float(label.stance_score),
            }
            for c in rows
            for label in {lb.trend_id: lb for lb in c.labels}.values()
        ],
        schema=_LABEL_SCHEMA,
    )
    keys = "item_id, classifier_version, taxonomy_version"
    con.register("_new_classifications", classification_table)
    con.register("_new_labels", label_table)
    try:
        for table in ("labels", "classifications"):
            con.execute(
                f"DELETE FROM {table} WHERE ({keys}) IN (SELECT ({keys}) FROM _new_classifications)"
            )
        con.execute(
            f"INSERT INTO classifications ({', '.join(_CLASSIFICATION_SCHEMA.names)}) "
            f"SELECT {', '.join(_CLASSIFICATION_SCHEMA.names)} FROM _new_classifications"
        )
        con.execute(
            f"INSERT INTO labels ({', '.join(_LABEL_SCHEMA.names)}) "
            f"SELECT {', '.join(_LABEL_SCHEMA.names)} FROM _new_labels"
        )
        _keep_current(con)
    finally:
        con.unregister("_new_classifications")
        con.unregister("_new_labels")
    return label_table.num_rows


_CURRENT_COLUMNS = (
    "item_id, classifier_version, taxonomy_version, classified_at, relevant, relevance, "
    "trends, against, published_at"
)


def _keep_current(con: duckdb.DuckDBPyConnection) -> None:
    """Point `current_classifications` at the rows just stored, unless an item already has
    a later one (the order `v_classifications` ranks by: time, then classifier version)."""
    con.execute(
        f"""
        INSERT INTO current_classifications ({_CURRENT_COLUMNS})
        WITH stored AS (
            SELECT c.item_id, c.classifier_version, c.taxonomy_version, c.classified_at,
                   c.relevant, c.relevance,
                   coalesce(list(l.trend_id ORDER BY l.score DESC, l.trend_id)
                            FILTER (WHERE l.trend_id IS NOT NULL), []::VARCHAR[]) AS trends,
                   coalesce(list(l.trend_id ORDER BY l.trend_id)
                            FILTER (WHERE l.stance = 'against'), []::VARCHAR[]) AS against,
                   any_value(i.published_at) AS published_at
            FROM _new_classifications AS c
            LEFT JOIN _new_labels AS l
              ON l.item_id = c.item_id AND l.classifier_version = c.classifier_version
             AND l.taxonomy_version = c.taxonomy_version
            LEFT JOIN items AS i ON i.item_id = c.item_id
            GROUP BY c.item_id, c.classifier_version, c.taxonomy_version, c.classified_at,
                     c.relevant, c.relevance
        )
        SELECT {_CURRENT_COLUMNS} FROM stored
        QUALIFY row_number() OVER (
            PARTITION BY item_id ORDER BY classified_at DESC, classifier_version DESC) = 1
        ON CONFLICT (item_id) DO UPDATE SET
            classifier_version = excluded.classifier_version,
            taxonomy_version = excluded.taxonomy_version,
            classified_at = excluded.classified_at, relevant = excluded.relevant,
            relevance = excluded.relevance, trends = excluded.trends, against = excluded.against,
            published_at = excluded.published_at
        WHERE (excluded.classified_at, excluded.classifier_version)
           >= (current_classifications.classified_at, current_classifications.classifier_version)
        """
    )


def refresh_current_classifications(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild `current_classifications` from every stored classification (for rows
    written by hand or by a bench's generator); returns the rows it holds."""
    con.execute("DELETE FROM current_classifications")
    con.execute(
        f"""
        INSERT INTO current_classifications ({_CURRENT_COLUMNS})
        SELECT c.item_id, c.classifier_version, c.taxonomy_version, c.classified_at,
               c.relevant, c.relevance,
               coalesce(list(l.trend_id ORDER BY l.score DESC, l.trend_id)
                        FILTER (WHERE l.trend_id IS NOT NULL), []::VARCHAR[]),
               coalesce(list(l.trend_id ORDER BY l.trend_id)
                        FILTER (WHERE l.stance = 'against'), []::VARCHAR[]),
               any_value(i.published_at)
        FROM v_classifications AS c
        LEFT JOIN labels AS l
          ON l.item_id = c.item_id AND l.classifier_version = c.classifier_version
         AND l.taxonomy_version = c.taxonomy_version
        LEFT JOIN items AS i ON i.item_id = c.item_id
        GROUP BY c.item_id, c.classifier_version, c.taxonomy_version, c.classified_at,
                 c.relevant, c.relevance
        ORDER BY any_value(i.published_at), c.item_id
        """
    )
    row = con.execute("SELECT count(*) FROM current_classifications").fetchone()
    return int(row[0]) if row else 0


def record_feedback(
    con: duckdb.DuckDBPyConnection,
    item_id: str,
    trend_id: str,
    verdict: bool,
    *,
    analyst: str | None = None,
    now: datetime | None = None,
) -> None:
    """Store (or overwrite) an analyst's verdict on one item for one trend."""
    if not con.execute("SELECT 1 FROM items WHERE item_id = ?", [item_id]).fetchone():
        raise WarehouseError(
            f"There is no item {item_id!r} in the warehouse: copy the id from the view "
            "v_items (SELECT item_id, title FROM v_items).",
            parameter="item_id",
        )
    con.execute(
        "INSERT INTO feedback (item_id, trend_id, verdict, analyst, recorded_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (item_id, trend_id) DO UPDATE SET "
        "verdict = excluded.verdict, analyst = excluded.analyst, "
        "recorded_at = excluded.recorded_at",
        [item_id, trend_id, verdict, analyst, now or datetime.now(UTC)],
    )


def feedback_examples(con: duckdb.DuckDBPyConnection) -> list[FeedbackExample]:
    """Every verdict with its item's text, for `spacebrief train`."""
    rows = con.execute(
        "SELECT i.title, coalesce(i.summary, ''), f.trend_id, f.verdict "
        "FROM feedback AS f JOIN items AS i USING (item_id) ORDER BY f.item_id, f.trend_id"
    ).fetchall()
    return [FeedbackExample(r[0], r[1], r[2], bool(r[3])) for r in rows]


def count_classified(
    con: duckdb.DuckDBPyConnection, classifier_version: str, taxonomy_version: str
) -> int:
    row = con.execute(
        "SELECT count(*) FROM classifications "
        "WHERE classifier_version = ? AND taxonomy_version = ?",
        [classifier_version, taxonomy_version],
    ).fetchone()
    return int(row[0]) if row else 0


def latest_classifications(
    con: duckdb.DuckDBPyConnection,
    item_ids: Sequence[str] | None = None,
    *,
    with_embeddings: bool = False,
) -> list[Classification]:
    """Each item's latest classification with its labels (what the `v_` views count), by
    item id: these items' (all classified items when None). Embeddings only when asked
    for: 512 floats an item is more than a reader usually wants."""
    wanted = None if item_ids is None else sorted(set(item_ids))
    where = "" if wanted is None else "WHERE item_id IN (SELECT unnest(?::VARCHAR[])) "
    params = [] if wanted is None else [wanted]
    rows = con.execute(
        "SELECT item_id, relevant, relevance, map_keys(scores), map_values(scores), "
        f"classifier_version, taxonomy_version, {'embedding' if with_embeddings else 'NULL'} "
        f"FROM v_classifications {where}ORDER BY item_id",
        params,
    ).fetchall()
    labels: dict[str, list[TrendScore]] = {}
    for item_id, trend_id, score, evidence, stance, stance_score in con.execute(
        "SELECT item_id, trend_id, score, evidence, stance, stance_score FROM v_labels "
        f"{where}ORDER BY item_id, score DESC, trend_id",
        params,
    ).fetchall():
        labels.setdefault(item_id, []).append(
            TrendScore(trend_id, score, evidence, stance, stance_score)
        )
    return [
        Classification(
            item_id=item_id,
            relevant=bool(relevant),
            relevance=relevance,
            scores=dict(zip(keys, values, strict=True)),
            labels=tuple(labels.get(item_id, ())),
            classifier_version=classifier_version,
            taxonomy_version=taxonomy_version,
            embedding=tuple(embedding) if embedding is not None else None,
        )
        for item_id, relevant, relevance, keys, values, classifier_version, taxonomy_version, (
            embedding
        ) in rows
    ]
