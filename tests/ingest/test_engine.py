"""The ingest engine on its own: `ingest_sources` with a real feed server and a real
DuckDB warehouse as its store, no settings and no Prefect."""

from __future__ import annotations

import inspect
import logging
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from spacebrief.ingest import (
    FetchPolicy,
    IngestBatch,
    IngestStore,
    IngestSummary,
    ingest_sources,
    load_sources,
)
from spacebrief.ingest.schedule import PollRules
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.ingest_store import WarehouseIngestBatch, WarehouseIngestStore
from spacebrief.warehouse.sources import source_health
from tests.ingest.conftest import write_catalog
from tests.ingest.feed_server import FeedServer, entry, rss_feed

POLICY = FetchPolicy(allow_private=True, connect_timeout=2, read_timeout=2, total_timeout=6)
RULES = PollRules(min_interval=timedelta(minutes=10), max_interval=timedelta(hours=1))


@pytest.mark.parametrize(
    ("protocol", "adapter"),
    [(IngestStore, WarehouseIngestStore), (IngestBatch, WarehouseIngestBatch)],
)
def test_the_warehouse_adapters_have_every_method_of_the_protocols(protocol, adapter) -> None:
    """Structural typing: the adapters must keep the protocols' methods and parameters."""
    wanted = {n: f for n, f in vars(protocol).items() if callable(f) and not n.startswith("_")}
    assert wanted
    for name, method in wanted.items():
        assert hasattr(adapter, name), f"{adapter.__name__} lacks {name}"
        expected = list(inspect.signature(method).parameters)
        assert list(inspect.signature(getattr(adapter, name)).parameters) == expected, name


def test_a_catalog_is_read_clustered_stored_and_scheduled_and_the_rerun_respects_it(
    warehouse: Warehouse, server: FeedServer, tmp_path: Path
) -> None:
    retold = entry(
        7, title="Another outlet on mission 7", link="https://news.example.org/stories/7"
    )
    server.serve("/a.xml", rss_feed("A", [entry(1), entry(7)]), etag='"a1"')
    server.serve("/b.xml", rss_feed("B", [retold, entry(8), entry(9)]), etag='"b1"')
    server.serve("/gone.xml", b"", status=410)
    sources = load_sources(str(write_catalog(tmp_path, server, ["/a.xml", "/b.xml", "/gone.xml"])))
    store = WarehouseIngestStore(warehouse)
    progress: list[tuple[int, int]] = []

    first = ingest_sources(
        sources,
        store,
        fetch_policy=POLICY,
        poll_rules=RULES,
        batch_items=2,
        progress=lambda done, total: progress.append((done, total)),
    )

    assert isinstance(first, IngestSummary)
    assert (first.feeds, first.fetched, first.failed, first.entries) == (3, 2, 1, 5)
    assert (first.new_items, first.clustered) == (5, 1)
    assert progress[0] == (0, 3) and progress[-1] == (3, 3)
    with warehouse.read() as con:
        stored = {row[0] for row in con.execute("SELECT item_id FROM items").fetchall()}
        (stories,) = con.execute("SELECT count(DISTINCT cluster_id) FROM items").fetchone()
        health = {row.name: row for row in source_health(con)}
    assert stored == set(first.new_item_ids) and stories == 4
    assert health["Feed /gone.xml"].last_status == "failed"
    assert "410" in health["Feed /gone.xml"].last_error
    soon = datetime.now(UTC) + RULES.min_interval - timedelta(seconds=5)
    assert all(h.next_fetch_at is not None and h.next_fetch_at > soon for h in health.values())

    hits = {path: server.hits(path) for path in ("/a.xml", "/b.xml", "/gone.xml")}
    not_due = ingest_sources(sources, store, fetch_policy=POLICY, poll_rules=RULES)
    assert (not_due.skipped, not_due.new_items) == (3, 0)
    assert {path: server.hits(path) for path in hits} == hits, "a source not due was fetched"

    server.serve("/b.xml", rss_feed("B", [retold, entry(8), entry(9), entry(10)]), etag='"b2"')
    forced = ingest_sources(sources, store, fetch_policy=POLICY, poll_rules=RULES, force=True)
    assert (forced.unchanged, forced.fetched, forced.failed, forced.new_items) == (1, 1, 1, 1)
    with warehouse.read() as con:
        # Story 7 is two reports (one per outlet) of one story; nothing is stored twice.
        assert con.execute("SELECT count(*), count(DISTINCT url) FROM items").fetchone() == (6, 5)


