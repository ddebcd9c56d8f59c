"""The classify step's work on a local 2-worker Dask cluster through prefect-dask."""

from __future__ import annotations

import pytest

from spacebrief.classifiers.pending import split
from spacebrief.flows.dask_classify import classify_on_dask
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps.ingest_step import ingest
from spacebrief.warehouse import Warehouse
from tests.flows.conftest import ILRS_STORY, OFF_THEME_STORY, WATCHLIST_STORY, feed


def test_split_makes_near_equal_batches_and_never_an_empty_one():
    assert [len(b) for b in split(tuple(range(5)), 2)] == [3, 2]
    assert [len(b) for b in split(tuple(range(1)), 2)] == [1]


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_batches_classified_in_parallel_on_dask_are_written_once_with_their_alerts(
    home, feed_server
):
    pytest.importorskip(
        "prefect_dask", reason="prefect-dask comes with pip install 'spacebrief[dask]'"
    )
    feed_server.serve("/feed.xml", feed(WATCHLIST_STORY, ILRS_STORY, OFF_THEME_STORY))
    settings = Settings()
    warehouse = Warehouse(settings.warehouse_path)
    assert ingest(warehouse, settings, feed_server.url("/feed.xml")).new_items == 3

    report = classify_on_dask(batches=2)

    assert (report.classified, report.batches) == (3, 2)
    assert report.workers and all(w.startswith(("inproc://", "tcp://")) for w in report.workers)
    with warehouse.read() as con:
        classified = con.execute("SELECT count(*) FROM classifications").fetchone()[0]
        alerted = {row[0] for row in con.execute("SELECT trend_id FROM alerts").fetchall()}
    assert classified == 3
    assert {"W1", "W2"} <= alerted
    assert report.new_alerts == len(alerted)
    assert classify_on_dask(batches=2).classified == 0


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_relabel_on_dask_classifies_every_item_again_and_replaces_its_rows(home, feed_server):
    pytest.importorskip(
        "prefect_dask", reason="prefect-dask comes with pip install 'spacebrief[dask]'"
    )
    feed_server.serve("/feed.xml", feed(WATCHLIST_STORY, ILRS_STORY, OFF_THEME_STORY))
    settings = Settings()
    warehouse = Warehouse(settings.warehouse_path)
    ingest(warehouse, settings, feed_server.url("/feed.xml"))
    first = classify_on_dask(batches=2)

    def rows() -> tuple[int, object, int]:
        with warehouse.read() as con:
            count, latest = con.execute(
                "SELECT count(*), max(classified_at) FROM classifications"
            ).fetchone()
            (alerts,) = con.execute("SELECT count(*) FROM alerts").fetchone()
        return count, latest, alerts

    before = rows()
    assert classify_on_dask(batches=2).classified == 0, "nothing is pending any more"
    again = classify_on_dask(batches=3, relabel=True)

    assert (again.classified, again.batches) == (3, 3)
    assert again.labels == first.labels
    after = rows()
    assert after[0] == before[0] == 3, "relabelled rows replace the old ones"
    assert after[1] > before[1], "the rows were written again"
    assert after[2] == before[2] and again.new_alerts == 0, "an alert is never owed twice"
