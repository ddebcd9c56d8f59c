"""No Slack configured: alerts go to a JSONL outbox with the same ledger semantics."""

from __future__ import annotations

import json

from spacebrief.alerts.blocks import story_message
from spacebrief.alerts.transports import OutboxTransport
from spacebrief.flows.steps.alerts_step import deliver_alerts
from spacebrief.warehouse.alerts import owed_alerts
from spacebrief.warehouse.ledger import WarehouseLedger


def outbox_lines(settings) -> list[dict]:
    return [json.loads(line) for line in settings.outbox_path.read_text("utf-8").splitlines()]


def test_alerts_land_in_the_outbox_once_per_story(outbox_home):
    settings, warehouse, stories = outbox_home
    stories.add("Egypt joins ILRS", {"W1": 0.8, "W3": 0.6})
    stories.add("Russia sanctions widen", {"W4": 0.9})

    summary = deliver_alerts(warehouse, settings)
    again = deliver_alerts(warehouse, settings)

    assert (summary.destination, summary.sent, summary.messages) == ("outbox", 3, 2)
    assert again.sent == 0
    lines = outbox_lines(settings)
    assert len(lines) == 2
    for line in lines:
        assert {"alert_id", "trend", "blocks", "text", "created"} <= line.keys()
    ids = sorted(i for line in lines for i in line["alert_ids"])
    assert ids == sorted(row["alert_id"] for row in stories.ledger())
    assert all(row["status"] == "sent" for row in stories.ledger())


def test_a_crash_after_writing_the_line_is_settled_from_the_file(outbox_home):
    settings, warehouse, stories = outbox_home
    stories.add("Egypt joins ILRS", {"W1": 0.8})
    with warehouse.read() as con:
        [alert] = owed_alerts(con, "outbox")
    # What a run does up to the moment it dies: record the attempt, write the line...
    ledger = WarehouseLedger(warehouse)
    ledger.claim([alert.alert_id], "sb-crashed", None, None)
    OutboxTransport(settings.outbox_path).post(
        "sb-crashed", [alert], story_message([alert]), thread_ts=None, reply_to=None
    )
    # ...and never records it as sent.
    assert stories.ledger()[0]["status"] == "sending"

    summary = deliver_alerts(warehouse, settings)

    assert (summary.sent, summary.reconciled, summary.messages) == (1, 1, 0)
    assert len(outbox_lines(settings)) == 1
    [row] = stories.ledger()
    assert (row["status"], row["message_key"]) == ("sent", "sb-crashed")


def test_a_crash_before_writing_the_line_writes_it_on_the_next_run(outbox_home):
    settings, warehouse, stories = outbox_home
    stories.add("Egypt joins ILRS", {"W1": 0.8})
    with warehouse.read() as con:
        [alert] = owed_alerts(con, "outbox")
    WarehouseLedger(warehouse).claim([alert.alert_id], "sb-crashed", None, None)

    summary = deliver_alerts(warehouse, settings)

    assert (summary.sent, summary.reconciled) == (1, 0)
    assert len(outbox_lines(settings)) == 1
    assert stories.ledger()[0]["attempts"] == 2  # the interrupted try counts


def test_a_line_torn_by_a_crash_is_not_a_delivery_and_is_closed_off(outbox_home):
    settings, warehouse, stories = outbox_home
    stories.add("Egypt joins ILRS", {"W1": 0.8})
    settings.outbox_path.parent.mkdir(parents=True)
    settings.outbox_path.write_text('{"alert_id": "abc", "alert_ids": ["ab', "utf-8")

    assert deliver_alerts(warehouse, settings).sent == 1

    raw = settings.outbox_path.read_text("utf-8").splitlines()
    assert len(raw) == 2 and json.loads(raw[1])["text"].startswith("Watch-list W1")


def test_later_reports_name_the_story_they_follow(outbox_home):
    settings, warehouse, stories = outbox_home
    stories.add("Egypt joins ILRS", {"W1": 0.8})
    deliver_alerts(warehouse, settings)
    stories.add("Egypt's ILRS role detailed", {"W5": 0.7}, cluster_id="item-1", rule="ilrs")

    summary = deliver_alerts(warehouse, settings)

    first, follow = outbox_lines(settings)
    assert summary.follow_ups == 1
    assert follow["thread_of"] == first["message_key"]
