"""Delivering owed alerts: reconcile interrupted attempts, plan without flooding, post.

The ledger is written through a `Ledger` the caller provides (`alerts.types.Ledger`; the
warehouse's is `warehouse.ledger`), in this order for every message:

1. `claim` (committed) with the message's marker, *before* the post: a compare-and-set
   from `pending` to `sending` that returns what it claimed; a message posts only when
   every alert it carries was claimed by this run;
2. the post, carrying the marker;
3. `mark_sent` with the Slack ts, or an outcome that says what the failure means.

A crash between 2 and 3 leaves rows `sending`; the next run asks the transport whether
that marker was delivered (`find_delivered`) and only re-posts when it was not. When the
check itself fails the rows stay `sending` and nothing is re-posted: a late alert is
better than a duplicate.

Flooding: new stories are grouped by story (one message per cluster, listing each
watch-list trend it triggers). If more stories qualify than the budget (per-run cap, and
what the per-hour cap has left), one grouped message lists them instead. A story that
already has a message gets a follow-up in that message's thread, outside the caps.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from spacebrief.alerts.blocks import (
    GROUP_MAX_STORIES,
    MessageBody,
    follow_up_message,
    grouped_message,
    render_text,
    story_message,
)
from spacebrief.alerts.exceptions import (
    AlertsError,
    DeliveryUncertain,
    MessageRejected,
    RateLimited,
    ReconcileFailed,
    SlackConfigurationError,
)
from spacebrief.alerts.transports import Transport
from spacebrief.alerts.types import Delivered, DeliveryStatus, Ledger, PendingAlert, StoryRoot
from spacebrief.retry import RetryAfterOrBackoff

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """How much one delivery run may send: caps per run, per hour and per trend, and how
    hard it tries one message."""

    max_per_run: int = 10
    max_per_hour: int = 30
    max_per_trend: Mapping[str, int] = field(default_factory=dict)  # new stories per run
    post_tries: int = 3  # tries of one message within a run (timeouts, 5xx, connection)
    backoff_seconds: float = 1.0  # the first wait between tries, doubling, with jitter
    backoff_max_seconds: float = 30.0


@dataclass(frozen=True)
class PlannedMessage:
    """One Slack message a delivery run would post (a dry run shows these), with the
    alerts it carries."""

    key: str  # the marker the message carries
    kind: str  # story | grouped | follow_up | announcement
    alerts: tuple[PendingAlert, ...]
    body: MessageBody
    thread_ts: str | None = None
    reply_to: str | None = None  # marker of the story's first message

    @property
    def alert_ids(self) -> list[str]:
        return [a.alert_id for a in self.alerts]

    @property
    def text(self) -> str:
        """The message as Slack shows it, in plain text (what a dry run prints)."""
        return render_text(self.body.blocks)


@dataclass
class DeliveryReport:
    """What one delivery run did (a dry run: what it would do), counted in alerts."""

    planned: list[PlannedMessage] = field(default_factory=list)
    owed: int = 0  # alerts the ledger owed when the run began
    retried: int = 0  # failed alerts returned to pending first (`retry_failed`)
    reconciled: int = 0  # interrupted attempts found delivered
    sent: int = 0  # alerts delivered this run (reconciled ones included)
    messages: int = 0
    grouped: int = 0  # alerts delivered inside a grouped message
    follow_ups: int = 0
    failed: int = 0
    held: int = 0  # left pending by the caps, or because the run stopped early
    claimed_elsewhere: int = 0  # alerts another run claimed first: not posted by this one
    stopped_by: str | None = None


def new_key() -> str:
    return f"sb-{uuid.uuid4().hex[:20]}"


def _by_story(alerts: Iterable[PendingAlert]) -> list[tuple[PendingAlert, ...]]:
    stories: dict[str, list[PendingAlert]] = {}
    for alert in alerts:
        stories.setdefault(alert.cluster_id, []).append(alert)
    ordered = sorted(
        stories.values(), key=lambda group: (-max(a.score for a in group), group[0].cluster_id)
    )
    return [tuple(sorted(group, key=lambda a: -a.score)) for group in ordered]


def _split_by_trend_caps(
    stories: Sequence[tuple[PendingAlert, ...]], trend_caps: Mapping[str, int]
) -> tuple[list[tuple[PendingAlert, ...]], list[tuple[PendingAlert, ...]]]:
    """Stories within their lead trend's per-run cap, and the overflow."""
    within: list[tuple[PendingAlert, ...]] = []
    overflow: list[tuple[PendingAlert, ...]] = []
    used: dict[str, int] = {}
    for story in stories:
        trend = story[0].trend_id  # stories are sorted best first
        cap = trend_caps.get(trend)
        if cap is not None and used.get(trend, 0) >= cap:
            overflow.append(story)
            continue
        used[trend] = used.get(trend, 0) + 1
        within.append(story)
    return within, overflow


