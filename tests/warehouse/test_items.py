"""warehouse.items: idempotent batch inserts and the look-ups dedupe and digest need."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from spacebrief.ingest import Item, identity_keys
from spacebrief.warehouse.items import (
    count_items,
    insert_items,
    known_identity_keys,
    known_ids,
    latest_published_at,
    recent_items_for_clustering,
)

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def item(n: int, *, days_ago: int = 0, source: str = "agency") -> Item:
    item_id = f"id-{n}"
    return Item(
        item_id=item_id,
        url=f"https://news.example.org/{n}",
        guid=f"g{n}",
        title=f"Title {n}",
        summary=f"Summary {n}",
        language="en",
        source_id=source,
        source_name=source.title(),
        published_at=T0 - timedelta(days=days_ago),
        published_inferred=False,
        fetched_at=T0,
        content_hash=f"hash-{n}",
        cluster_id=item_id,
    )


def test_inserting_returns_the_new_ids_and_a_second_insert_adds_nothing(warehouse):
    with warehouse.write() as con:
        assert insert_items(con, [item(1), item(2)]) == ["id-1", "id-2"]
        assert insert_items(con, [item(2), item(3)]) == ["id-3"]
        assert count_items(con) == 3


def test_a_batch_holding_one_id_twice_stores_the_first(warehouse):
    with warehouse.write() as con:
        assert insert_items(con, [item(1), replace(item(1), title="second copy")]) == ["id-1"]
        assert con.execute("SELECT title FROM items").fetchall() == [("Title 1",)]


def test_timestamps_come_back_in_utc(warehouse):
    with warehouse.write() as con:
        insert_items(con, [item(1, days_ago=3), item(2)])
        assert latest_published_at(con) == T0
        (story,) = recent_items_for_clustering(con, T0 - timedelta(days=1))
    assert story.item_id == "id-2" and story.published_at == T0
    assert story.published_at.utcoffset() == timedelta(0)


def test_an_empty_warehouse_has_no_latest_item(warehouse):
    with warehouse.write() as con:
        assert latest_published_at(con) is None


def test_known_ids_and_keys_find_stored_stories(warehouse):
    with warehouse.write() as con:
        insert_items(con, [item(1)])
        assert known_ids(con, ["id-1", "id-9"]) == {"id-1"}
        other_id_same_url = replace(item(1), item_id="id-x", guid=None)
        same_guid_elsewhere = replace(item(1), item_id="id-y", url=None, source_id="other")
        keys = known_identity_keys(con, [other_id_same_url, same_guid_elsewhere])
    assert keys == {f"url:{item(1).source_id}\x1fhttps://news.example.org/1"}
    assert keys & set(identity_keys(other_id_same_url))
    assert not keys & set(identity_keys(same_guid_elsewhere))
