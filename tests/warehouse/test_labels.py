"""Classifications in the warehouse: stored with evidence, never recomputed, relabelled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from spacebrief.classifiers.types import Classification, TrendScore
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps.classify_step import classify
from spacebrief.ingest.types import Item
from spacebrief.warehouse import Warehouse, WarehouseError, transaction
from spacebrief.warehouse import labels as labels
from spacebrief.warehouse.items import insert_items

NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)  # news: within 48 h


def _item(item_id: str, title: str, summary: str, cluster: str | None = None) -> Item:
    return Item(
        item_id=item_id,
        url=f"https://example.org/{item_id}",
        guid=None,
        title=title,
        summary=summary,
        language="en",
        source_id="s",
        source_name="Source",
        published_at=NOW,
        published_inferred=False,
        fetched_at=NOW,
        content_hash=item_id,
        cluster_id=cluster or item_id,
    )


STORIES = [
    _item(
        "ilrs-1",
        "Bolivia joins the China-led International Lunar Research Station",
        "La Paz signed a cooperation document with CNSA.",
        cluster="story-ilrs",
    ),
    _item(
        "ilrs-2",
        "Bolivia signs up to the ILRS lunar base led by China and Russia",
        "The agreement was signed in Beijing.",
        cluster="story-ilrs",
    ),
    _item("sky", "Perseid meteor shower peaks tonight", "Up to 100 meteors an hour are expected."),
]


@pytest.fixture
def filled(home: Path) -> tuple[Warehouse, Settings]:
    settings = Settings()
    store = Warehouse(settings.warehouse_path)
    with store.write() as con:
        insert_items(con, STORIES)
    return store, settings


def test_classify_stores_scores_labels_evidence_embedding_and_owed_alerts(filled) -> None:
    store, settings = filled
    summary = classify(store, settings)

    assert (summary.classified, summary.relevant) == (3, 2)
    assert summary.labels >= 2
    assert [(a.cluster_id, a.trend_id, a.destination) for a in summary.new_alerts] == [
        ("story-ilrs", "W1", "outbox")
    ]
    assert "Classified 3 item(s)" in summary.describe()
    with store.read() as con:
        rows = con.execute(
            "SELECT item_id, relevant, len(embedding), scores['W1'], classifier_version, "
            "taxonomy_version FROM classifications ORDER BY item_id"
        ).fetchall()
        w1 = con.execute(
            "SELECT item_id, score, evidence FROM labels WHERE trend_id = 'W1' ORDER BY item_id"
        ).fetchall()
        alerts = con.execute("SELECT cluster_id, trend_id, status FROM alerts").fetchall()
        trends = con.execute("SELECT count(*) FROM trends").fetchone()[0]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("ilrs-1", True, 512),
        ("ilrs-2", True, 512),
        ("sky", False, 512),
    ]
    assert {r[4] for r in rows} == {summary.classifier_version}
    assert [r[0] for r in w1] == ["ilrs-1", "ilrs-2"]
    assert all(r[1] >= 0.5 and r[2].startswith("Bolivia") for r in w1)
    assert alerts == [("story-ilrs", "W1", "pending")]
    assert trends == 19


def test_items_already_classified_by_these_versions_are_not_recomputed(filled) -> None:
    store, settings = filled
    classify(store, settings)
    with store.read() as con:
        first = con.execute(
            "SELECT item_id, classified_at FROM classifications ORDER BY 1"
        ).fetchall()

    again = classify(store, settings)

    assert again.classified == 0 and again.new_alerts == ()
    assert "Nothing to classify" in again.describe()
    with store.write() as con:
        assert (
            con.execute("SELECT item_id, classified_at FROM classifications ORDER BY 1").fetchall()
            == first
        )
        insert_items(
            con,
            [_item("late", "Pakistan picks astronauts for Tiangong", "Two will train in China.")],
        )
    late = classify(store, settings)
    assert late.classified == 1


def test_relabel_replaces_rows_without_duplicates_or_new_alerts(filled) -> None:
    store, settings = filled
    classify(store, settings)
    relabelled = classify(store, settings, relabel=True)

    assert relabelled.classified == 3 and relabelled.new_alerts == ()
    assert relabelled.describe().startswith("Re-labelled 3 item(s)")
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM classifications").fetchone()[0] == 3
        assert (
            con.execute(
                "SELECT count(*) FROM (SELECT item_id, trend_id FROM labels "
                "GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()[0]
            == 0
        )
        assert con.execute("SELECT count(*) FROM alerts").fetchone()[0] == 1


def test_a_new_classifier_version_makes_every_item_pending_again(warehouse: Warehouse) -> None:
    with warehouse.write() as con:
        insert_items(con, STORIES[:1])
        c = Classification(
            "ilrs-1", True, 0.9, {"W1": 0.9}, (TrendScore("W1", 0.9, "Bolivia."),), "v1", "t1"
        )
        with transaction(con):
            labels.store_classifications(con, [c, c])
        assert labels.pending_items(con, "v1", "t1").items == ()
        assert [i.id for i in labels.pending_items(con, "v2", "t1").items] == ["ilrs-1"]
        assert [i.id for i in labels.pending_items(con, "v1", "t2").items] == ["ilrs-1"]
        assert labels.count_classified(con, "v1", "t1") == 1


def test_feedback_is_stored_overwritten_and_read_back_with_the_item_text(
    warehouse: Warehouse,
) -> None:
    with warehouse.write() as con:
        insert_items(con, STORIES)
        labels.record_feedback(con, "sky", "W1", True, analyst="ana")
        labels.record_feedback(con, "sky", "W1", False, analyst="ana")
        labels.record_feedback(con, "ilrs-1", "W2", False)
        examples = labels.feedback_examples(con)
        with pytest.raises(WarehouseError, match="no item 'nope'"):
            labels.record_feedback(con, "nope", "W1", True)
    assert [(e.title[:8], e.trend_id, e.verdict) for e in examples] == [
        ("Bolivia ", "W2", False),
        ("Perseid ", "W1", False),
    ]


def test_each_label_is_stored_with_its_stance_and_score(warehouse: Warehouse) -> None:
    c = Classification(
        item_id="x",
        relevant=True,
        relevance=0.9,
        scores={"D4": 0.8, "W2": 0.6},
        labels=(
            TrendScore("D4", 0.8, "A cosmonaut flies on a Crew Dragon.", "against", 0.81),
            TrendScore("W2", 0.6, "A cosmonaut flies on a Crew Dragon.", "supports", 0.2),
        ),
        classifier_version="v1",
        taxonomy_version="t1",
    )
    with warehouse.write() as con:
        labels.store_classifications(con, [c])
        rows = con.execute(
            "SELECT trend_id, stance, stance_score FROM labels ORDER BY trend_id"
        ).fetchall()
    assert rows == [("D4", "against", pytest.approx(0.81)), ("W2", "supports", pytest.approx(0.2))]
