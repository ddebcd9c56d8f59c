"""The alerts step: deliver what the ledger owes, and announce editions.

Reads the settings, picks the transport (Slack bot, webhook or outbox) and the caps, and
hands them to `spacebrief.deliver_pending_alerts`, whose ledger is the warehouse's
(`warehouse.ledger`): every state change is committed before the next network call, so a
crash at any point leaves a ledger the next run can reconcile. What this adds is the
dry run's explanations, the counts afterwards, and the watch rules' other channels.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacebrief.alerts.blocks import MessageBody
from spacebrief.alerts.config import destination_for, slack_channel_of
from spacebrief.alerts.delivery import Limits, PlannedMessage, new_key
from spacebrief.alerts.edition import edition_message, read_highlights
from spacebrief.alerts.exceptions import AlertsError, DeliveryUncertain, ReconcileFailed
from spacebrief.alerts.rules import classifier_decision
from spacebrief.alerts.transports import (
    OutboxTransport,
    SlackBotTransport,
    Transport,
    WebhookTransport,
)
from spacebrief.alerts.types import EDITION_TREND, AlertCandidate, DeliveryStatus
from spacebrief.classifiers.types import TrendScore
from spacebrief.core import deliver_pending_alerts
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps import ProgressCallback
from spacebrief.flows.steps.classify_step import alert_bars
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse import alerts as ledger_sql
from spacebrief.warehouse.ledger import MAX_ATTEMPTS, WarehouseLedger

__all__ = [
    "MAX_ATTEMPTS",
    "AlertsSummary",
    "HeldLabel",
    "current_destination",
    "deliver_alerts",
    "make_transport",
    "post_edition",
]

if TYPE_CHECKING:
    from spacebrief.flows.steps.digest_step import EditionSummary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeldLabel:
    item_id: str
    title: str
    trend_id: str
    score: float
    reason: str


@dataclass(frozen=True)
class AlertsSummary:
    destination: str
    sent: int
    failed: int  # alerts that became failed during this run
    pending: int  # still owed after this run (held by the caps, or a run cut short)
    grouped: int  # alerts delivered inside a grouped message
    duration_seconds: float
    failed_total: int = 0  # failed in the ledger now (re-send with --retry-failed)
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

    @property
    def undelivered(self) -> bool:
        """Alerts this run could not deliver (a failure, or a run cut short): a cron job's
        error. Alerts the flood caps hold for a later run are not."""
        return bool(self.failed or self.stopped_by)

    def undelivered_sentence(self) -> str:
        return (
            f"Alerts were left undelivered ({self.failed} failed, {self.pending} still "
            "pending); they stay in the ledger: the next run tries the pending ones, "
            "`spacebrief alerts --retry-failed` the failed ones."
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
                f" ({self.failed_total} failed in all: `spacebrief alerts --retry-failed` "
                "sends them again)"
            )
        if self.stopped_by:
            sentence += f". Stopped early: {self.stopped_by.rstrip('.')}"
        return sentence + "."


def current_destination(settings: Settings) -> str:
    return destination_for(
        settings.slack_bot_token is not None,
        settings.slack_channel,
        settings.slack_webhook_url is not None,
    )


def make_transport(settings: Settings, destination: str) -> Transport:
    timeout = settings.slack_timeout_seconds
    max_wait = settings.alert_max_rate_limit_wait_seconds
    channel = slack_channel_of(destination)
    if channel is not None and settings.slack_bot_token is not None:
        return SlackBotTransport(
            settings.slack_bot_token.get_secret_value(),
            channel,
            base_url=settings.slack_api_url,
            timeout=timeout,
            max_rate_limit_wait=max_wait,
            buttons=settings.feedback_buttons,
        )
    if destination == "webhook" and settings.slack_webhook_url is not None:
        return WebhookTransport(
            settings.slack_webhook_url.get_secret_value(),
            timeout=timeout,
            max_rate_limit_wait=max_wait,
        )
    return OutboxTransport(settings.outbox_path)


def _limits(settings: Settings) -> Limits:
    return Limits(
        max_per_run=settings.alert_max_per_run,
        max_per_hour=settings.alert_max_per_hour,
        max_per_trend=dict(settings.alert_max_per_trend),
        backoff_seconds=settings.alert_backoff_seconds,
    )


def deliver_alerts(
    warehouse: Warehouse,
    settings: Settings,
    *,
    dry_run: bool = False,
    retry_failed: bool = False,
    on_progress: ProgressCallback | None = None,
    destination: str | None = None,
) -> AlertsSummary:
    """Deliver every alert owed to the configured destination, at most once each.

    With a bot token, the channels that watch rules name are served too (after the
    default channel); the summary counts them all.
    """
    started = time.perf_counter()
    run_started = datetime.now(UTC)
    extra_channels = destination is None and settings.slack_bot_token is not None
    destination = destination or current_destination(settings)
    transport = make_transport(settings, destination)
    held: tuple[HeldLabel, ...] = ()
    muted: list[tuple[str, str, str, str, str]] = []
    if dry_run:
        with warehouse.read() as con:
            held = _held_labels(con, settings, destination)
            muted = ledger_sql.muted_alerts(con, destination, datetime.now(UTC) - timedelta(days=7))
    report = deliver_pending_alerts(
        warehouse,
        transport,
        destination=destination,
        limits=_limits(settings),
        retry_failed=retry_failed,
        dry_run=dry_run,
        on_progress=on_progress,
    )
    pending, failed, failed_total = report.owed, 0, 0
    if not dry_run:
        with warehouse.read() as con:
            counts = ledger_sql.status_counts(con, destination)
            recent = ledger_sql.status_counts(con, destination, changed_since=run_started)
        pending = counts.get(DeliveryStatus.PENDING, 0) + counts.get(DeliveryStatus.SENDING, 0)
        failed, failed_total = (
            recent.get(DeliveryStatus.FAILED, 0),
            counts.get(DeliveryStatus.FAILED, 0),
        )
    summary = AlertsSummary(
        destination=destination,
        sent=report.sent,
        failed=failed,
        failed_total=failed_total,
        pending=pending,
        grouped=report.grouped,
        duration_seconds=time.perf_counter() - started,
        follow_ups=report.follow_ups,
        reconciled=report.reconciled,
        messages=report.messages,
        retried=report.retried,
        dry_run=dry_run,
        stopped_by=report.stopped_by,
        planned=tuple(report.planned),
        held=held,
        muted=tuple(muted),
    )
    if extra_channels and not dry_run:
        with warehouse.read() as con:
            others = [d for d in ledger_sql.slack_destinations(con) if d != destination]
        for other in others:
            more = deliver_alerts(warehouse, settings, retry_failed=retry_failed, destination=other)
            summary = replace(
                summary,
                sent=summary.sent + more.sent,
                messages=summary.messages + more.messages,
                failed=summary.failed + more.failed,
                pending=summary.pending + more.pending,
            )
    log.info("%s", summary.describe())
    return summary


def _held_labels(con: Any, settings: Settings, destination: str) -> tuple[HeldLabel, ...]:
    """Why the last week's other watch labels ping nobody, by the rule that decided it:
    held by the ledger (not news, alerted already), or under the bar (alerts.rules)."""
    since = datetime.now(UTC) - timedelta(days=7)
    bars = alert_bars(settings)
    held = [HeldLabel(*row) for row in ledger_sql.held_alerts(con, destination, since)]
    for item_id, title, trend_id, score, stance, relevant in ledger_sql.unalerted_watch_labels(
        con, destination, since
    ):
        label = TrendScore(trend_id, score, "", stance=stance)
        decision = classifier_decision(
            label, bars, settings.alert_default_threshold, relevant=relevant
        )
        if not decision.alert:
            held.append(HeldLabel(item_id, title, trend_id, score, decision.reason))
    return tuple(held)


def post_edition(warehouse: Warehouse, settings: Settings, edition: EditionSummary) -> bool:
    """Announce an edition once per destination (opt-in: settings.post_editions).

    The post goes through the same ledger as alerts (one row keyed by the edition id),
    so re-running the digest for the same edition does not post it again.
    """
    if not settings.post_editions:
        return False
    destination = current_destination(settings)
    transport = make_transport(settings, destination)
    with warehouse.delivering():
        return _post_edition(warehouse, transport, destination, edition)


def _post_edition(
    warehouse: Warehouse, transport: Transport, destination: str, edition: EditionSummary
) -> bool:
    edition_id = str(edition.edition_id)
    candidate = AlertCandidate(f"edition:{edition_id}", EDITION_TREND, edition_id, 0.0, destination)
    with warehouse.write() as con, transaction(con):
        ledger_sql.insert_pending_alerts(con, [candidate])
    with warehouse.write() as con:
        row = ledger_sql.owed_alerts(
            con, destination, include_failed=True, alert_ids=[candidate.alert_id]
        )
    if not row:
        return False  # already posted
    alert = row[0]
    ledger = WarehouseLedger(warehouse)
    if alert.status == DeliveryStatus.SENDING:
        try:
            found = transport.find_delivered([alert])
        except ReconcileFailed as error:
            ledger.note_error([alert.alert_id], str(error))
            log.warning("%s", error)
            return False
        if found:
            ledger.mark_sent([alert.alert_id], found[alert.alert_id])
            return False
        ledger.mark_unsent([alert.alert_id], "the edition post never landed", count_attempt=True)
    json_path = Path(str(edition.json_path)) if edition.json_path else None
    location = str(edition.html_path or edition.markdown_path or json_path or "")
    body: MessageBody = edition_message(
        edition_id=edition_id,
        edition_date=str(edition.edition_date),
        days=int(edition.days),
        items=int(edition.items),
        location=location,
        highlights=read_highlights(json_path) if json_path else read_highlights(Path("")),
    )
    key = new_key()
    claimable = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
    if not ledger.claim([alert.alert_id], key, None, None, from_states=claimable):
        return False  # another run claimed it first
    try:
        delivered = transport.post(key, [alert], body, thread_ts=None, reply_to=None)
    except DeliveryUncertain as error:
        ledger.note_error([alert.alert_id], str(error))  # stays `sending`: checked next time
        log.warning("The edition post may not have reached Slack: %s", error)
        return False
    except AlertsError as error:
        ledger.mark_unsent([alert.alert_id], str(error), count_attempt=True)
        log.warning("The edition was not posted: %s", error)
        return False
    ledger.mark_sent([alert.alert_id], delivered)
    return True
