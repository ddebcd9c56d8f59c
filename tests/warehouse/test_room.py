"""The reading room's reads: a page looked for slice by slice (the newest days first) is
exactly the page a plain ORDER BY ... LIMIT over the whole warehouse gives."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from spacebrief.classifiers.types import Classification, TrendScore
from spacebrief.ingest.types import Item
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse.items import insert_items
from spacebrief.warehouse.labels import store_classifications
from spacebrief.warehouse.room import Cursor, ItemFilters, list_items, search_items
from spacebrief.warehouse.stories import read_for_the_room

NEWEST = datetime(2025, 3, 24, 12, tzinfo=UTC)
WORDS = ["Kenya launches a satellite", "Roscosmos and China sign a deal", "ILRS grows",
         "Pakistan trains an astronaut", "Egypt opens a test centre"]  # fmt: skip
TRENDS = ["R1", "W3", "D4", "W6"]


@pytest.fixture(scope="module")
def spread(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """600 items over two years, denser lately, a gap of four months, mixed filters."""
    rng = random.Random(27)
    warehouse = Warehouse(tmp_path_factory.mktemp("room") / "w.duckdb")
    items, classified = [], []
    for n in range(600):
        back = rng.random() ** 3 * 730
        if 200 < back < 320:
            back += 120  # a gap no slice finds anything in
        published = NEWEST - timedelta(days=back, minutes=n)
        title = f"{rng.choice(WORDS)} ({n})"
        items.append(
            Item(
                item_id=f"i{n:03d}", url=f"https://s{n % 7}.example/{n}", guid=None,
                title=title, summary=title + " today.", language="en" if n % 5 else "fr",
                source_id=f"s{n % 7}", source_name=f"Source {n % 7}", published_at=published,
                published_inferred=False, fetched_at=NEWEST, content_hash=str(n),
                cluster_id=f"i{n:03d}",
            )
        )  # fmt: skip
        labels = tuple(TrendScore(t, 0.9, "e", "against" if n % 11 == 0 else "supports")
                       for t in TRENDS if rng.random() < 0.3)  # fmt: skip
        classified.append(
            Classification(
                f"i{n:03d}",
                bool(labels),
                0.9 if labels else 0.1,
                {t: 0.5 for t in TRENDS},
                labels,
                "clf",
                "tax",
            )
        )
    with warehouse.write() as con, transaction(con):
        con.execute(
            "INSERT INTO trends VALUES ('R1', 'tax', 'rising', 'a', 'a', NULL, 1), "
            "('W3', 'tax', 'watch', 'b', 'b', NULL, 2), ('D4', 'tax', 'declining', 'c', 'c', "
            "NULL, 3), ('W6', 'tax', 'watch', 'd', 'd', NULL, 4)"
        )
        insert_items(con, sorted(items, key=lambda i: i.published_at))
        store_classifications(con, classified)
        read_for_the_room(con, [i.item_id for i in items])
    return warehouse


PLAIN = {  # each filter as a plain WHERE over the views, for the brute-force answer
    "none": (ItemFilters(), "true"),
    "trend": (ItemFilters(trend="W3"), "list_contains(v.trends, 'W3')"),
    "family": (ItemFilters(family="watch"), "list_has_any(v.trends, ['W3', 'W6'])"),
    "against": (ItemFilters(trend="R1", stance="against"),
                "v.item_id IN (SELECT item_id FROM v_labels WHERE trend_id = 'R1' "
                "AND stance = 'against')"),
    "actor": (ItemFilters(actor="Kenya"),
              "v.item_id IN (SELECT item_id FROM item_actors WHERE actor = 'Kenya')"),
    "actor+trend": (ItemFilters(actor="China", trend="D4"),
                    "list_contains(v.trends, 'D4') AND v.item_id IN "
                    "(SELECT item_id FROM item_actors WHERE actor = 'China')"),
    "language": (ItemFilters(language="fr"), "v.language = 'fr'"),
    "dates": (ItemFilters(since=date(2024, 1, 1), until=date(2024, 12, 31)),
              "v.published_day BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'"),
    "off-theme": (ItemFilters(relevant=False), "NOT v.relevant"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_every_page_is_the_plain_query_s_page(spread: Warehouse, name: str) -> None:
    filters, plain = PLAIN[name]
    with spread.read() as con:
        expected = [
            r[0]
            for r in con.execute(
                f"SELECT item_id FROM v_items AS v WHERE {plain} "
                "ORDER BY published_at DESC, item_id DESC"
            ).fetchall()
        ]
        seen: list[str] = []
        page = list_items(con, filters, limit=7)
        pages = [page]
        while page.older is not None:
            page = list_items(con, filters, before=page.older, limit=7)
            pages.append(page)
        seen = [row.item_id for p in pages for row in p.rows]
        assert seen == expected
        if len(pages) > 2:  # and back again, newer from the third page
            back = list_items(con, filters, after=pages[2].newer, limit=7)
            assert [r.item_id for r in back.rows] == [r.item_id for r in pages[1].rows]


def test_search_counts_only_when_its_page_holds_every_match(spread: Warehouse) -> None:
    with spread.read() as con:
        rare = search_items(con, "Egypt", since=date(2025, 3, 1), until=date(2025, 3, 24))
        common = search_items(con, "satellite OR deal OR ILRS", since=None, limit=5)
        assert rare.page.total == len(rare.page.rows) and rare.page.older is None
        assert common.page.total is None and common.page.older is not None
        older = search_items(
            con, "satellite OR deal OR ILRS", since=None, limit=5, before=common.page.older
        )
        assert not {r.item_id for r in older.page.rows} & {r.item_id for r in common.page.rows}


def test_a_cursor_between_two_items_of_one_second_loses_neither(spread: Warehouse) -> None:
    with spread.read() as con:
        first = list_items(con, ItemFilters(), limit=3)
        cursor = first.older
        assert cursor is not None
        tie = Cursor(cursor.published_at, cursor.item_id)
        after_tie = list_items(con, ItemFilters(), before=tie, limit=3)
        assert tie.item_id not in [r.item_id for r in after_tie.rows]