def plan_messages(
    alerts: Sequence[PendingAlert],
    roots: Mapping[str, StoryRoot],
    *,
    budget: int,
    cap: int,
    threads: bool,
    trend_caps: Mapping[str, int] | None = None,
) -> tuple[list[PlannedMessage], list[PendingAlert]]:
    """The messages to post now, and the alerts held back for a later run.

    New stories get a message each while they fit the budget and their trend's cap;
    the stories a trend cap leaves over share one grouped message; when even that does
    not fit the budget, one grouped message lists every new story.
    """
    messages: list[PlannedMessage] = []
    held: list[PendingAlert] = []
    new_stories: list[tuple[PendingAlert, ...]] = []
    for story in _by_story(alerts):
        root = roots.get(story[0].cluster_id)
        if root is None:
            new_stories.append(story)
            continue
        thread_ts = root.thread_ts if threads else None
        messages.append(
            PlannedMessage(
                new_key(),
                "follow_up",
                story,
                follow_up_message(story, threaded=thread_ts is not None),
                thread_ts=thread_ts,
                reply_to=root.message_key,
            )
        )
    within, overflow = _split_by_trend_caps(new_stories, trend_caps or {})
    rest: list[tuple[PendingAlert, ...]]
    if len(within) + (1 if overflow else 0) <= budget:
        announced = [PlannedMessage(new_key(), "story", s, story_message(s)) for s in within]
        grouped, rest, by_trend = overflow, [], True
    elif budget >= 1:
        announced, grouped, rest, by_trend = [], new_stories, [], False
    else:
        announced, grouped, rest, by_trend = [], [], new_stories, False
    if grouped:
        listed, beyond = grouped[:GROUP_MAX_STORIES], grouped[GROUP_MAX_STORIES:]
        rest = [*rest, *beyond]
        group = tuple(a for story in listed for a in story)
        reason = None
        if by_trend:
            trends = ", ".join(sorted({story[0].trend_id for story in listed}))
            reason = f"More {trends} stories qualified than the per-trend cap allows"
        body = grouped_message(listed, cap, threaded=threads, reason=reason)
        announced.append(PlannedMessage(new_key(), "grouped", group, body))
    held.extend(a for story in rest for a in story)
    return announced + messages, held


def _as_sending(message: PlannedMessage, at: datetime) -> list[PendingAlert]:
    return [
        replace(
            a,
            status=DeliveryStatus.SENDING,
            message_key=message.key,
            thread_ts=message.thread_ts,
            reply_to=message.reply_to,
            updated_at=at,
        )
        for a in message.alerts
    ]


