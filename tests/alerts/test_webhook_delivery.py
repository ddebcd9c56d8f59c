"""Delivery through an incoming webhook: no ts and no history, so it is at-least-once
after a crash (documented), and exactly once otherwise."""

from __future__ import annotations

import pytest

from spacebrief.alerts.blocks import story_message
from spacebrief.alerts.exceptions import SlackConfigurationError
from spacebrief.alerts.transports import WebhookTransport
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps.alerts_step import deliver_alerts
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.alerts import owed_alerts
from spacebrief.warehouse.ledger import WarehouseLedger
from tests.alerts.conftest import Stories
from tests.alerts.slack_server import Fault


@pytest.fixture
def webhook_home(tmp_path, fake_slack):
    settings = Settings(home=tmp_path / "home", SLACK_WEBHOOK_URL=fake_slack.webhook_url)
    warehouse = Warehouse(settings.warehouse_path)
    return settings, warehouse, Stories(warehouse, "webhook")


def test_webhook_delivers_once_through_rate_limit_and_server_error(webhook_home, fake_slack):
    settings, warehouse, stories = webhook_home
    stories.add("Egypt joins ILRS", {"W1": 0.8})
    stories.add("Russia sanctions widen", {"W4": 0.9})
    fake_slack.fail_posts(Fault("ratelimit", retry_after=1), Fault("server_error"))

    summary = deliver_alerts(warehouse, settings)

    assert (summary.destination, summary.sent) == ("webhook", 2)
    assert len(fake_slack.messages) == 2
    assert deliver_alerts(warehouse, settings).sent == 0
    assert len(fake_slack.messages) == 2


def test_webhook_invalid_token_is_a_clear_error_and_alerts_stay_pending(webhook_home, fake_slack):
    settings, warehouse, stories = webhook_home
    stories.add("Egypt joins ILRS", {"W1": 0.8})
    fake_slack.fail_posts("invalid_auth")

    with pytest.raises(SlackConfigurationError, match="incoming webhook's URL") as raised:
        deliver_alerts(warehouse, settings)
    assert raised.value.setting == "slack_webhook_url"

    [row] = stories.ledger()
    assert row["status"] == "pending" and "invalid_token" in row["last_error"]


def test_webhook_attempt_cut_off_by_a_crash_is_resent_and_says_so(webhook_home, fake_slack):
    settings, warehouse, stories = webhook_home
    stories.add("Egypt joins ILRS", {"W1": 0.8})
    with warehouse.read() as con:
        [alert] = owed_alerts(con, "webhook")
    WarehouseLedger(warehouse).claim([alert.alert_id], "sb-crashed", None, None)
    WebhookTransport(settings.slack_webhook_url.get_secret_value()).post(
        "sb-crashed", [alert], story_message([alert]), thread_ts=None, reply_to=None
    )

    summary = deliver_alerts(warehouse, settings)

    assert summary.sent == 1
    # The documented caveat: a webhook cannot be asked what it received.
    assert len(fake_slack.messages) == 2
    assert stories.ledger()[0]["status"] == "sent"
