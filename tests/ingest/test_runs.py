"""Ingest runs end to end through the library's API: real servers, real files, a real
DuckDB file (`tests/ingest/conftest.py`'s `ingest`)."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from spacebrief.ingest import IngestSummary, Source, load_sources, normalise_entries, parse_feed
from spacebrief.ingest.schedule import PollRules
from spacebrief.warehouse.sources import source_health
from tests.ingest.conftest import (
    FIXTURES,
    LOCAL,
    fetch_rows,
    ingest,
    stored_ids,
    write_catalog,
)
from tests.ingest.feed_server import entry, rss_feed


def expected_ids(path: Path, source: Source) -> set[str]:
    parsed = parse_feed(path.read_bytes())

    items = normalise_entries(
        parsed.entries, source, datetime.now(UTC), feed_language=parsed.language
    )
    return {item.item_id for item in items}


def test_a_feed_is_stored_and_a_second_run_answered_304_adds_nothing(warehouse, server):
    server.serve("/feed.xml", rss_feed("Agency", [entry(n) for n in range(1, 6)]), etag='"v1"')
    first = ingest(warehouse, server.url("/feed.xml"))
    assert (first.fetched, first.new_items, first.entries) == (1, 5, 5)
    second = ingest(warehouse, server.url("/feed.xml"), force=True)
    assert (second.unchanged, second.new_items) == (1, 0)
    assert len(stored_ids(warehouse)) == 5
    rows = fetch_rows(warehouse)
    assert rows[0][1:6] == ("ok", 200, rows[0][3], 5, 5)
    assert rows[1][1:6] == ("not_modified", 304, None, None, 0), "a 304 is not parsed"


def test_re_ingesting_a_feed_without_validators_never_duplicates(warehouse, server):
    server.serve("/feed.xml", rss_feed("Agency", [entry(1), entry(2)]))
    ingest(warehouse, server.url("/feed.xml"))
    again = ingest(warehouse, server.url("/feed.xml"), force=True)
    assert (again.fetched, again.new_items) == (1, 0)
    with warehouse.read() as con:
        assert con.execute("SELECT count(*), count(DISTINCT url) FROM items").fetchone() == (2, 2)


def test_a_feed_that_gains_items_adds_only_the_new_ones(warehouse, server):
    server.serve("/feed.xml", rss_feed("Agency", [entry(1), entry(2)]), etag='"v1"')
    ingest(warehouse, server.url("/feed.xml"))
    server.serve("/feed.xml", rss_feed("Agency", [entry(1), entry(2), entry(3)]), etag='"v2"')
    summary = ingest(warehouse, server.url("/feed.xml"), force=True)
    assert summary.new_items == 1
    with warehouse.read() as con:
        (url,) = con.execute(
            "SELECT url FROM items WHERE item_id = ?", [summary.new_item_ids[0]]
        ).fetchone()
    assert url == "https://news.example.org/stories/3"


def test_the_same_url_in_two_feeds_is_two_reports_of_one_story(warehouse, server, tmp_path):
    shared = entry(
        7,
        title="Another outlet's headline on mission 7",
        link="https://news.example.org/stories/7?utm_source=partner",
    )
    server.serve("/a.xml", rss_feed("A", [entry(1), shared]))
    server.serve("/b.xml", rss_feed("B", [entry(7), entry(8)]))
    catalog = tmp_path / "sources.yaml"
    catalog.write_text(
        f"sources:\n  - {{name: A, url: '{server.url('/a.xml')}'}}\n"
        f"  - {{name: B, url: '{server.url('/b.xml')}'}}\n"
    )
    summary = ingest(warehouse, str(catalog))
    assert summary.new_items == 4
    with warehouse.read() as con:
        rows = con.execute(
            "SELECT source_id, cluster_id FROM items WHERE url = ? ORDER BY source_id",
            ["https://news.example.org/stories/7"],
        ).fetchall()
    assert [r[0] for r in rows] == ["a", "b"]
    assert rows[0][1] == rows[1][1]
    assert ingest(warehouse, str(catalog), force=True).new_items == 0


def test_a_failing_feed_is_reported_then_left_alone_until_its_backoff_ends(warehouse, server):
    server.serve("/feed.xml", b"", fail_first=99, fail_status=500)
    policy = replace(LOCAL, read_timeout=0.5, total_timeout=1.5)
    first = ingest(warehouse, server.url("/feed.xml"), policy=policy)
    assert first.failed == 1
    hits = server.hits("/feed.xml")
    second = ingest(warehouse, server.url("/feed.xml"), policy=policy)
    assert second.skipped == 1 and server.hits("/feed.xml") == hits
    with warehouse.read() as con:
        (health,) = source_health(con)
    assert health.consecutive_failures == 1 and health.last_status == "failed"
    assert "HTTP 500" in health.last_error and health.next_fetch_at is not None
    assert [row[1] for row in fetch_rows(warehouse)] == ["failed"]  # no row for "not due"
    server.serve("/feed.xml", rss_feed("Agency", [entry(1)]))
    forced = ingest(warehouse, server.url("/feed.xml"), policy=policy, force=True)
    assert forced.new_items == 1
    with warehouse.read() as con:
        (health,) = source_health(con)
    assert (health.consecutive_failures, health.last_status, health.items) == (0, "ok", 1)


def test_a_document_with_no_entries_is_recorded_as_empty_with_the_reason(warehouse, server):
    server.serve("/feed.xml", b"<html><body>Moved</body></html>", content_type="text/html")
    summary = ingest(warehouse, server.url("/feed.xml"))
    assert summary.empty == 1 and summary.fetched == 1 and summary.new_items == 0
    (row,) = fetch_rows(warehouse)
    assert row[1] == "empty" and "text/html is not an XML media type" in row[6]


def test_an_xml_bomb_from_a_server_is_refused_and_the_run_goes_on(warehouse, server, tmp_path):
    from tests.ingest.test_parse import billion_laughs

    server.serve("/bomb.xml", billion_laughs())
    server.serve("/feed.xml", rss_feed("Agency", [entry(1)]))
    summary = ingest(warehouse, str(write_catalog(tmp_path, server, ["/bomb.xml", "/feed.xml"])))
    assert summary.new_items == 1 and summary.empty == 1
    assert any("refused to parse" in (row[6] or "") for row in fetch_rows(warehouse))


def test_a_gzipped_feed_with_a_charset_only_in_the_header_is_read(warehouse, server):
    body = rss_feed("Новости", [entry(1, title="Запуск спутника ГЛОНАСС")], encoding="koi8-r")
    body = body.replace(b' encoding="koi8-r"', b"")
    server.serve(
        "/feed.xml", body, encoding="gzip", content_type="application/rss+xml; charset=koi8-r"
    )
    ingest(warehouse, server.url("/feed.xml"))
    with warehouse.read() as con:
        assert con.execute("SELECT title FROM items").fetchone() == ("Запуск спутника ГЛОНАСС",)


def test_a_folder_of_feed_files_goes_through_the_same_path(warehouse):
    progress: list[tuple[int, int]] = []
    summary = ingest(warehouse, str(FIXTURES), progress=lambda d, t: progress.append((d, t)))
    assert isinstance(summary, IngestSummary)
    assert (summary.feeds, summary.fetched, summary.new_items) == (3, 3, 5)
    assert progress[0] == (0, 3) and progress[-1] == (3, 3)
    with warehouse.read() as con:
        rows = dict(con.execute("SELECT url, language FROM items WHERE url IS NOT NULL").fetchall())
    assert rows["https://lunar.example.net/news/accord"] == "en"
    assert rows["https://orbit.example.com/notes/1"] == "fr"
    assert rows["https://ground.example.org/log/7"] == "en"
    again = ingest(warehouse, str(FIXTURES))
    assert (again.unchanged, again.new_items) == (3, 0)
    assert "3 unchanged" in again.describe()


def test_every_entry_of_the_real_feeds_is_stored(warehouse, shared_dir):
    folder = shared_dir / "feeds" / "real"
    summary = ingest(warehouse, str(folder))
    assert summary.failed == 0 and summary.empty == 0
    stored = stored_ids(warehouse)
    for source in load_sources(str(folder)):
        wanted = expected_ids(Path(source.url), source)
        assert wanted, f"{source.name} yielded no entries"
        assert wanted <= stored, f"entries of {source.name} are missing"
    with warehouse.read() as con:
        languages = dict(
            con.execute("SELECT source_id, any_value(language) FROM items GROUP BY 1").fetchall()
        )
        titles = [row[0] for row in con.execute("SELECT title FROM items").fetchall()]
    assert languages["aif-ru-2019-05-18"] == "ru"
    assert languages["liberal-gr-2020-04-24"] == "el"
    assert languages["news18-hindi-china-2021-01-29"] == "hi"
    assert not any("<" in t and ">" in t for t in titles)


def test_in_the_real_feeds_only_the_reissued_nasa_advisory_clusters(warehouse, shared_dir):
    summary = ingest(warehouse, str(shared_dir / "feeds" / "real"))
    assert summary.clustered == 1
    with warehouse.read() as con:
        titles = con.execute(
            "SELECT title FROM items WHERE cluster_id IN "
            "(SELECT cluster_id FROM items GROUP BY 1 HAVING count(*) > 1) ORDER BY published_at"
        ).fetchall()
    assert [t[0][:40] for t in titles] == [
        "NASA Administrator, New Head of Human Sp",
        "NASA Updates Date, Time for Media Teleco",
    ]


def test_truncated_real_excerpts_still_yield_their_partial_entry(warehouse, shared_dir):
    for path in sorted((shared_dir / "feeds" / "excerpts").iterdir()):
        summary = ingest(warehouse, str(path))
        assert summary.new_items >= 1, path.name
    assert all(row[1] == "ok" and "malformed feed" in row[6] for row in fetch_rows(warehouse))


def test_a_large_run_parses_in_worker_processes_with_the_same_result(
    warehouse, server, tmp_path, monkeypatch
):
    from spacebrief.ingest import engine

    monkeypatch.setattr(engine, "PARALLEL_PARSE_MIN_SOURCES", 2)
    assert engine._parse_workers(2) >= 1 or (os.cpu_count() or 1) == 1
    for n in range(4):
        server.serve(f"/f{n}.xml", rss_feed(f"Feed {n}", [entry(10 * n + k) for k in range(3)]))
    server.serve("/cut.xml", b"<rss><channel><item><title>cut")
    paths = [f"/f{n}.xml" for n in range(4)] + ["/cut.xml"]
    summary = ingest(warehouse, str(write_catalog(tmp_path, server, paths)))
    assert (summary.fetched, summary.new_items, summary.entries) == (5, 13, 13)
    assert len(stored_ids(warehouse)) == 13


def stored_rows(warehouse) -> tuple[list[tuple], list[tuple], int]:
    """Items and fetch rows; which of two feeds carrying one story lands first may vary."""
    with warehouse.read() as con:
        # Which of two reports of one story lands first (and names the cluster) may vary.
        items = con.execute(
            "SELECT list(item_id ORDER BY item_id) FROM items GROUP BY cluster_id ORDER BY 1"
        ).fetchall()
        fetches = con.execute(
            "SELECT source_id, status, entries FROM fetches ORDER BY source_id"
        ).fetchall()
        (new,) = con.execute("SELECT sum(new_items) FROM fetches").fetchone()
    return items, fetches, new


@pytest.mark.parametrize("batch_items", [1, 4])
def test_writing_in_small_batches_stores_exactly_what_one_batch_stores(
    batch_items, server, tmp_path
):
    from spacebrief.warehouse import Warehouse

    retold = entry(7, link="https://news.example.org/stories/7?utm_source=partner")
    server.serve("/a.xml", rss_feed("A", [entry(1), retold, entry(2)]))
    server.serve("/b.xml", rss_feed("B", [entry(7), entry(8)]))
    server.serve("/c.xml", rss_feed("C", [entry(n) for n in range(20, 26)]))
    server.serve("/gone.xml", b"", status=410)
    catalog = str(write_catalog(tmp_path, server, ["/a.xml", "/b.xml", "/c.xml", "/gone.xml"]))

    whole, batched = Warehouse(tmp_path / "whole.duckdb"), Warehouse(tmp_path / "batched.duckdb")
    one = ingest(whole, catalog)
    many = ingest(batched, catalog, batch_items=batch_items)

    assert (many.fetched, many.failed, many.new_items, many.entries) == (3, 1, 11, 11)
    assert (one.fetched, one.failed, one.new_items, one.entries) == (3, 1, 11, 11)
    assert set(many.new_item_ids) == set(one.new_item_ids)
    assert stored_rows(batched) == stored_rows(whole)


KILLED_RUN = """
import sys
from pathlib import Path
from spacebrief.ingest import FetchPolicy, ingest_sources, load_sources
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.ingest_store import WarehouseIngestStore
store = WarehouseIngestStore(Warehouse(Path(sys.argv[1])))
policy = FetchPolicy(read_timeout=60, total_timeout=180, allow_private=True)
ingest_sources(load_sources(sys.argv[2]), store, fetch_policy=policy, batch_items=1)
"""


def test_a_run_killed_mid_way_keeps_its_written_batches_and_the_rerun_adds_the_rest_once(
    warehouse, server, tmp_path
):
    import signal
    import subprocess
    import sys
    import time

    server.serve("/fast.xml", rss_feed("Fast", [entry(1), entry(2)]), etag='"fast"')
    server.serve("/slow.xml", rss_feed("Slow", [entry(3), entry(4)]), etag='"slow"', delay=60)
    catalog = str(write_catalog(tmp_path, server, ["/fast.xml", "/slow.xml"]))
    warehouse.initialise()
    child = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(warehouse.path), catalog])
    try:
        deadline = time.monotonic() + 60
        while len(stored_ids(warehouse)) < 2:
            assert child.poll() is None and time.monotonic() < deadline, "no batch was written"
            time.sleep(0.2)
        assert server.hits("/slow.xml") == 1, "the slow feed is still downloading"
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()

    assert [row[:2] for row in stored_rows(warehouse)[1]] == [("feed-fast-xml", "ok")]
    server.serve("/slow.xml", rss_feed("Slow", [entry(3), entry(4)]), etag='"slow"')
    rerun = ingest(warehouse, catalog, force=True)

    assert (rerun.unchanged, rerun.fetched, rerun.new_items) == (1, 1, 2)
    with warehouse.read() as con:
        assert con.execute("SELECT count(*), count(DISTINCT url) FROM items").fetchone() == (4, 4)


def test_each_feed_is_scheduled_by_its_rate_and_the_next_run_fetches_only_the_due_ones(
    warehouse, server, tmp_path
):
    now = datetime.now(UTC)
    # 400 stories in the last hour: 9,600 a day, polled every 86400 / (9600 * 7.5) = 1.2 s
    busy = [entry(n, published=now - timedelta(seconds=9 * n)) for n in range(1, 401)]
    busy.append(entry(5000, published=now - timedelta(days=400)))  # a stale sticky item
    quiet = [entry(1000 + n, published=now - timedelta(days=9 * n)) for n in range(1, 4)]
    server.serve("/busy.xml", rss_feed("Busy", busy), etag='"b1"')
    server.serve(
        "/quiet.xml",
        rss_feed("Quiet", quiet).replace(b"<language>", b"<ttl>90</ttl><language>"),
        etag='"q1"',
    )
    catalog = tmp_path / "sources.yaml"
    catalog.write_text(
        f"sources:\n  - {{name: Busy, url: '{server.url('/busy.xml')}'}}\n"
        f"  - {{name: Quiet, url: '{server.url('/quiet.xml')}'}}\n"
    )
    rules = PollRules(min_interval=timedelta(seconds=1), max_interval=timedelta(hours=2))

    first = ingest(warehouse, str(catalog), rules=rules, clock=lambda: now)

    assert first.fetched == 2
    with warehouse.read() as con:
        health = {row.name: row for row in source_health(con)}
    assert health["Busy"].entries_per_day == pytest.approx(9600, rel=0.01)
    assert health["Busy"].poll_interval_seconds == pytest.approx(1.2, rel=0.01)
    assert health["Busy"].next_fetch_at == pytest.approx(
        now + timedelta(seconds=1.2), abs=timedelta(milliseconds=20)
    )
    assert health["Quiet"].entries_per_day == 0.0
    assert health["Quiet"].poll_interval_seconds == 7200.0
    assert health["Quiet"].schedule_reason == "publishes 0.0/day"
    assert health["Quiet"].next_fetch_at == now + timedelta(hours=2)

    too_soon = ingest(
        warehouse, str(catalog), rules=rules, clock=lambda: now + timedelta(seconds=1)
    )
    assert (too_soon.fetched, too_soon.unchanged, too_soon.skipped) == (0, 0, 2)
    second = ingest(
        warehouse, str(catalog), rules=rules, clock=lambda: now + timedelta(seconds=1.5)
    )

    assert (second.unchanged, second.skipped) == (1, 1)
    assert [r.path for r in server.requests].count("/quiet.xml") == 1
    assert [r.path for r in server.requests].count("/busy.xml") == 2


def test_lowered_poll_bounds_apply_to_the_stored_schedules_at_the_next_run(
    warehouse, server, tmp_path
):
    """Planned at the old maximum (2 h), a quiet feed is due once the maximum is 2 s: the
    issue's `SPACEBRIEF_POLL_MAX_SECONDS=60 spacebrief serve` said "not due yet"."""
    now = datetime.now(UTC)
    quiet = [entry(1000 + n, published=now - timedelta(days=9 * n)) for n in (1, 2)]
    server.serve("/quiet.xml", rss_feed("Quiet", quiet), etag='"q1"')
    catalog = str(write_catalog(tmp_path, server, ["/quiet.xml"]))
    assert ingest(warehouse, catalog, clock=lambda: now).fetched == 1
    later = now + timedelta(seconds=2.1)
    assert ingest(warehouse, catalog, clock=lambda: later).skipped == 1

    lowered = PollRules(min_interval=timedelta(seconds=1), max_interval=timedelta(seconds=2))

    assert ingest(warehouse, catalog, rules=lowered, clock=lambda: later).unchanged == 1
