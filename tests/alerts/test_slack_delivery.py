"""Delivery to a Slack bot under injected faults: every alert ends delivered exactly once,
or pending (never failed) with its error when a person must fix the configuration."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from spacebrief.alerts.delivery import Limits, deliver
from spacebrief.alerts.exceptions import AlertsError, SlackConfigurationError
from spacebrief.alerts.transports import SlackBotTransport
from spacebrief.flows.steps.alerts_step import deliver_alerts
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.alerts import owed_alerts, story_roots
from spacebrief.warehouse.ledger import WarehouseLedger
from tests.alerts.conftest import Stories, slack_settings
from tests.alerts.slack_server import CHANNEL, TOKEN, Fault


def assert_exactly_once(fake, stories) -> None:
    """Every alert is sent, each message once, and the ledger holds Slack's ts."""
    ledger = stories.ledger()
    assert ledger and all(row["status"] == "sent" for row in ledger), ledger
    keys = fake.keys()
    assert len(keys) == len(set(keys)), f"a message was posted twice: {keys}"
    stored = {m["ts"] for m in fake.messages}
    assert {row["slack_ts"] for row in ledger} <= stored


def slack_home_with(tmp_path, fake, **overrides):
    """`slack_home`, with some settings changed (a cap, a wrong token, another channel)."""
    settings = slack_settings(tmp_path / "home", fake, **overrides)
    warehouse = Warehouse(settings.warehouse_path)
    channel = overrides.get("SLACK_CHANNEL", CHANNEL)
    return settings, warehouse, Stories(warehouse, f"slack:{channel}")


def test_each_story_is_posted_once_and_a_rerun_posts_nothing(slack_home, fake_slack):
    settings, warehouse, stories = slack_home
    stories.add("Egypt joins ILRS", {"W1": 0.8})
    stories.add("Russia sanctions widen", {"W4": 0.9})

    first = deliver_alerts(warehouse, settings)
    again = deliver_alerts(warehouse, settings)

    assert (first.sent, first.messages, first.pending, first.failed) == (2, 2, 0, 0)
    assert (again.sent, again.messages) == (0, 0)
    assert len(fake_slack.messages) == 2
    assert_exactly_once(fake_slack, stories)


def test_rate_limit_within_the_bound_is_waited_out(slack_home, fake_slack):
    settings, warehouse, stories = slack_home
    stories.add("BeiDou deal signed", {"W3": 0.8})
    fake_slack.fail_posts(Fault("ratelimit", retry_after=1))

    summary = deliver_alerts(warehouse, settings)

    assert summary.sent == 1
    assert [r for r in fake_slack.requests if r[0] == "chat.postMessage"] == [
        ("chat.postMessage", "ratelimit"),
        ("chat.postMessage", "ok"),
    ]
    assert_exactly_once(fake_slack, stories)


def test_a_rate_limit_until_an_http_date_is_waited_out(slack_home, fake_slack):
    """Retry-After may be a date (RFC 9110); slack-sdk's own handler reads only seconds."""
    settings, warehouse, stories = slack_home
    stories.add("BeiDou deal signed", {"W3": 0.8})
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)  # 1 to 2 s away
    fake_slack.fail_posts(Fault("ratelimit", retry_after=format_datetime(until, usegmt=True)))

    started = time.monotonic()
    summary = deliver_alerts(warehouse, settings)

    assert summary.sent == 1
    assert time.monotonic() - started >= 0.9
    assert [r for r in fake_slack.requests if r[0] == "chat.postMessage"] == [
        ("chat.postMessage", "ratelimit"),
        ("chat.postMessage", "ok"),
    ]
    assert_exactly_once(fake_slack, stories)


def test_rate_limit_beyond_the_bound_leaves_alerts_pending_for_the_next_run(slack_home, fake_slack):
    settings, warehouse, stories = slack_home
    stories.add("BeiDou deal signed", {"W3": 0.8})
    fake_slack.fail_posts(Fault("ratelimit", retry_after=600))

    summary = deliver_alerts(warehouse, settings)

    assert (summary.sent, summary.pending, summary.failed) == (0, 1, 0)
    assert "rate-limiting" in (summary.stopped_by or "")
    [row] = stories.ledger()
    assert row["status"] == "pending" and "rate-limiting" in row["last_error"]
    assert fake_slack.messages == []

    assert deliver_alerts(warehouse, settings).sent == 1
    assert_exactly_once(fake_slack, stories)


def test_server_error_is_retried_with_backoff(slack_home, fake_slack):
    settings, warehouse, stories = slack_home
    stories.add("Tiangong guest astronaut named", {"W2": 0.85})
    fake_slack.fail_posts("server_error")

    summary = deliver_alerts(warehouse, settings)

    assert summary.sent == 1
    assert len(fake_slack.messages) == 1
    assert_exactly_once(fake_slack, stories)