def test_the_engine_needs_neither_prefect_nor_the_warehouse() -> None:
    probe = (
        "import sys, spacebrief.ingest.engine; "
        "print(sorted({m.split('.')[0] if m.startswith('prefect') else m for m in sys.modules "
        "if m.startswith(('prefect', 'spacebrief.warehouse', 'spacebrief.flows'))}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


MULTILINGUAL = [
    "Роскосмос и CNSA подписали соглашение о лунной станции",
    "中国空间站迎来巴基斯坦航天员",
    "L'Égypte rejoint la station lunaire ILRS",
]


def _stored(warehouse: Warehouse) -> dict[str, tuple[str, str]]:
    with warehouse.read() as con:
        rows = con.execute("SELECT guid, title, summary FROM items").fetchall()
    return {guid: (title, summary) for guid, title, summary in rows}


@pytest.mark.parametrize(
    ("declared", "content_type"),
    [(True, "application/rss+xml; charset=utf-8"), (False, "application/xml")],
    ids=["declared-utf-8", "undeclared"],
)
def test_one_invalid_byte_costs_one_character_not_the_whole_feed(
    warehouse: Warehouse, server: FeedServer, tmp_path: Path, declared: bool, content_type: str
) -> None:
    """Row 10: one bad byte once decoded the whole feed as cp1252 (every title mojibake)."""
    entries = [entry(n, title=title) for n, title in enumerate(MULTILINGUAL, start=1)]
    entries.append(entry(4, title="A stray byte", summary="The byte here: X, then the rest."))
    body = rss_feed("Multilingual desk", entries).replace(b"here: X", b"here: \xff")
    if not declared:
        body = body.split(b"?>", 1)[1].lstrip()
    server.serve("/feed.xml", body, content_type=content_type)
    sources = load_sources(str(write_catalog(tmp_path, server, ["/feed.xml"])))
    ingest_sources(sources, WarehouseIngestStore(warehouse), fetch_policy=POLICY)
    stored = _stored(warehouse)
    assert [stored[f"story-{n}"][0] for n in (1, 2, 3)] == MULTILINGUAL
    assert stored["story-4"][1] == "The byte here: \ufffd, then the rest."


def test_an_undeclared_cp1252_feed_is_still_read_as_cp1252(
    warehouse: Warehouse, server: FeedServer, tmp_path: Path
) -> None:
    body = rss_feed("Desk", [entry(1, title="Café à Genève: l’agence spatiale")], encoding="cp1252")
    body = body.split(b"?>", 1)[1].lstrip()
    server.serve("/feed.xml", body, content_type="application/xml")
    sources = load_sources(str(write_catalog(tmp_path, server, ["/feed.xml"])))
    ingest_sources(sources, WarehouseIngestStore(warehouse), fetch_policy=POLICY)
    assert _stored(warehouse)["story-1"][0] == "Café à Genève: l’agence spatiale"


def _bug_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]


def test_a_bug_while_fetching_is_logged_and_counted_not_passed_off_as_a_sick_feed(
    warehouse: Warehouse,
    server: FeedServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Row 13: an exception of our own once became the feed's "failed" status, unlogged."""
    from spacebrief.ingest._fetch import _Fetcher

    real_fetch = _Fetcher.fetch

    async def buggy_fetch(self, source, state):
        if source.url.endswith("/b.xml"):
            raise RuntimeError("an injected bug")
        return await real_fetch(self, source, state)

    monkeypatch.setattr(_Fetcher, "fetch", buggy_fetch)
    server.serve("/a.xml", rss_feed("A", [entry(1)]))
    server.serve("/b.xml", rss_feed("B", [entry(2)]))
    sources = load_sources(str(write_catalog(tmp_path, server, ["/a.xml", "/b.xml"])))
    summary = ingest_sources(sources, WarehouseIngestStore(warehouse), fetch_policy=POLICY)
    assert (summary.fetched, summary.failed, summary.bugs, summary.new_items) == (1, 0, 1, 1)
    assert "bug in spacebrief" in summary.describe()
    (record,) = _bug_records(caplog)
    assert "/b.xml" in record.getMessage() and "an injected bug" in str(record.exc_info[1])
    with warehouse.read() as con:
        health = {row.name: row for row in source_health(con)}
    assert health["Feed /b.xml"].last_status is None and health["Feed /b.xml"].last_error is None


def test_a_bug_on_one_entry_is_logged_and_counted_and_the_other_entries_are_kept(
    warehouse: Warehouse,
    server: FeedServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Row 13: `_parse.py` once skipped such an entry in silence."""
    from spacebrief.ingest import _parse

    real = _parse._from_feedparser

    def buggy(entry_: dict) -> _parse.ParsedEntry:
        if entry_.get("id") == "story-2":
            raise KeyError("an injected bug")
        return real(entry_)

    monkeypatch.setattr(_parse, "_from_feedparser", buggy)
    server.serve("/a.xml", rss_feed("A", [entry(1), entry(2), entry(3)]))
    sources = load_sources(str(write_catalog(tmp_path, server, ["/a.xml"])))
    summary = ingest_sources(sources, WarehouseIngestStore(warehouse), fetch_policy=POLICY)
    assert (summary.fetched, summary.new_items, summary.bugs) == (1, 2, 1)
    (record,) = _bug_records(caplog)
    assert "entry 2" in record.getMessage()
    assert sorted(_stored(warehouse)) == ["story-1", "story-3"]
