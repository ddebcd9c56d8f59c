"""The Prefect flows run the real steps in-process, on the session's Prefect test server."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacebrief.flows.pipeline import (
    alerts_flow,
    classify_flow,
    cycle_flow,
    digest_flow,
    ingest_flow,
)
from spacebrief.flows.settings import Settings
from spacebrief.warehouse import Warehouse
from tests.flows.conftest import (
    OFF_THEME_STORY,
    WATCHLIST_STORY,
    WATCHLIST_TITLE,
    feed,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

EDITION_DATE = date(2026, 11, 21)


def counts(home: Path) -> dict[str, int]:
    with Warehouse(home / "spacebrief.duckdb").read() as con:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("items", "classifications", "labels", "alerts", "editions")
        }


def outbox_lines(home: Path) -> list[str]:
    path = Settings().outbox_path
    assert path.parent.parent == home
    return path.read_text("utf-8").splitlines() if path.exists() else []


def test_a_cycle_stores_items_labels_the_watchlist_alert_and_an_edition(home, feed_server):
    feed_server.serve("/feed.xml", feed(WATCHLIST_STORY, OFF_THEME_STORY), etag='"v1"')

    report = cycle_flow(sources=feed_server.url("/feed.xml"), edition_date=EDITION_DATE, days=7)

    assert report.ingest.new_items == 2
    assert report.classify.classified == 2
    assert {alert.trend_id for alert in report.classify.new_alerts} >= {"W2"}
    assert report.alerts_error is None and report.alerts.sent >= 1
    assert Path(report.edition.markdown_path).is_file()
    assert Path(report.edition.html_path).is_file()
    assert counts(home) == {
        "items": 2,
        "classifications": 2,
        "labels": counts(home)["labels"],
        "alerts": len(report.classify.new_alerts),
        "editions": 1,
    }
    with Warehouse(home / "spacebrief.duckdb").read() as con:
        statuses = con.execute(
            "SELECT trend_id, status, destination FROM alerts WHERE trend_id = 'W2'"
        ).fetchall()
    assert statuses == [("W2", "sent", "outbox")]
    assert any(WATCHLIST_TITLE in line for line in outbox_lines(home))


def test_a_second_cycle_on_the_same_feed_adds_no_rows_and_no_alerts(home, feed_server):
    feed_server.serve("/feed.xml", feed(WATCHLIST_STORY, OFF_THEME_STORY), etag='"v1"')
    url = feed_server.url("/feed.xml")
    cycle_flow(sources=url, edition_date=EDITION_DATE, days=7)
    before, sent_before = counts(home), outbox_lines(home)

    again = cycle_flow(sources=url, edition_date=EDITION_DATE, days=7)

    assert again.ingest.new_items == 0
    assert again.classify.new_alerts == ()
    assert again.alerts.sent == 0
    assert counts(home) == before
    assert outbox_lines(home) == sent_before


def test_each_step_runs_alone_as_a_flow_named_after_what_ran(home, feed_server):
    from prefect import get_client

    feed_server.serve("/feed.xml", feed(WATCHLIST_STORY), etag='"v1"')

    ingested = ingest_flow(sources=feed_server.url("/feed.xml"))
    classified = classify_flow()
    delivered = alerts_flow()
    edition = digest_flow(edition_date=EDITION_DATE, days=7)

    assert ingested.new_items == 1
    assert [a.trend_id for a in classified.new_alerts if a.trend_id == "W2"] == ["W2"]
    assert delivered.sent >= 1 and delivered.failed == 0
    assert edition.edition_date == EDITION_DATE
    with get_client(sync_client=True) as client:
        names = {run.name for run in client.read_flow_runs(limit=200)}
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d"
    for kind in ("ingest", "classify", "alerts"):
        assert any(re.fullmatch(f"{kind}-{stamp}", name) for name in names), kind
    assert f"digest-{EDITION_DATE.isoformat()}" in names


def test_the_demo_twice_adds_no_duplicate_rows_and_no_duplicate_alerts(home, restored_environ):
    from spacebrief.flows.cli import app

    first = CliRunner().invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    # The seconds before the first step (Prefect's start-up) show as a line of their own.
    assert first.output.index("Starting Prefect") < first.output.index("Fetching feeds")
    after_first, outbox_first = counts(home), outbox_lines(home)

    second = CliRunner().invoke(app, ["demo"])
    assert second.exit_code == 0, second.output

    assert after_first["items"] >= 60 and after_first["alerts"] > 0
    assert counts(home) == after_first
    assert outbox_lines(home) == outbox_first
    assert str(home / "spacebrief.duckdb") in second.output
    assert "2025-03-24-28d.md" in second.output
    assert "slack.jsonl" in second.output


def test_run_exits_1_when_every_feed_failed_or_alerts_stay_undelivered(
    home, feed_server, restored_environ, monkeypatch
):
    """Before, both printed ✓ lines and exited 0, so a cron job never heard of either."""
    import socket

    from spacebrief.flows.cli import app

    monkeypatch.setenv("SPACEBRIEF_FETCH_TIMEOUT_SECONDS", "1")
    dead = CliRunner().invoke(app, ["run", "--sources", feed_server.url("/gone.xml")])
    assert dead.exit_code == 1, dead.output
    assert "Every feed tried failed (1 of 1)" in dead.output

    with socket.socket() as probe:  # a Slack nobody answers for
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_CHANNEL", "C0ALERTS")
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{port}/api/")
    monkeypatch.setenv("SPACEBRIEF_ALERT_BACKOFF_SECONDS", "0.01")
    feed_server.serve("/feed.xml", feed(WATCHLIST_STORY), etag='"v1"')
    down = CliRunner().invoke(app, ["run", "--sources", feed_server.url("/feed.xml")])
    assert down.exit_code == 1, down.output
    assert "Alerts were left undelivered" in down.output
    assert "Every feed tried failed" not in down.output


def test_the_ingest_flow_fetches_a_feed_that_is_not_due_when_forced(home, feed_server):
    """The UI's "Run" of spacebrief-ingest with force on: the deployment's fetch-now."""
    feed_server.serve("/feed.xml", feed(OFF_THEME_STORY), etag='"v1"')
    url = feed_server.url("/feed.xml")
    assert ingest_flow(sources=url).fetched == 1
    assert ingest_flow(sources=url).skipped == 1

    forced = ingest_flow(sources=url, force=True)

    assert (forced.skipped, forced.unchanged) == (0, 1)
    assert feed_server.hits("/feed.xml") == 2