def test_a_post_that_landed_but_answered_500_is_found_not_reposted(slack_home, fake_slack):
    settings, warehouse, stories = slack_home
    stories.add("Tiangong guest astronaut named", {"W2": 0.85})
    fake_slack.fail_posts("store_then_500")

    summary = deliver_alerts(warehouse, settings)

    assert summary.sent == 1
    assert len(fake_slack.messages) == 1
    assert ("conversations.history", "ok") in fake_slack.requests
    assert_exactly_once(fake_slack, stories)


@pytest.mark.parametrize(
    ("overrides", "fault", "phrase"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-wrong"}, None, "invalid_auth"),
        ({"SLACK_CHANNEL": "C0NOWHERE"}, None, "channel_not_found"),
        ({}, "not_in_channel", "/invite"),
    ],
)
def test_configuration_errors_are_one_sentence_and_alerts_stay_pending(
    tmp_path, fake_slack, overrides, fault, phrase
):
    settings, warehouse, stories = slack_home_with(tmp_path, fake_slack, **overrides)
    channel = overrides.get("SLACK_CHANNEL", CHANNEL)
    stories.add("Egypt joins ILRS", {"W1": 0.8})
    stories.add("Russia sanctions widen", {"W4": 0.9})
    if fault:
        fake_slack.fail_posts(fault)

    with pytest.raises(SlackConfigurationError) as raised:
        deliver_alerts(warehouse, settings)

    message = str(raised.value)
    assert phrase in message and "\n" not in message
    assert isinstance(raised.value, AlertsError)
    ledger = stories.ledger()
    assert [row["status"] for row in ledger] == ["pending", "pending"]
    assert all(phrase in row["last_error"] for row in ledger)
    assert fake_slack.messages == []

    fixed = slack_settings(tmp_path / "home", fake_slack, SLACK_CHANNEL=channel)
    fake_slack.channels = (*fake_slack.channels, channel)
    assert deliver_alerts(warehouse, fixed).sent == 2
    assert_exactly_once(fake_slack, stories)


def _deliver_with_timeout(warehouse, fake, timeout: float):
    destination = f"slack:{CHANNEL}"
    with warehouse.read() as con:
        owed = owed_alerts(con, destination)
        roots = story_roots(con, destination)
    transport = SlackBotTransport(TOKEN, CHANNEL, base_url=fake.api_url, timeout=timeout)
    return deliver(
        owed,
        roots,
        sent_last_hour=0,
        limits=Limits(post_tries=3, backoff_seconds=0.05),
        transport=transport,
        ledger=WarehouseLedger(warehouse),
    )


def test_a_hang_times_out_then_the_post_is_retried_once(slack_home, fake_slack):
    _, warehouse, stories = slack_home
    stories.add("Angola satellite launched by China", {"W5": 0.9})
    fake_slack.fail_posts("hang")

    report = _deliver_with_timeout(warehouse, fake_slack, timeout=1)

    assert report.sent == 1
    assert [r[1] for r in fake_slack.requests if r[0] == "chat.postMessage"] == ["hang", "ok"]
    assert_exactly_once(fake_slack, stories)


def test_a_hang_after_the_post_landed_is_reconciled_not_reposted(slack_home, fake_slack):
    _, warehouse, stories = slack_home
    stories.add("Angola satellite launched by China", {"W5": 0.9})
    fake_slack.fail_posts("store_then_hang")

    report = _deliver_with_timeout(warehouse, fake_slack, timeout=1)

    assert report.sent == 1
    assert len(fake_slack.messages) == 1
    assert_exactly_once(fake_slack, stories)


def test_when_slack_cannot_be_checked_the_attempt_stays_sending_until_it_can(
    slack_home, fake_slack
):
    settings, warehouse, stories = slack_home
    stories.add("Angola satellite launched by China", {"W5": 0.9})
    fake_slack.fail_posts("store_then_500")
    fake_slack.fail_reads("server_error", "server_error", "server_error")

    report = _deliver_with_timeout(warehouse, fake_slack, timeout=2)

    assert report.sent == 0 and report.stopped_by
    [row] = stories.ledger()
    assert row["status"] == "sending" and "Could not check Slack" in row["last_error"]

    summary = deliver_alerts(warehouse, settings)  # Slack healthy again

    assert (summary.sent, summary.reconciled) == (1, 1)
    assert len(fake_slack.messages) == 1
    assert_exactly_once(fake_slack, stories)


