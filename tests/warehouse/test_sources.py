"""warehouse.sources: the catalog, per-source fetch state, fetch rows and health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spacebrief.ingest import FetchRecord, Source, SourceState
from spacebrief.warehouse.items import insert_items
from spacebrief.warehouse.sources import (
    record_fetches,
    save_source_states,
    source_health,
    source_states,
    upsert_sources,
)
from tests.warehouse.test_items import item

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
AGENCY = Source("agency", "Agency", "https://agency.example.org/feed", "en", ("cnsa",))
WIRE = Source("wire", "Wire", "https://wire.example.org/rss")


def test_sources_are_upserted_and_start_with_an_empty_state(warehouse):
    with warehouse.write() as con:
        upsert_sources(con, [AGENCY, WIRE])
        upsert_sources(con, [Source("agency", "Agency (renamed)", AGENCY.url)])
        assert con.execute("SELECT name FROM sources ORDER BY 1").fetchall() == [
            ("Agency (renamed)",),
            ("Wire",),
        ]
        states = source_states(con)
    assert states["agency"] == SourceState("agency")


def test_validators_failures_and_next_fetch_survive_between_runs(warehouse):
    later = NOW + timedelta(minutes=30)
    with warehouse.write() as con:
        upsert_sources(con, [AGENCY, WIRE])
        save_source_states(
            con,
            [
                SourceState("agency", '"v1"', "Sun, 22 Nov 2026 02:00:00 GMT", 0, None, "ok"),
                SourceState("wire", None, None, 2, later, "failed"),
            ],
            {"wire": "HTTP 503 Service Unavailable"},
            NOW,
        )
    with warehouse.read() as con:
        states = source_states(con, ["agency", "wire"])
    assert states["agency"].etag == '"v1"'
    assert states["agency"].last_modified == "Sun, 22 Nov 2026 02:00:00 GMT"
    assert states["wire"].consecutive_failures == 2
    assert states["wire"].next_fetch_at == later


def test_health_summarises_fetches_items_and_backoff_per_source(warehouse):
    with warehouse.write() as con:
        upsert_sources(con, [AGENCY, WIRE])
        insert_items(con, [item(1), item(2)])
        record_fetches(
            con,
            [
                FetchRecord(
                    "agency", AGENCY.url, NOW - timedelta(hours=1), 80.0, "ok", 200, 900, 2, 2
                ),
                FetchRecord("wire", WIRE.url, NOW, 5000.0, "failed", 503, error="HTTP 503"),
            ],
            run_id="run-1",
        )
        save_source_states(
            con,
            [
                SourceState("agency", last_status="ok"),
                SourceState(
                    "wire", consecutive_failures=1, next_fetch_at=NOW, last_status="failed"
                ),
            ],
            {"wire": "HTTP 503"},
            NOW,
        )
        health = {h.source_id: h for h in source_health(con)}
        assert con.execute("SELECT count(*) FROM fetches WHERE run_id = 'run-1'").fetchone() == (2,)
    assert health["agency"].items == 2
    assert health["agency"].last_success_at == NOW - timedelta(hours=1)
    assert health["wire"].last_success_at is None
    assert (health["wire"].consecutive_failures, health["wire"].last_error) == (1, "HTTP 503")
    assert list(health) == ["wire", "agency"], "sick sources first"
