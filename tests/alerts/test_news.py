"""Only news pings, and a story at most once per destination and rule.

The real classify step decides (the real model, the real ledger): a backlog of old stories
owes `held` rows that say why, never a message; a relabel (what a promotion or a taxonomy
bump does to every stored item) owes nothing new; a watch rule added after a story was
classified does not decide for it when it is relabelled; the classifier, having announced
a story, does not announce it again for another trend.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from spacebrief.alerts.types import AlertCandidate, Delivered
from spacebrief.flows.cli import app
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps.alerts_step import deliver_alerts
from spacebrief.flows.steps.classify_step import classify
from spacebrief.ingest.types import Item
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse.alerts import insert_pending_alerts
from spacebrief.warehouse.items import insert_items
from spacebrief.warehouse.ledger import WarehouseLedger
from spacebrief.warehouse.watch_rules import add_rule

NOW = datetime.now(UTC).replace(microsecond=0)

SANCTIONS = (
    "Washington added sanctions on Russian space-sector firms that supply Roscosmos and the "
    "Glonass programme, banning exports of satellite electronics to Russia's space industry."
)


def _story(n: int, title: str, published: datetime, *, inferred: bool = False) -> Item:
    return Item(
        item_id=f"story-{n}",
        url=f"https://orbit-desk.example/{n}",
        guid=None,
        title=title,
        summary=SANCTIONS,
        language="en",
        source_id="orbit-desk",
        source_name="Orbit desk",
        published_at=published,
        published_inferred=inferred,
        fetched_at=published,
        content_hash=f"story-{n}",
        cluster_id=f"story-{n}",
    )


FRESH = _story(
    1, "Treasury sanctions Roscosmos suppliers over satellite chips", NOW - timedelta(hours=3)
)
BACKLOG = [
    _story(2, "EU sanctions Russian launch vehicle makers", NOW - timedelta(days=9)),
    _story(3, "UK sanctions Russian satellite operator", NOW - timedelta(days=30)),
    _story(4, "Sanctions push Roscosmos to buy Chinese chips", NOW - timedelta(days=400)),
]


@pytest.fixture
def cycle(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    settings = Settings(home=tmp_path / "home")
    return settings, Warehouse(settings.warehouse_path)


def _store(warehouse: Warehouse, *items: Item) -> None:
    with warehouse.write() as con, transaction(con):
        insert_items(con, list(items))


def _ledger(warehouse: Warehouse) -> dict[str, tuple[str, str]]:
    with warehouse.read() as con:
        rows = con.execute("SELECT item_id, status, reason FROM alerts").fetchall()
    return {item: (status, reason or "") for item, status, reason in rows}


@pytest.mark.slow
def test_a_backlog_is_held_with_its_reason_and_only_the_news_is_sent(cycle):
    settings, warehouse = cycle
    _store(warehouse, FRESH, *BACKLOG)

    summary = classify(warehouse, settings)

    assert {a.item_id for a in summary.new_alerts} == {"story-1"}
    assert {a.item_id for a in summary.held_alerts} == {"story-2", "story-3", "story-4"}
    assert "3 held back" in summary.describe()
    ledger = _ledger(warehouse)
    assert ledger["story-1"][0] == "pending"
    for old in BACKLOG:
        status, reason = ledger[old.item_id]
        assert status == "held"
        assert f"published {old.published_at:%Y-%m-%d}" in reason and "news horizon" in reason

    plan = CliRunner().invoke(
        app, ["alerts", "--dry-run"], env={"SPACEBRIEF_HOME": str(settings.home)}
    )
    assert plan.exit_code == 0, plan.output
    assert "Held back" in plan.output and "not news: published" in plan.output
    assert "3 held back" in plan.output

    sent = deliver_alerts(warehouse, settings)
    assert (sent.sent, sent.pending) == (1, 0)
    lines = settings.outbox_path.read_text("utf-8").splitlines()
    assert len(lines) == 1 and "satellite chips" in lines[0]

    with warehouse.read() as con:
        shown = con.execute(
            "SELECT item_id, alert_status, alert_reason FROM v_watchlist ORDER BY item_id"
        ).fetchall()
    statuses = {item: status for item, status, _ in shown}
    assert statuses == {"story-1": "sent", "story-2": "held", "story-3": "held", "story-4": "held"}
    assert all("news horizon" in reason for item, _, reason in shown if item != "story-1")


@pytest.mark.slow
def test_a_relabel_after_a_new_model_or_taxonomy_pings_for_nothing_it_has_seen(cycle):
    settings, warehouse = cycle
    _store(warehouse, FRESH, *BACKLOG)
    classify(warehouse, settings)
    assert deliver_alerts(warehouse, settings).sent == 1

    relabelled = classify(warehouse, settings, relabel=True)

    assert relabelled.classified == 4 and relabelled.new_alerts == ()
    assert deliver_alerts(warehouse, settings).sent == 0
    assert len(settings.outbox_path.read_text("utf-8").splitlines()) == 1


@pytest.mark.slow
def test_a_fresh_report_makes_a_held_story_news_again(cycle):
    settings, warehouse = cycle
    _store(warehouse, BACKLOG[0])
    assert classify(warehouse, settings).new_alerts == ()
    again = _story(5, "EU sanctions Russian launch vehicle makers, a week on", NOW)
    _store(warehouse, replace(again, cluster_id=BACKLOG[0].cluster_id))

    summary = classify(warehouse, settings)

    assert [a.item_id for a in summary.new_alerts] == ["story-5"]
    assert deliver_alerts(warehouse, settings).sent == 1


@pytest.mark.slow
def test_an_undated_item_is_news_from_when_it_was_first_seen(cycle):
    settings, warehouse = cycle
    seen_long_ago = _story(
        6, "Roscosmos suppliers sanctioned", NOW - timedelta(days=5), inferred=True
    )
    seen_now = _story(7, "Glonass suppliers sanctioned", NOW - timedelta(minutes=5), inferred=True)
    _store(warehouse, seen_long_ago, seen_now)

    summary = classify(warehouse, settings)

    assert [a.item_id for a in summary.new_alerts] == ["story-7"]
    assert [a.item_id for a in summary.held_alerts] == ["story-6"]


@pytest.mark.slow
def test_the_horizon_is_a_setting(cycle, tmp_path):
    _, warehouse = cycle
    settings = Settings(home=tmp_path / "home", alert_news_horizon_hours=24 * 500)
    _store(warehouse, FRESH, *BACKLOG)

    summary = classify(warehouse, settings)

    assert {a.item_id for a in summary.new_alerts} == {"story-1", "story-2", "story-3", "story-4"}


@pytest.mark.slow
def test_a_watch_rule_decides_only_for_stories_classified_after_it_was_added(cycle):
    settings, warehouse = cycle
    _store(warehouse, FRESH)
    classify(warehouse, settings)
    with warehouse.write() as con, transaction(con):
        add_rule(con, "chips", "title:chips")

    relabelled = classify(warehouse, settings, relabel=True)

    assert relabelled.new_alerts == ()
    with warehouse.read() as con:
        assert con.execute(
            "SELECT count(*) FROM alerts WHERE trend_id LIKE 'rule:%'"
        ).fetchone() == (0,)
    later = _story(8, "More chips sanctioned", NOW - timedelta(minutes=1))
    _store(warehouse, later)
    assert "rule:chips" in {a.trend_id for a in classify(warehouse, settings).new_alerts}


def test_the_classifier_announces_a_story_once_per_destination(warehouse):
    """W1 was sent; the story's W3 (a relabel, another report) is held, not a second ping.
    A watch rule is another rule: it may still speak about the story, in its thread."""
    first = AlertCandidate("story", "W1", "report-a", 0.9, "outbox")
    with warehouse.write() as con, transaction(con):
        insert_pending_alerts(con, [first])
    ledger = WarehouseLedger(warehouse)
    ledger.claim([first.alert_id], "key-1")
    ledger.mark_sent([first.alert_id], Delivered("key-1"))
    later = [
        AlertCandidate("story", "W3", "report-b", 0.95, "outbox"),
        AlertCandidate("story", "W3", "report-b", 0.95, "slack:C1"),
        AlertCandidate("story", "rule:desk", "report-b", 0.5, "outbox", decided_by="watch:desk"),
        AlertCandidate("other", "W3", "report-c", 0.9, "outbox"),
    ]
    with warehouse.write() as con, transaction(con):
        inserted = insert_pending_alerts(con, later)
        rows = dict(
            con.execute(
                "SELECT trend_id || ' ' || destination || ' ' || cluster_id, status FROM alerts"
            ).fetchall()
        )
    held = [c for c in inserted if c.held]
    assert [(c.trend_id, c.destination) for c in held] == [("W3", "outbox")]
    assert "already alerted" in held[0].held_because and "W1" in held[0].held_because
    assert rows == {
        "W1 outbox story": "sent",
        "W3 outbox story": "held",
        "W3 slack:C1 story": "pending",
        "rule:desk outbox story": "pending",
        "W3 outbox other": "pending",
    }