def reconcile(
    alerts: Sequence[PendingAlert],
    transport: Transport,
    ledger: Ledger,
    report: DeliveryReport,
    roots: dict[str, StoryRoot],
) -> list[PendingAlert]:
    """Settle attempts a previous run left `sending`; return the alerts still to post.

    When the check itself fails, those attempts stay `sending` (with the error noted) and
    are not posted this run: a late alert is better than a duplicate.
    """
    unsettled = [a for a in alerts if a.status == DeliveryStatus.SENDING]
    try:
        found = transport.find_delivered(alerts)
    except ReconcileFailed as error:
        if unsettled:
            ledger.note_error([a.alert_id for a in unsettled], str(error))
            log.warning("%s", error)
        return [a for a in alerts if a.status != DeliveryStatus.SENDING]
    remaining = []
    for alert in alerts:
        delivered = found.get(alert.alert_id)
        if delivered is not None:
            ledger.mark_sent([alert.alert_id], delivered)
            report.reconciled += 1
            report.sent += 1
            if alert.reply_to is None:
                roots.setdefault(
                    alert.cluster_id,
                    StoryRoot(alert.cluster_id, delivered.message_key, delivered.thread_ts),
                )
            continue
        if alert.status == DeliveryStatus.SENDING:
            why = (
                "an earlier run was interrupted before Slack confirmed this alert and Slack "
                "has no such message, so it is sent again"
            )
            if not transport.can_reconcile:
                why = (
                    "an earlier run was interrupted mid-post; webhooks cannot be checked, so "
                    "it is sent again (it may appear twice)"
                )
            ledger.mark_unsent([alert.alert_id], why, count_attempt=True)
            alert = replace(
                alert, status=DeliveryStatus.PENDING, message_key=None, attempts=alert.attempts + 1
            )
        remaining.append(alert)
    return remaining


def _post_one(
    message: PlannedMessage,
    transport: Transport,
    ledger: Ledger,
    limits: Limits,
    sleep: Callable[[float], None],
    claimable: Sequence[DeliveryStatus] = (DeliveryStatus.PENDING,),
) -> Delivered | None:
    """Claim, then post, retrying what may not have landed (after checking it did not);
    raise otherwise, with the ledger settled (pending or failed). None: another run
    claimed part of the message's alerts first, so this run posts none of them."""
    ids = message.alert_ids
    started = datetime.now(UTC)
    claimed = ledger.claim(
        ids, message.key, message.reply_to, message.thread_ts, from_states=claimable
    )
    if set(claimed) != set(ids):
        ledger.release(claimed, message.key)
        return None

    def post() -> Delivered:
        try:
            return transport.post(
                message.key,
                message.alerts,
                message.body,
                thread_ts=message.thread_ts,
                reply_to=message.reply_to,
            )
        except DeliveryUncertain as error:
            if error.maybe_delivered and transport.can_reconcile:
                try:
                    found = transport.find_delivered(_as_sending(message, started))
                except ReconcileFailed as check:
                    raise ReconcileFailed(f"{error} {check}") from None
                if found:
                    return next(iter(found.values()))
            raise

    retrying = Retrying(
        retry=retry_if_exception_type(DeliveryUncertain),
        wait=RetryAfterOrBackoff(limits.backoff_seconds, limits.backoff_max_seconds),
        stop=stop_after_attempt(limits.post_tries),
        sleep=sleep,
        before_sleep=lambda state: log.info(
            "Retrying a Slack post after: %s", state.outcome and state.outcome.exception()
        ),
        reraise=True,
    )
    try:
        return retrying(post)
    except DeliveryUncertain as error:
        ledger.mark_unsent(ids, str(error), count_attempt=True)
        raise
    except AlertsError:
        raise
    except Exception as error:  # a bug: leave no row `sending`, and no message text
        ledger.mark_unsent(
            ids, f"the post failed unexpectedly ({type(error).__name__})", count_attempt=True
        )
        raise


