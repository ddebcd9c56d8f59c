"""Stories and actors as data: written beside the labels, backfilled for stored items, and
the latest classification kept for fast reading."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import spacebrief
from spacebrief.classifiers.types import Classification, TrendScore
from spacebrief.ingest.types import Item
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse.editions import EditionRecord, record_edition
from spacebrief.warehouse.items import insert_items
from spacebrief.warehouse.labels import store_classifications
from spacebrief.warehouse.stories import read_for_the_room, refresh_actor_months, store_actors

T0 = datetime(2025, 2, 28, 9, tzinfo=UTC)
DEAL = (
    "Pakistan and China signed an agreement on Friday under which a Pakistani astronaut "
    "will fly to the Tiangong space station as its first foreign visitor, officials said."
)


def item(item_id: str, source: str, title: str, summary: str, *, hours: float = 0,
         cluster: str | None = None, url: str | None = None) -> Item:  # fmt: skip
    return Item(
        item_id=item_id,
        url=url or f"https://{source}.example/{item_id}",
        guid=None,
        title=title,
        summary=summary,
        language="en",
        source_id=source,
        source_name=source.title(),
        published_at=T0 + timedelta(hours=hours),
        published_inferred=False,
        fetched_at=T0 + timedelta(days=1),
        content_hash=item_id,
        cluster_id=cluster or item_id,
    )


def classification(item_id: str, embedding: tuple[float, ...], *, version: str = "clf-1",
                   trends: tuple[str, ...] = ("R4",)) -> Classification:  # fmt: skip
    return Classification(
        item_id=item_id,
        relevant=True,
        relevance=0.9,
        scores={t: 0.8 for t in trends},
        labels=tuple(TrendScore(t, 0.8, "evidence") for t in trends),
        classifier_version=version,
        taxonomy_version="tax-1",
        embedding=embedding,
    )


ITEMS = [
    item("wire", "wire", "Pakistan signs Tiangong astronaut deal with China", DEAL),
    item(
        "copy",
        "partner",
        "Pakistan signs Tiangong astronaut deal",
        DEAL + " More soon.",
        hours=1,
        cluster="wire",
    ),
    item(
        "own",
        "daily",
        "Tiangong to welcome a Pakistani astronaut",
        "Islamabad's agency confirmed a candidate will train in China before a short stay "
        "aboard the Chinese station, the first by a foreign crew member.",
        hours=5,
    ),
    item(
        "other",
        "daily",
        "Egypt's satellite reaches orbit",
        "Egypt's new satellite, built with China, reached orbit on Tuesday.",
        hours=6,
    ),
]
VECTORS = {
    "wire": (1.0, 0.0, 0.0),
    "copy": (1.0, 0.0, 0.0),
    "own": (0.95, 0.3, 0.0),
    "other": (0.0, 1.0, 0.0),
}


@pytest.fixture
def stored(warehouse: Warehouse) -> Warehouse:
    with warehouse.write() as con, transaction(con):
        insert_items(con, ITEMS)
        store_classifications(con, [classification(i, v) for i, v in VECTORS.items()])
    return warehouse


def stories(warehouse: Warehouse) -> dict[str, tuple[str, str, str | None]]:
    with warehouse.read() as con:
        rows = con.execute("SELECT item_id, story_id, role, reason FROM story_reports").fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_reports_of_one_event_are_one_story_with_their_roles(stored: Warehouse) -> None:
    with stored.write() as con, transaction(con):
        read_for_the_room(con, list(VECTORS))
    assert stories(stored) == {
        "wire": ("wire", "independent", None),
        "copy": ("wire", "echo", "near-copy"),
        "own": ("wire", "independent", None),
        "other": ("other", "independent", None),
    }
    with stored.read() as con:
        story = con.execute(
            "SELECT reports, independent_reports, echoes, independent_outlets FROM v_stories "
            "WHERE story_id = 'wire'"
        ).fetchone()
    assert story == (3, 2, 1, ["Wire", "Daily"])


def test_reading_again_adds_and_renames_nothing(stored: Warehouse) -> None:
    for _ in range(2):
        with stored.write() as con, transaction(con):
            read_for_the_room(con, list(VECTORS))
    with stored.read() as con:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM story_reports), (SELECT count(*) FROM item_actors)"
        ).fetchone()
    assert counts == (4, 11)  # Pakistan, China, Tiangong in 3 reports; Egypt, China


def test_an_earlier_report_arriving_late_becomes_the_independent_one(stored: Warehouse) -> None:
    with stored.write() as con, transaction(con):
        read_for_the_room(con, list(VECTORS))
        insert_items(con, [item("first", "agency", "Pakistan signs Tiangong astronaut deal "
                                "with China", DEAL, hours=-2, cluster="wire")])  # fmt: skip
        store_classifications(con, [classification("first", (1.0, 0.0, 0.0))])
        read_for_the_room(con, ["first"])
    found = stories(stored)
    assert found["first"] == ("wire", "independent", None)
    assert found["wire"] == ("wire", "echo", "near-copy")


def test_actors_are_stored_under_their_english_names(warehouse: Warehouse) -> None:
    russian = item("ru", "tass", "Роскосмос и Пакистан", "Роскосмос подписал соглашение с Китаем.")
    with warehouse.write() as con, transaction(con):
        insert_items(con, [russian])
        store_actors(con, ["ru"])
        rows = con.execute(
            "SELECT actor, kind, mentions, in_title FROM item_actors ORDER BY actor"
        ).fetchall()
    assert rows == [
        ("China", "country", 1, False),
        ("Pakistan", "country", 1, True),
        ("Roscosmos", "agency", 2, True),
    ]


def test_current_classifications_follow_the_latest_version(stored: Warehouse) -> None:
    later = datetime.now(UTC) + timedelta(days=1)
    with stored.write() as con, transaction(con):
        store_classifications(
            con, [classification("wire", (1.0, 0.0, 0.0), version="clf-2", trends=("W1",))],
            now=later,
        )  # fmt: skip
        store_classifications(  # an older classification stored late does not win
            con, [classification("wire", (1.0, 0.0, 0.0), version="clf-0", trends=("D1",))],
            now=later - timedelta(days=3),
        )  # fmt: skip
        current = con.execute(
            "SELECT classifier_version, trends FROM current_classifications WHERE item_id = 'wire'"
        ).fetchone()
        view = con.execute(
            "SELECT classifier_version FROM v_classifications WHERE item_id = 'wire'"
        ).fetchone()
    assert current == ("clf-2", ["W1"])
    assert view == ("clf-2",)


def test_the_migration_fills_current_classifications_for_a_warehouse_made_before_it(
    stored: Warehouse,
) -> None:
    with stored.write() as con:  # as a warehouse before migration 160 would be
        con.execute(
            "DROP VIEW v_item_actors; DROP VIEW v_stories; DROP VIEW v_story_reports; "
            "DROP TABLE item_actors; DROP TABLE story_reports; "
            "DROP TABLE current_classifications; DROP TABLE edition_citations; "
            "DROP TABLE actor_months; DROP INDEX labels_by_item; "
            "DROP INDEX classifications_by_item; "
            "DELETE FROM schema_migrations WHERE version = 160"
        )
    assert 160 in stored.initialise()
    with stored.read() as con:
        rows = con.execute("SELECT item_id FROM current_classifications ORDER BY 1").fetchall()
    assert [r[0] for r in rows] == sorted(VECTORS)


def test_backfill_reads_stored_items_and_old_editions_once(
    stored: Warehouse, tmp_path: Path
) -> None:
    edition_json = tmp_path / "2025-03-02.json"
    edition_json.write_text(json.dumps({"citations": [{"number": 1, "item_id": "own"}]}))
    with stored.write() as con, transaction(con):
        record_edition(con, EditionRecord("2025-03-02", T0.date(), T0, T0, 7, 3, None, None,
                                          str(edition_json)))  # fmt: skip
    seen: list[tuple[int, int]] = []
    report = spacebrief.open(stored.path).backfill(on_progress=lambda d, t: seen.append((d, t)))
    assert (report.items, report.editions) == (4, 1)
    assert seen[-1] == (4, 4)
    assert stories(stored)["own"] == ("wire", "independent", None)
    with stored.read() as con:
        cited = con.execute("SELECT number, item_id FROM edition_citations").fetchall()
    assert cited == [(1, "own")]
    again = spacebrief.open(stored.path).backfill()
    assert (again.items, again.actors, again.editions) == (0, 0, 0)


def test_actor_months_kept_batch_by_batch_equal_a_recount(stored: Warehouse) -> None:
    with stored.write() as con, transaction(con):
        read_for_the_room(con, ["wire", "other"])
        read_for_the_room(con, ["copy", "own"])  # join the story "wire" already counted
        kept = con.execute("SELECT * FROM actor_months ORDER BY actor, month").fetchall()
        refresh_actor_months(con)
        recounted = con.execute("SELECT * FROM actor_months ORDER BY actor, month").fetchall()
    assert kept == recounted
    assert ("Pakistan", "country", date(2025, 2, 1), 3, 1) in kept  # 3 reports, 1 story


def test_a_relabel_rewrites_the_actors_copy_of_the_labels(stored: Warehouse) -> None:
    later = datetime.now(UTC) + timedelta(days=1)
    with stored.write() as con, transaction(con):
        read_for_the_room(con, list(VECTORS))
        relabelled = classification("wire", VECTORS["wire"], version="clf-2", trends=("W1",))
        store_classifications(con, [relabelled], now=later)
        read_for_the_room(con, ["wire"])
        trends = con.execute(
            "SELECT DISTINCT trends FROM item_actors WHERE item_id = 'wire'"
        ).fetchall()
    assert trends == [(["W1"],)]
