"""Watch and mute rules, end to end: the real classify step decides, Slack receives.

A rule added between two cycles decides the alerts of the next one; a mute rule keeps
its decision in the ledger (`muted`) and sends nothing; a rule's alert goes through the
same ledger, once per story and rule, across a kill mid-post and re-runs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from spacebrief.flows.cli import app
from spacebrief.flows.steps.alerts_step import deliver_alerts
from spacebrief.flows.steps.classify_step import classify
from spacebrief.ingest.types import Item
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse.items import insert_items
from spacebrief.warehouse.watch_rules import add_rule
from tests.alerts.conftest import slack_settings
from tests.alerts.slack_server import CHANNEL, Fault
from tests.alerts.test_crash_recovery import _kill_when_held, _start_child

NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)  # news: within 48 h


def _item(item_id: str, title: str, summary: str, source: str, lang: str = "en") -> Item:
    return Item(
        item_id=item_id,
        url=f"https://example.org/{item_id}",
        guid=None,
        title=title,
        summary=summary,
        language=lang,
        source_id=source.lower().replace(" ", "-"),
        source_name=source,
        published_at=NOW,
        published_inferred=False,
        fetched_at=NOW,
        content_hash=item_id,
        cluster_id=item_id,
    )


ILRS = _item(
    "ilrs",
    "Bolivia joins the China-led International Lunar Research Station",
    "La Paz signed a cooperation document with CNSA.",
    "World Wire",
)
BEIDOU = _item("beidou", "中国北斗卫星导航系统服务东盟", "", "Xinhua 中文", "zh")
WEATHER = _item("weather", "Storms expected over the weekend", "Rain all Saturday.", "Local Daily")


@pytest.fixture
def cycle(tmp_path, fake_slack):
    settings = slack_settings(tmp_path / "home", fake_slack)
    warehouse = Warehouse(settings.warehouse_path)
    return settings, warehouse


def _ingest(warehouse: Warehouse, *items: Item) -> None:
    with warehouse.write() as con, transaction(con):
        insert_items(con, list(items))


def _ledger(warehouse: Warehouse) -> dict[tuple[str, str], tuple[str, str]]:
    with warehouse.read() as con:
        rows = con.execute("SELECT cluster_id, trend_id, status, decided_by FROM alerts").fetchall()
    return {(c, t): (s, d) for c, t, s, d in rows}


@pytest.mark.slow
def test_rules_decide_the_next_cycle_mute_keeps_its_decision_and_headers_name_the_rule(
    cycle, fake_slack
):
    settings, warehouse = cycle
    with warehouse.write() as con, transaction(con):
        add_rule(con, "beidou-cn", "title:北斗", analyst="ana")
        add_rule(con, "all-topics-wire", 'source:"world wire" -Russia', mute=True, analyst="ana")
    _ingest(warehouse, ILRS, BEIDOU, WEATHER)

    summary = classify(warehouse, settings)

    ledger = _ledger(warehouse)
    assert ledger[("beidou", "rule:beidou-cn")] == ("pending", "watch:beidou-cn")
    muted = {k: v for k, v in ledger.items() if k[0] == "ilrs"}
    assert muted and all(v == ("muted", "mute:all-topics-wire") for v in muted.values())
    assert not any(k[0] == "weather" for k in ledger)
    assert [a.trend_id for a in summary.new_alerts] == ["rule:beidou-cn"]

    plan = CliRunner().invoke(
        app,
        ["alerts", "--dry-run"],
        env={
            "SPACEBRIEF_HOME": str(settings.home),
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_CHANNEL": CHANNEL,
            "SLACK_API_URL": fake_slack.api_url,
            "COLUMNS": "250",
        },
    )
    assert plan.exit_code == 0, plan.output
    assert "watch:beidou-cn" in plan.output
    assert "mute:all-topics-wire" in plan.output and "Muted by a rule" in plan.output

    report = deliver_alerts(warehouse, settings)
    assert report.sent == 1
    assert [m["blocks"][0]["text"]["text"] for m in fake_slack.messages] == ["Watch rule beidou-cn"]

    # The next cycle: a new rule decides the new story; old stories are not re-alerted.
    with warehouse.write() as con, transaction(con):
        add_rule(con, "weather-test", "storms OR typhoon")
    _ingest(warehouse, _item("storm-2", "Typhoon grounds launches", "No launch.", "Local Daily"))
    classify(warehouse, settings)
    assert deliver_alerts(warehouse, settings).sent == 1
    assert fake_slack.messages[-1]["blocks"][0]["text"]["text"] == "Watch rule weather-test"
    sections = [b["text"]["text"] for b in fake_slack.messages[-1]["blocks"] if "text" in b]
    assert ">No launch." in sections  # a rule's alert quotes the story (its summary here)
    assert classify(warehouse, settings).new_alerts == ()
    assert deliver_alerts(warehouse, settings).sent == 0
    assert len(fake_slack.messages) == 2


@pytest.mark.slow
def test_a_rule_alert_killed_between_match_and_post_is_delivered_exactly_once(
    cycle, fake_slack, tmp_path
):
    settings, warehouse = cycle
    with warehouse.write() as con, transaction(con):
        add_rule(con, "beidou-cn", "北斗")
        add_rule(con, "weather", "storms OR rain")
    _ingest(warehouse, BEIDOU, WEATHER)
    classify(warehouse, settings)  # the match: ledger rows committed with the labels
    fake_slack.fail_posts(Fault("store_then_hang"))  # the first post lands, then hangs

    _kill_when_held(_start_child(settings.home, fake_slack, tmp_path), fake_slack)

    statuses = sorted(s for s, _ in _ledger(warehouse).values())
    assert statuses == ["pending", "sending"]
    rerun = deliver_alerts(warehouse, settings)
    assert (rerun.reconciled, rerun.sent) == (1, 2)
    assert classify(warehouse, settings).classified == 0
    assert deliver_alerts(warehouse, settings).sent == 0
    headers = sorted(m["blocks"][0]["text"]["text"] for m in fake_slack.messages)
    assert headers == ["Watch rule beidou-cn", "Watch rule weather"]


def test_watch_cli_adds_lists_tests_and_removes_with_history(tmp_path, monkeypatch):
    monkeypatch.setenv("SPACEBRIEF_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    warehouse = Warehouse(tmp_path / "home" / "spacebrief.duckdb")
    _ingest(warehouse, BEIDOU, WEATHER)

    added = runner.invoke(app, ["watch", "add", "bd", "title:北斗", "--analyst", "ana"])
    assert added.exit_code == 0 and "Watch rule 'bd' added" in added.output
    bad = runner.invoke(app, ["watch", "add", "x", "ILRS AND (Egypt"])
    assert bad.exit_code == 1 and "ends too early" in bad.output
    assert len(bad.output.strip().splitlines()) == 1

    tried = runner.invoke(app, ["watch", "test", "北斗 OR storms", "--days", "3650"])
    assert tried.exit_code == 0, tried.output
    assert "2 item(s) in 2 stories matched; nothing was alerted." in tried.output
    listed = runner.invoke(app, ["watch", "list"])
    assert "bd" in listed.output and "title:北斗" in listed.output and "ana" in listed.output
    removed = runner.invoke(app, ["watch", "remove", "bd", "--analyst", "bo"])
    assert removed.exit_code == 0
    history = runner.invoke(app, ["watch", "list", "--history"])
    assert "add" in history.output and "remove" in history.output and "bo" in history.output
    assert runner.invoke(app, ["watch", "remove", "bd"]).exit_code == 1


@pytest.mark.slow
def test_a_rule_with_channels_alerts_there_once_each(tmp_path):
    from tests.alerts.slack_server import FakeSlack

    fake = FakeSlack(channels=(CHANNEL, "C0ILRS", "C0DESK")).start()
    try:
        settings = slack_settings(tmp_path / "home", fake)
        warehouse = Warehouse(settings.warehouse_path)
        with warehouse.write() as con, transaction(con):
            add_rule(con, "beidou-desks", "北斗", channels=["C0ILRS", "C0DESK"])
        _ingest(warehouse, BEIDOU)
        classify(warehouse, settings)
        assert deliver_alerts(warehouse, settings).sent == 2
        assert deliver_alerts(warehouse, settings).sent == 0
        assert sorted(m["channel"] for m in fake.messages) == ["C0DESK", "C0ILRS"]
    finally:
        fake.stop()