def test_a_rejected_message_fails_and_retry_failed_sends_it(slack_home, fake_slack):
    settings, warehouse, stories = slack_home
    stories.add("Egypt joins ILRS", {"W1": 0.8})
    fake_slack.fail_posts("invalid_blocks")

    summary = deliver_alerts(warehouse, settings)
    assert (summary.sent, summary.failed) == (0, 1)
    assert "invalid_blocks" in stories.ledger()[0]["last_error"]
    later = deliver_alerts(warehouse, settings)  # failed stays failed
    assert (later.sent, later.failed, later.failed_total) == (0, 0, 1)
    assert "a retry of the failed ones sends them again" in later.describe()

    retried = deliver_alerts(warehouse, settings, retry_failed=True)

    assert (retried.retried, retried.sent, retried.failed) == (1, 1, 0)
    assert_exactly_once(fake_slack, stories)


def test_flood_becomes_one_grouped_message_and_later_reports_go_to_its_thread(tmp_path, fake_slack):
    settings, warehouse, stories = slack_home_with(tmp_path, fake_slack, alert_max_per_run=3)
    for n in range(6):
        stories.add(f"Story number {n}", {"W1": 0.7 + n / 100})

    burst = deliver_alerts(warehouse, settings)

    assert (burst.sent, burst.messages, burst.grouped) == (6, 1, 6)
    [grouped] = fake_slack.messages
    assert "6 watch-list stories" in grouped["blocks"][0]["text"]["text"]
    listed = "\n".join(b["text"]["text"] for b in grouped["blocks"] if b["type"] == "section")
    assert all(f"Story number {n}" in listed for n in range(6))

    stories.add("Story number 2, day two", {"W4": 0.8}, cluster_id="item-3", rule="desk")
    stories.add("A quiet new story", {"W2": 0.8})
    later = deliver_alerts(warehouse, settings)

    assert (later.sent, later.follow_ups, later.messages) == (2, 1, 2)
    follow_up = next(m for m in fake_slack.messages if "day two" in (m["text"] or ""))
    assert follow_up["thread_ts"] == grouped["ts"]
    fresh = next(m for m in fake_slack.messages if "quiet new story" in (m["text"] or ""))
    assert fresh["thread_ts"] is None
    assert_exactly_once(fake_slack, stories)


def test_hourly_cap_holds_new_stories_back_but_not_thread_follow_ups(tmp_path, fake_slack):
    settings, warehouse, stories = slack_home_with(tmp_path, fake_slack, alert_max_per_hour=1)
    stories.add("First story", {"W1": 0.8})
    assert deliver_alerts(warehouse, settings).sent == 1

    stories.add("Second story", {"W2": 0.8})
    stories.add("First story, more", {"W3": 0.8}, cluster_id="item-1", rule="desk")
    capped = deliver_alerts(warehouse, settings)

    assert (capped.sent, capped.follow_ups, capped.pending) == (1, 1, 1)
    statuses = Counter(row["status"] for row in stories.ledger())
    assert statuses == {"sent": 2, "pending": 1}
    assert len(fake_slack.messages) == 2


def test_slack_unreachable_leaves_alerts_pending_with_the_reason(slack_home, fake_slack):
    _, warehouse, stories = slack_home
    stories.add("Angola satellite launched by China", {"W5": 0.9})
    fake_slack.stop()  # nothing listens on the port any more

    report = _deliver_with_timeout(warehouse, fake_slack, timeout=1)

    assert report.sent == 0 and "Could not reach Slack" in (report.stopped_by or "")
    [row] = stories.ledger()
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "Could not reach Slack" in row["last_error"]


def test_per_trend_cap_groups_that_trends_extra_stories_only():
    from datetime import UTC, datetime

    from spacebrief.alerts.delivery import plan_messages
    from spacebrief.alerts.types import DeliveryStatus, PendingAlert

    def story(n: int, trend: str, score: float) -> PendingAlert:
        return PendingAlert(
            alert_id=f"a{n}",
            cluster_id=f"c{n}",
            trend_id=trend,
            trend_name="",
            destination="x",
            item_id=f"i{n}",
            score=score,
            status=DeliveryStatus.PENDING,
            attempts=0,
            title=f"Story {n}",
            published_at=datetime(2026, 11, 20, tzinfo=UTC),
        )

    alerts = [story(1, "W4", 0.9), story(2, "W4", 0.8), story(3, "W4", 0.7), story(4, "W1", 0.6)]

    planned, held = plan_messages(alerts, {}, budget=10, cap=10, threads=True, trend_caps={"W4": 1})

    assert held == []
    assert [(m.kind, [a.alert_id for a in m.alerts]) for m in planned] == [
        ("story", ["a1"]),
        ("story", ["a4"]),
        ("grouped", ["a2", "a3"]),
    ]
    assert "More W4 stories" in planned[2].body.blocks[1]["elements"][0]["text"]

    tight, held = plan_messages(alerts, {}, budget=2, cap=2, threads=True, trend_caps={"W4": 1})
    assert [m.kind for m in tight] == ["grouped"] and len(tight[0].alerts) == 4

    none, held = plan_messages(alerts, {}, budget=0, cap=2, threads=True)
    assert none == [] and len(held) == 4