def _deliver_message(
    message: PlannedMessage,
    transport: Transport,
    ledger: Ledger,
    limits: Limits,
    sleep: Callable[[float], None],
    report: DeliveryReport,
    claimable: Sequence[DeliveryStatus] = (DeliveryStatus.PENDING,),
) -> None:
    """Post one message and settle its rows by the outcome, counted in `report`; a run
    that cannot go on says why in `report.stopped_by`. `SlackConfigurationError` is
    raised (this message's rows back to pending) for the caller to stop on."""
    try:
        delivered = _post_one(message, transport, ledger, limits, sleep, claimable)
    except SlackConfigurationError as error:
        ledger.mark_unsent(message.alert_ids, str(error), count_attempt=False)
        raise
    except RateLimited as error:
        ledger.mark_unsent(message.alert_ids, str(error), count_attempt=False)
        report.stopped_by = str(error)
    except DeliveryUncertain as error:
        report.stopped_by = str(error)
    except ReconcileFailed as error:
        ledger.note_error(message.alert_ids, str(error))  # stays `sending`: unchecked
        report.stopped_by = str(error)
    except MessageRejected as error:
        ledger.mark_failed(message.alert_ids, str(error))
        report.failed += len(message.alerts)
    else:
        if delivered is None:
            log.info("Another run claimed these %d alert(s) first.", len(message.alerts))
            report.claimed_elsewhere += len(message.alerts)
            return
        ledger.mark_sent(message.alert_ids, delivered)
        report.sent += len(message.alerts)
        report.messages += 1
        if message.kind == "grouped":
            report.grouped += len(message.alerts)
        if message.kind == "follow_up":
            report.follow_ups += len(message.alerts)


def announce(
    alert: PendingAlert,
    body: MessageBody,
    *,
    transport: Transport,
    ledger: Ledger,
    limits: Limits | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    """Post one announcement (an edition's summary, a ledger row of its own) at most once.

    The same ledger steps as an alert: an attempt an earlier run left `sending` is
    checked first (found: settled, not posted again), then the row is claimed (from
    pending, or failed: an announcement has no retry command of its own), posted and
    settled. The report says what happened; a configuration problem raises, as for alerts.
    """
    report = DeliveryReport(owed=1)
    for remaining in reconcile([alert], transport, ledger, report, {}):
        message = PlannedMessage(new_key(), "announcement", (remaining,), body)
        report.planned = [message]
        claimable = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
        _deliver_message(message, transport, ledger, limits or Limits(), sleep, report, claimable)
        if report.stopped_by:
            log.warning("The announcement was not posted: %s", report.stopped_by)
    return report


def deliver(
    alerts: Sequence[PendingAlert],
    roots: Mapping[str, StoryRoot],
    *,
    sent_last_hour: int,
    limits: Limits,
    transport: Transport,
    ledger: Ledger,
    dry_run: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    """Deliver what is owed; raise `SlackConfigurationError` (alerts left pending) when
    nothing can be sent until a person fixes the configuration."""
    report = DeliveryReport(owed=len(alerts))
    roots = dict(roots)
    if not dry_run:
        try:
            alerts = reconcile(alerts, transport, ledger, report, roots)
        except SlackConfigurationError as error:
            ledger.note_error([a.alert_id for a in alerts], str(error))
            raise
    owed = [a for a in alerts if a.status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED)]
    budget = max(0, min(limits.max_per_run, limits.max_per_hour - sent_last_hour))
    if not transport.capped:
        budget = len(owed)
    planned, held = plan_messages(
        owed,
        roots,
        budget=budget,
        cap=limits.max_per_run,
        threads=transport.threads,
        trend_caps=limits.max_per_trend if transport.capped else {},
    )
    report.planned = planned
    report.held = len(held)
    if dry_run:
        return report
    for done, message in enumerate(planned, start=1):
        try:
            _deliver_message(message, transport, ledger, limits, sleep, report)
        except SlackConfigurationError as error:
            rest = [i for m in planned[done:] for i in m.alert_ids] + [a.alert_id for a in held]
            ledger.mark_unsent(rest, str(error), count_attempt=False)
            raise
        if on_progress is not None:
            on_progress(done, len(planned))
        if report.stopped_by:
            report.held += sum(len(m.alerts) for m in planned[done:])
            log.warning("Stopped delivering alerts: %s", report.stopped_by)
            break
    return report
