"""The handle's alerts: deliver what the ledger owes, explain a dry run, watch rules.

The settings pick the destination (a Slack channel with a bot token, else a webhook,
else the local outbox), the transport and the flood caps; `alerts.delivery.deliver`
does the delivering through the one ledger (`warehouse.ledger`), every state change
committed before the next network call, so a crash at any point leaves a ledger the next
run can reconcile. What this adds is the dry run's explanations, the counts afterwards,
and the watch rules' other channels.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacebrief.alerts.delivery import DeliveryReport, Limits, PlannedMessage
    from spacebrief.alerts.feedback import Click, ClickOutcome
    from spacebrief.alerts.socket_listener import FeedbackListener
    from spacebrief.alerts.transports import Transport
    from spacebrief.core import ProgressCallback, Spacebrief
    from spacebrief.settings import Settings
    from spacebrief.warehouse import Connection
    from spacebrief.warehouse.watch_rules import RuleMatch, WatchRule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeldLabel:
    """A recent watch-list label that pings nobody, and why."""

    item_id: str
    title: str
    trend_id: str
    score: float
    reason: str


@dataclass(frozen=True)
class AlertsSummary:
    """What one delivery run did (a dry run: what it would do), counted in alerts."""

    destination: str
    sent: int
    failed: int  # alerts that became failed during this run
    pending: int  # still owed after this run (held by the caps, or a run cut short)
    grouped: int  # alerts delivered inside a grouped message
    duration_seconds: float
    failed_total: int = 0  # failed in the ledger now (a retry of the failed sends them)
    follow_ups: int = 0
    reconciled: int = 0
    messages: int = 0
    retried: int = 0
    dry_run: bool = False
    stopped_by: str | None = None
    planned: tuple[PlannedMessage, ...] = field(default=(), repr=False)
    # Dry run: recent watch labels that owe no alert, each with why (alerts.rules).
    held: tuple[HeldLabel, ...] = field(default=(), repr=False)
    muted: tuple[tuple[str, str, str, str, str], ...] = field(default=(), repr=False)
    owed: int = 0  # alerts the ledger owed when the run began

    @property
    def undelivered(self) -> bool:
        """Alerts this run could not deliver (a failure, or a run cut short): a cron job's
        error. Alerts the flood caps hold for a later run are not."""
        return bool(self.failed or self.stopped_by)

    def undelivered_sentence(self) -> str:
        return (
            f"Alerts were left undelivered ({self.failed} failed, {self.pending} still "
            "pending); they stay in the ledger: the next run tries the pending ones, and "
            "a retry of the failed ones sends the failed ones."
        )

    def describe(self) -> str:
        if self.dry_run:
            return (
                f"Dry run: {len(self.planned)} message(s) would go to {self.destination} "
                f"carrying {sum(len(m.alerts) for m in self.planned)} alert(s); "
                f"{self.pending} alert(s) owed in all; {len(self.muted)} muted by a rule "
                f"and {len(self.held)} held back in the last 7 days."
            )
        parts = [f"Sent {self.sent} alert(s) to {self.destination} in {self.messages} message(s)"]
        if self.grouped:
            parts.append(f"{self.grouped} of them in a grouped message")
        if self.follow_ups:
            parts.append(f"{self.follow_ups} as thread follow-ups")
        if self.reconciled:
            parts.append(f"{self.reconciled} confirmed from an interrupted run")
        sentence = ", ".join(parts) + f"; {self.pending} pending, {self.failed} failed"
        if self.failed_total > self.failed:
            sentence += (
                f" ({self.failed_total} failed in all: a retry of the failed ones sends them again)"
            )
        if self.stopped_by:
            sentence += f". Stopped early: {self.stopped_by.rstrip('.')}"
        return sentence + "."


def destination(settings: Settings) -> str:
    """The ledger key alerts go to: "slack:<channel>", "webhook" or "outbox"."""
    from spacebrief.alerts.config import destination_for

    return destination_for(
        settings.slack_bot_token is not None,
        settings.slack_channel,
        settings.slack_webhook_url is not None,
    )


def transport_for(settings: Settings, where: str) -> Transport:
    from spacebrief.alerts.config import slack_channel_of
    from spacebrief.alerts.transports import OutboxTransport, SlackBotTransport, WebhookTransport

    timeout = settings.slack_timeout_seconds
    max_wait = settings.alert_max_rate_limit_wait_seconds
    channel = slack_channel_of(where)
    if channel is not None and settings.slack_bot_token is not None:
        return SlackBotTransport(
            settings.slack_bot_token.get_secret_value(),
            channel,
            base_url=settings.slack_api_url,
            timeout=timeout,
            max_rate_limit_wait=max_wait,
            buttons=settings.feedback_buttons,
        )
    if where == "webhook" and settings.slack_webhook_url is not None:
        return WebhookTransport(
            settings.slack_webhook_url.get_secret_value(),
            timeout=timeout,
            max_rate_limit_wait=max_wait,
        )
    return OutboxTransport(settings.outbox_path)


def limits(settings: Settings) -> Limits:
    from spacebrief.alerts.delivery import Limits

    return Limits(
        max_per_run=settings.alert_max_per_run,
        max_per_hour=settings.alert_max_per_hour,
        max_per_trend=dict(settings.alert_max_per_trend),
        backoff_seconds=settings.alert_backoff_seconds,
    )


def deliver(
    sb: Spacebrief,
    *,
    transport: Transport | None,
    where: str | None,
    dry_run: bool,
    retry_failed: bool,
    on_progress: ProgressCallback | None,
) -> AlertsSummary:
    """Deliver every alert owed to the destination, at most once each. With a bot token
    and no destination given, the channels watch rules name are served too (after the
    default one); the summary counts them all."""
    from spacebrief.alerts.types import DeliveryStatus
    from spacebrief.warehouse import alerts as ledger_rows

    settings = sb.settings
    started, run_started = time.perf_counter(), datetime.now(UTC)
    extra_channels = where is None and transport is None and settings.slack_bot_token is not None
    where = where or (transport.destination if transport is not None else destination(settings))
    transport = transport or transport_for(settings, where)
    held: tuple[HeldLabel, ...] = ()
    muted: list[tuple[str, str, str, str, str]] = []
    if dry_run:
        week = datetime.now(UTC) - timedelta(days=7)
        with sb.warehouse.read() as con:
            held = _held_labels(con, settings, where, week)
            muted = ledger_rows.muted_alerts(con, where, week)
    report, retried = _run(sb, transport, where, dry_run, retry_failed, on_progress)
    pending, failed, failed_total = report.owed, 0, 0
    if not dry_run:
        with sb.warehouse.read() as con:
            counts = ledger_rows.status_counts(con, where)
            recent = ledger_rows.status_counts(con, where, changed_since=run_started)
        pending = counts.get(DeliveryStatus.PENDING, 0) + counts.get(DeliveryStatus.SENDING, 0)
        failed = recent.get(DeliveryStatus.FAILED, 0)
        failed_total = counts.get(DeliveryStatus.FAILED, 0)
    summary = AlertsSummary(
        destination=where,
        sent=report.sent,
        failed=failed,
        failed_total=failed_total,
        pending=pending,
        grouped=report.grouped,
        duration_seconds=time.perf_counter() - started,
        follow_ups=report.follow_ups,
        reconciled=report.reconciled,
        messages=report.messages,
        retried=retried,
        dry_run=dry_run,
        stopped_by=report.stopped_by,
        planned=tuple(report.planned),
        held=held,
        muted=tuple(muted),
        owed=report.owed,
    )
    if extra_channels and not dry_run:
        with sb.warehouse.read() as con:
            others = [d for d in ledger_rows.slack_destinations(con) if d != where]
        for other in others:
            more = deliver(
                sb,
                transport=None,
                where=other,
                dry_run=False,
                retry_failed=retry_failed,
                on_progress=None,
            )
            summary = replace(
                summary,
                sent=summary.sent + more.sent,
                messages=summary.messages + more.messages,
                failed=summary.failed + more.failed,
                pending=summary.pending + more.pending,
            )
    log.info("%s", summary.describe())
    return summary


def _run(
    sb: Spacebrief,
    transport: Transport,
    where: str,
    dry_run: bool,
    retry_failed: bool,
    on_progress: ProgressCallback | None,
) -> tuple[DeliveryReport, int]:
    from spacebrief.alerts.delivery import deliver as deliver_owed
    from spacebrief.alerts.transports import OutboxTransport
    from spacebrief.warehouse import alerts as ledger_rows
    from spacebrief.warehouse.ledger import WarehouseLedger

    warehouse = sb.warehouse
    with ExitStack() as stack:
        if not dry_run:  # one delivery at a time: rows left `sending` are a dead run's
            stack.enter_context(warehouse.delivering())
        hour_ago = datetime.now(UTC) - timedelta(hours=1)
        retried = 0
        with (warehouse.read if dry_run else warehouse.write)() as con:
            if retry_failed and not dry_run:
                retried = ledger_rows.retry_failed(con, where)
            owed = ledger_rows.owed_alerts(con, where, include_failed=retry_failed and dry_run)
            roots = ledger_rows.story_roots(con, where)
            recent = ledger_rows.messages_sent_since(con, where, hour_ago)
        ledger = WarehouseLedger(warehouse)
        if isinstance(transport, OutboxTransport) and not dry_run:
            stack.enter_context(ledger.held())  # a local file: one connection for the run
        report = deliver_owed(
            owed,
            roots,
            sent_last_hour=recent,
            limits=limits(sb.settings),
            transport=transport,
            ledger=ledger,
            dry_run=dry_run,
            on_progress=on_progress,
        )
    return report, retried


def _held_labels(
    con: Connection, settings: Settings, where: str, since: datetime
) -> tuple[HeldLabel, ...]:
    """Why the last week's other watch labels ping nobody, by the rule that decided it:
    held by the ledger (not news, alerted already), or under the bar (alerts.rules)."""
    from spacebrief._classify import alert_bars
    from spacebrief.alerts.rules import classifier_decision
    from spacebrief.classifiers.types import TrendScore
    from spacebrief.warehouse import alerts as ledger_rows

    bars = alert_bars(settings)
    held = [HeldLabel(*row) for row in ledger_rows.held_alerts(con, where, since)]
    for (
        item_id,
        title,
        trend_id,
        score,
        stance,
        p_against,
        relevant,
    ) in ledger_rows.unalerted_watch_labels(con, where, since):
        label = TrendScore(trend_id, score, "", stance=stance, stance_score=p_against)
        decision = classifier_decision(
            label, bars, settings.alert_default_threshold, relevant=relevant
        )
        if not decision.alert:
            held.append(HeldLabel(item_id, title, trend_id, score, decision.reason))
    return tuple(held)


@dataclass(frozen=True)
class SearchResult:
    """Items a query in the watch rules' language matches (newest first, at most a page
    of them), how many matched in all, and over how many days."""

    query: str
    days: int
    total: int
    matches: tuple[RuleMatch, ...]

    @property
    def stories(self) -> int:
        return len({m.cluster_id for m in self.matches})


def add_watch_rule(
    sb: Spacebrief,
    name: str,
    query: str,
    *,
    mute: bool,
    channels: Sequence[str],
    analyst: str | None,
) -> bool:
    from spacebrief.warehouse import transaction
    from spacebrief.warehouse.watch_rules import add_rule

    with sb.warehouse.write() as con, transaction(con):
        return add_rule(con, name, query, mute=mute, channels=list(channels), analyst=analyst)


def remove_watch_rule(sb: Spacebrief, name: str, analyst: str | None) -> WatchRule:
    from spacebrief.warehouse import transaction
    from spacebrief.warehouse.watch_rules import remove_rule

    with sb.warehouse.write() as con, transaction(con):
        return remove_rule(con, name, analyst=analyst)


def watch_rules(sb: Spacebrief) -> list[WatchRule]:
    from spacebrief.warehouse.watch_rules import list_rules

    with sb.warehouse.read() as con:
        return list_rules(con)


def watch_rule_history(sb: Spacebrief) -> list[tuple]:
    from spacebrief.warehouse.watch_rules import rule_history

    with sb.warehouse.read() as con:
        return list(rule_history(con))


def search(sb: Spacebrief, query: str, days: int) -> SearchResult:
    from spacebrief.warehouse.watch_rules import preview_matches

    with sb.warehouse.read() as con:
        total, matches = preview_matches(con, query, days=days)
    return SearchResult(query, days, total, tuple(matches))


def record_click(
    sb: Spacebrief,
    click: Click,
    *,
    item_id: str | None = None,
    trend_id: str | None = None,
    lock_wait_seconds: float | None = None,
) -> ClickOutcome:
    """One feedback click, in one short write transaction: on an alert (Slack's buttons,
    the reading room's on an alerted item), or on an item's label (`item_id`, `trend_id`:
    the reading room's on an item no alert announced)."""
    from spacebrief.warehouse import Warehouse, transaction
    from spacebrief.warehouse.feedback_clicks import record_click as store
    from spacebrief.warehouse.feedback_clicks import record_label_click

    warehouse = sb.warehouse
    if lock_wait_seconds is not None:
        warehouse = Warehouse(sb.path, lock_wait_seconds=lock_wait_seconds)
    with warehouse.write() as con, transaction(con):
        if item_id is not None and not click.alert_id:
            outcome = record_label_click(con, click, item_id, trend_id or "")
        else:
            outcome = store(con, click)
    log.info("Slack click %s by %s: %s", click.action, click.user_name, outcome.kind)
    return outcome


def feedback_listener(sb: Spacebrief, **options: object) -> FeedbackListener:
    """The Socket Mode listener for these settings; refuses in one sentence when unusable."""
    from spacebrief.alerts.exceptions import AlertsError
    from spacebrief.alerts.socket_listener import FeedbackListener

    settings = sb.settings
    if settings.slack_app_token is None:
        raise AlertsError(
            "No Slack app-level token is given: create one (xapp-…) with the "
            "connections:write scope and turn on Socket Mode (README, Slack buttons).",
            setting="slack_app_token",
        )
    if settings.slack_bot_token is None:
        raise AlertsError(
            "No Slack bot token is given: the buttons ride on messages the bot posts, and "
            "the bot updates them after a click.",
            setting="slack_bot_token",
        )
    app_token = settings.slack_app_token.get_secret_value()
    if not app_token.startswith("xapp-"):
        raise AlertsError(
            "The Slack app-level token must start with xapp-.", setting="slack_app_token"
        )

    def record(click: Click) -> ClickOutcome:
        # A busy file is waited for up to the click's budget; then WarehouseLocked, and
        # the listener leaves the click unacked for Slack to deliver again.
        return record_click(sb, click, lock_wait_seconds=settings.feedback_write_wait_seconds)

    return FeedbackListener(
        app_token,
        settings.slack_bot_token.get_secret_value(),
        record,
        base_url=settings.slack_api_url,
        allowed_users=settings.feedback_user_list,
        **options,  # type: ignore[arg-type]
    )
