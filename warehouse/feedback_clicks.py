"""Slack button clicks: one row per (message, user, action), then the feedback it means.

Call `record_click` inside one transaction: the click row, the analyst's verdict in
`feedback` and (for Mute source) the mute rule land together or not at all, so a
redelivered envelope finds its row and changes nothing, and a crash mid-write leaves
nothing half-done for Slack's redelivery to trip on.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import duckdb

from spacebrief.alerts.feedback import Click, ClickOutcome, marked_line
from spacebrief.alerts.types import rule_name_of
from spacebrief.warehouse.labels import record_feedback
from spacebrief.warehouse.watch_rules import add_rule

_QUOTE = re.compile(r'["\\]')
WEB_CHANNEL = "web"  # a reading-room click: its analyst is recorded as `web:<name>`


def mute_query_for(source_name: str | None, source_id: str) -> str:
    """A rule query that matches one outlet exactly as the warehouse names it."""
    name = source_name or source_id
    return f'source:"{_QUOTE.sub(lambda m: chr(92) + m[0], name)}"'


def record_click(con: duckdb.DuckDBPyConnection, click: Click) -> ClickOutcome:
    """A click on an alert's button (in Slack or the reading room)."""
    if con.execute("SELECT 1 FROM feedback_clicks WHERE click_key = ?", [click.key]).fetchone():
        return ClickOutcome("duplicate", marked_line(click.action, click.user_name))
    alert = con.execute(
        "SELECT a.item_id, a.trend_id, i.source_id, i.source_name FROM alerts AS a "
        "LEFT JOIN items AS i USING (item_id) WHERE a.alert_id = ?",
        [click.alert_id],
    ).fetchone()
    if alert is None:
        return ClickOutcome(
            "unknown", "spacebrief has no record of this alert (another warehouse?); nothing saved."
        )
    earlier = con.execute(
        "SELECT action, slack_user FROM feedback_clicks WHERE alert_id = ? "
        "ORDER BY recorded_at LIMIT 1",
        [click.alert_id],
    ).fetchone()
    return _record(con, click, earlier, click.alert_id, *alert)


def record_label_click(
    con: duckdb.DuckDBPyConnection, click: Click, item_id: str, trend_id: str
) -> ClickOutcome:
    """A click on one label of an item that no alert carried (the reading room's item
    page): the same verdicts, keyed and written once like an alert's."""
    if con.execute("SELECT 1 FROM feedback_clicks WHERE click_key = ?", [click.key]).fetchone():
        return ClickOutcome("duplicate", marked_line(click.action, click.user_name))
    item = con.execute(
        "SELECT source_id, source_name FROM items WHERE item_id = ?", [item_id]
    ).fetchone()
    if item is None:
        return ClickOutcome("unknown", "spacebrief has no such item; nothing saved.")
    earlier = con.execute(
        "SELECT action, slack_user FROM feedback_clicks WHERE alert_id IS NULL "
        "AND item_id = ? AND trend_id = ? AND action <> 'mute_source' "
        "ORDER BY recorded_at LIMIT 1",
        [item_id, trend_id],
    ).fetchone()
    if click.action == "mute_source":
        earlier = None  # muting the outlet is said of the item, not of one label
    return _record(con, click, earlier, None, item_id, trend_id, *item)


def _record(
    con: duckdb.DuckDBPyConnection,
    click: Click,
    earlier: tuple[str, str] | None,
    alert_id: str | None,
    item_id: str,
    trend_id: str,
    source_id: str | None,
    source_name: str | None,
) -> ClickOutcome:
    """The click row and what it means, in the caller's transaction."""
    if earlier is not None:
        action, who = earlier
        return ClickOutcome(
            "decided",
            f"This {'alert' if alert_id else 'label'} was already "
            f"{marked_line(action, who).lower()}; nothing changed.",
        )
    now = datetime.now(UTC)
    con.execute(
        "INSERT INTO feedback_clicks (click_key, alert_id, item_id, trend_id, action, slack_user, "
        "slack_ts, channel, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            click.key,
            alert_id,
            item_id,
            trend_id,
            click.action,
            click.user_name,
            click.message_ts,
            click.channel,
            now,
        ],
    )
    analyst = f"slack:{click.user_name}" if click.channel != WEB_CHANNEL else click.user_name
    is_trend = rule_name_of(trend_id) is None
    if click.action in ("right", "wrong_trend") and is_trend and source_id is not None:
        record_feedback(con, item_id, trend_id, click.action == "right", analyst=analyst, now=now)
    elif click.action == "off_theme" and is_trend and source_id is not None:
        record_feedback(con, item_id, trend_id, False, analyst=analyst, now=now)
    elif click.action == "off_theme" and source_id is not None:
        # A watch rule's alert names no trend, but off-theme is said of the item: none of
        # the trends it is labelled with holds. Right / Wrong trend on it teach nothing.
        for (label,) in con.execute(
            "SELECT trend_id FROM v_labels WHERE item_id = ? ORDER BY trend_id", [item_id]
        ).fetchall():
            record_feedback(con, item_id, label, False, analyst=analyst, now=now)
    elif click.action == "mute_source" and source_id is not None:
        add_rule(
            con,
            f"mute-{source_id}"[:80],
            mute_query_for(source_name, source_id),
            mute=True,
            analyst=analyst,
            now=now,
        )
    return ClickOutcome("recorded", marked_line(click.action, click.user_name))
