"""Feedback buttons over Socket Mode, through slack-sdk's real client and the local server.

The alert is posted with a bot token (buttons appear when an app token is set too); the
listener connects via `apps.connections.open` to the server's websocket, receives
`interactive` envelopes with `block_actions` payloads, writes one row per click before
acking, and updates the message in place.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

import spacebrief
from spacebrief.alerts.feedback import BLOCK_ID
from spacebrief.flows.steps.alerts_step import deliver_alerts
from spacebrief.warehouse import Warehouse
from tests.alerts.conftest import REPO_ROOT, Stories, slack_settings
from tests.alerts.slack_server import APP_TOKEN, CHANNEL, TOKEN


def make_listener(settings, **options):
    return spacebrief.open(settings=settings).feedback_listener(**options)


def wait_until(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def posted(tmp_path, fake_slack):
    settings = slack_settings(tmp_path / "home", fake_slack, SLACK_APP_TOKEN=APP_TOKEN)
    warehouse = Warehouse(settings.warehouse_path)
    stories = Stories(warehouse, f"slack:{CHANNEL}")
    stories.add("Pakistan picks two astronauts for Tiangong", {"W2": 0.91}, source_name="Dawn")
    stories.add("Egypt joins the ILRS", {"W1": 0.88}, source_name="Ahram Space")
    assert deliver_alerts(warehouse, settings).sent == 2
    return settings, warehouse, stories


@pytest.fixture
def listener(posted):
    settings, _, _ = posted
    clicks: list[tuple] = []
    running = make_listener(
        settings,
        on_click=lambda c, o, s: clicks.append((c, o, s)),
        max_backoff=1.0,
        ping_interval=0.5,  # the SDK finds a dead socket after a few missed pings
    ).start()
    running.clicks = clicks
    assert wait_until(running.is_connected)
    yield running
    running.stop()


def rows(warehouse: Warehouse, sql: str) -> list[tuple]:
    """Read as an analyst would; while the listener (same process) writes, try again."""
    for _ in range(100):
        try:
            with warehouse.read() as con:
                return con.execute(sql).fetchall()
        except duckdb.ConnectionException:
            time.sleep(0.05)
    raise AssertionError("the warehouse stayed busy")


def test_bot_messages_carry_the_four_buttons_and_webhook_ones_none(posted, fake_slack):
    actions = [b for b in fake_slack.messages[0]["blocks"] if b["type"] == "actions"]
    assert len(actions) == 1 and actions[0]["block_id"] == BLOCK_ID
    labels = [e["text"]["text"] for e in actions[0]["elements"]]
    assert labels == ["Right", "Wrong trend", "Off-theme", "Mute source"]


def test_webhook_messages_have_no_buttons(tmp_path, fake_slack):
    from spacebrief.flows.settings import Settings

    settings = Settings(
        home=tmp_path / "h", SLACK_WEBHOOK_URL=fake_slack.webhook_url, SLACK_APP_TOKEN=APP_TOKEN
    )
    warehouse = Warehouse(settings.warehouse_path)
    Stories(warehouse, "webhook").add("Story", {"W1": 0.9})
    deliver_alerts(warehouse, settings)
    assert not any(b["type"] == "actions" for b in fake_slack.messages[0]["blocks"])


def test_off_theme_click_is_one_feedback_row_and_the_message_changes(posted, listener, fake_slack):
    _, warehouse, _ = posted
    message = fake_slack.messages[0]
    started = time.perf_counter()
    envelope = fake_slack.click(message, "off_theme", user_name="ana")

    assert wait_until(lambda: rows(warehouse, "SELECT * FROM feedback_clicks"))
    click_to_row = time.perf_counter() - started
    assert wait_until(lambda: envelope in fake_slack.acked)
    ack_seconds = fake_slack.acked[envelope] - fake_slack.sent_at[envelope]
    assert wait_until(lambda: fake_slack.updates)
    print(f"click-to-row {click_to_row * 1000:.0f} ms, click-to-ack {ack_seconds * 1000:.0f} ms")

    feedback = rows(warehouse, "SELECT item_id, trend_id, verdict, analyst FROM feedback")
    assert feedback == [("item-1", "W2", False, "slack:ana")]
    assert message["text"] == "Marked off-theme by @ana"
    assert not any(b["type"] == "actions" for b in message["blocks"])
    assert "Marked off-theme by @ana" in message["blocks"][-1]["elements"][0]["text"]

    # Slack re-delivers the same envelope (the ack was late): still one row.
    fake_slack.redeliver(envelope)
    assert wait_until(lambda: len(listener.clicks) == 2)
    assert listener.clicks[1][1].kind == "duplicate"
    assert len(rows(warehouse, "SELECT * FROM feedback_clicks")) == 1
    assert len(rows(warehouse, "SELECT * FROM feedback")) == 1

    # Another analyst clicks the now-decided alert (from a stale client): ephemeral.
    stale = dict(message, blocks=fake_slack.updates and listener.clicks[0][0].blocks)
    fake_slack.click(stale, "right", user_id="U0BO", user_name="bo")
    assert wait_until(lambda: fake_slack.ephemerals)
    assert fake_slack.ephemerals[0]["user"] == "U0BO"
    assert "already marked off-theme by @ana" in fake_slack.ephemerals[0]["text"]
    assert len(rows(warehouse, "SELECT * FROM feedback")) == 1


def test_unknown_alert_and_users_off_the_allow_list_get_one_line(posted, fake_slack, monkeypatch):
    settings, warehouse, _ = posted
    settings = settings.model_copy(update={"feedback_users": "U0ANA, carol"})
    running = make_listener(settings).start()
    try:
        assert wait_until(running.is_connected)
        message = fake_slack.messages[1]
        fake_slack.click(message, "right", user_id="U0EVE", user_name="eve")
        forged = {
            **message,
            "blocks": [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "action_id": "spacebrief_feedback:right",
                            "text": {"type": "plain_text", "text": "Right"},
                            "value": "no-such-alert",
                        }
                    ],
                }
            ],
        }
        fake_slack.click(forged, "right", user_id="U0ANA", user_name="ana")
        assert wait_until(lambda: len(fake_slack.ephemerals) == 2)
    finally:
        running.stop()
    texts = sorted(e["text"] for e in fake_slack.ephemerals)
    assert "Only the analysts allowed to give feedback" in texts[0]
    assert "no record of this alert" in texts[1]
    assert rows(warehouse, "SELECT * FROM feedback") == []
    assert rows(warehouse, "SELECT * FROM feedback_clicks") == []


def test_mute_source_creates_a_mute_rule_for_that_outlet(posted, listener, fake_slack):
    _, warehouse, _ = posted
    fake_slack.click(fake_slack.messages[1], "mute_source", user_name="ana")
    assert wait_until(lambda: rows(warehouse, "SELECT * FROM watch_rules"))
    assert rows(warehouse, "SELECT name, query, kind, created_by FROM watch_rules") == [
        ("mute-example", 'source:"Ahram Space"', "mute", "slack:ana")
    ]


@pytest.mark.slow
def test_clicks_while_the_connection_is_down_arrive_after_the_reconnect(
    posted, listener, fake_slack
):
    _, warehouse, _ = posted
    first = listener.connects
    fake_slack.refuse_connections = 2  # the first reconnects fail: backoff, then success
    fake_slack.drop()
    assert wait_until(lambda: not fake_slack.connected(), 5)
    fake_slack.click(fake_slack.messages[0], "right", user_name="ana")
    fake_slack.click(fake_slack.messages[1], "wrong_trend", user_name="bo")

    assert wait_until(lambda: len(rows(warehouse, "SELECT * FROM feedback")) == 2, 30)
    assert listener.connects > first
    refused = [r for r in fake_slack.requests if r == ("apps.connections.open", "server_error")]
    assert len(refused) == 2
    assert sorted(rows(warehouse, "SELECT item_id, trend_id, verdict FROM feedback")) == [
        ("item-1", "W2", True),
        ("item-2", "W1", False),
    ]
    assert wait_until(lambda: not fake_slack.unacked)


@pytest.mark.slow
def test_a_click_whose_write_fails_is_not_acked_and_lands_on_redelivery(posted, fake_slack):
    settings, warehouse, _ = posted
    failures = iter([RuntimeError("warehouse busy")])
    running = make_listener(settings, ping_interval=0.5)
    real = running.record

    def flaky(click):
        for error in failures:
            raise error
        return real(click)

    running.record = flaky
    running.start()
    try:
        assert wait_until(running.is_connected)
        envelope = fake_slack.click(fake_slack.messages[0], "right")
        time.sleep(0.5)
        assert envelope in fake_slack.unacked and not rows(warehouse, "SELECT * FROM feedback")
        fake_slack.drop()  # Slack redelivers unacked envelopes on the next connection
        assert wait_until(lambda: rows(warehouse, "SELECT * FROM feedback"), 20)
        assert wait_until(lambda: envelope in fake_slack.acked)
    finally:
        running.stop()


@pytest.mark.slow
def test_spacebrief_listen_holds_the_connection_alone(posted, fake_slack, tmp_path):
    settings, warehouse, _ = posted
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "SPACEBRIEF_HOME": str(settings.home),
        "SPACEBRIEF_CONFIG": str(tmp_path / "absent.toml"),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_CHANNEL": CHANNEL,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake_slack.api_url,
    }
    child = subprocess.Popen(
        [sys.executable, "-c", "from spacebrief.flows.cli import main; main()", "listen"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_until(fake_slack.connected, 30), child.stderr
        fake_slack.click(fake_slack.messages[0], "right", user_name="ana")
        assert wait_until(lambda: rows(warehouse, "SELECT * FROM feedback"), 15)
    finally:
        child.send_signal(signal.SIGTERM)
        out, _ = child.communicate(timeout=20)
    assert "Listening for Slack feedback buttons over Socket Mode" in out
    assert child.returncode == 0


def test_listen_refuses_a_rejected_app_token_in_one_sentence(posted, fake_slack, monkeypatch):
    settings, _, _ = posted
    monkeypatch.setenv("SPACEBRIEF_HOME", str(settings.home))
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_CHANNEL", CHANNEL)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-revoked")
    from typer.testing import CliRunner

    from spacebrief.flows.cli import app

    result = CliRunner().invoke(app, ["listen"])
    assert result.exit_code == 1
    assert "Slack rejected the app-level token (invalid_auth)" in result.output
    assert "(SLACK_APP_TOKEN)" in result.output
    assert "xapp-1-revoked" not in result.output


def test_clicks_on_a_watch_rule_alert_teach_only_what_they_say(outbox_home):
    """A rule's alert names no trend: Right and Wrong trend write the click row only;
    Off-theme is said of the item, so each trend it is labelled with gets a `false`
    verdict (before: no feedback row at all)."""
    from spacebrief.alerts.feedback import Click
    from spacebrief.warehouse import transaction
    from spacebrief.warehouse.feedback_clicks import record_click

    _, warehouse, stories = outbox_home
    [right_alert] = stories.add("Ghana joins ILRS", {"W1": 0.9, "W3": 0.85}, rule="ilrs")
    [off_alert] = stories.add("Lottery results", {"W1": 0.6}, rule="ilrs")

    def click(alert, action: str, user: str) -> None:
        with warehouse.write() as con, transaction(con):
            record_click(con, Click(action, alert.alert_id, f"U{user}", user, "C1", f"{user}.1"))

    click(right_alert, "right", "ana")
    click(off_alert, "off_theme", "bo")

    assert rows(warehouse, "SELECT alert_id, action FROM feedback_clicks ORDER BY action") == [
        (off_alert.alert_id, "off_theme"),
        (right_alert.alert_id, "right"),
    ]
    assert rows(warehouse, "SELECT item_id, trend_id, verdict, analyst FROM feedback") == [
        ("item-2", "W1", False, "slack:bo")
    ]
