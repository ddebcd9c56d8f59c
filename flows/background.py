"""Warm processing: classify and deliver alerts as Prefect background tasks on a task worker.

An ingest flow run that stored new items calls `classify_in_background.delay()`; a
long-lived task worker (`prefect.task_worker`) picks the run up over its websocket within
a fraction of a second and classifies with the model it loaded once, then hands delivery
to `deliver_in_background` the same way, on the same worker, where the Slack transport
stays open. No process starts between a fetch and its alert, and every task run shows in
the Prefect UI (Runs -> Task runs) with its logs, retries and state.

`spacebrief serve` runs one task worker in a thread of its own process. More workers, on
this machine or others, are `python -m spacebrief.flows.task_worker` with the same settings and
`PREFECT_API_URL` (docs/scaling.md): the server hands each task run to one of them.

Why a cache policy of our own: a task worker gives tasks declared with `NO_CACHE` Prefect's
DEFAULT policy (inputs + source + run id) and persists their results. Ours take no inputs,
so two runs submitted by one flow run would share a key and the second would be skipped.
`FreshEachRun` gives no key at all: never a cache hit, nothing persisted (the results that
matter are rows in the warehouse).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import threading
from typing import Any

from prefect import task
from prefect.cache_policies import CachePolicy
from prefect.tasks import exponential_backoff

import spacebrief
from spacebrief import Settings
from spacebrief.flows.events import emit_watchlist_detected
from spacebrief.flows.pipeline import (
    _is_locked,
    _log,
    _worth_retrying,
    classify_items,
    deliver_pending_alerts,
)

log = logging.getLogger(__name__)


class FreshEachRun(CachePolicy):
    """No cache key: every background run does the work (see the module docstring)."""

    def compute_key(self, task_ctx: Any, inputs: Any, flow_parameters: Any, **kwargs: Any) -> None:
        return None


FRESH = FreshEachRun()


@task(
    name="deliver-alerts-in-background",
    retries=3,
    retry_delay_seconds=exponential_backoff(backoff_factor=15),
    retry_jitter_factor=0.5,
    retry_condition_fn=_worth_retrying,
    cache_policy=FRESH,
)
def deliver_in_background() -> str:
    """Deliver what the ledger owes; a failure raises and Prefect retries after a pause."""
    return deliver_pending_alerts.fn().describe()


@task(
    name="classify-in-background",
    retries=2,
    retry_delay_seconds=exponential_backoff(backoff_factor=5),
    retry_condition_fn=lambda task, run, state: _is_locked(state),
    cache_policy=FRESH,
)
def classify_in_background() -> str:
    """Classify what is new with the warm model, then hand the owed alerts to delivery."""
    summary = classify_items.fn()
    if summary.new_alerts:
        emit_watchlist_detected(summary.new_alerts)
        deliver_in_background.delay()
        _log().info("Handed %d watch-list alert(s) to delivery.", len(summary.new_alerts))
    return summary.describe()


BACKGROUND_TASKS = (classify_in_background, deliver_in_background)


def warm_up(settings: Settings) -> None:
    """Load the classifier now, so the first story after start-up is not the slow one
    (the one cache of `spacebrief.load_classifier` keeps it for the tasks)."""
    spacebrief.open(settings=settings).classifier()


async def serve_tasks(stop: threading.Event, limit: int = 1) -> None:
    """Serve the background tasks until `stop` is set (the caller's thread, its own loop).

    One task run at a time per worker: every step takes the warehouse write lock anyway,
    and DuckDB lets one process open a file only one way (read-only or read-write) at once.
    More throughput is more workers (docs/scaling.md).
    """
    from prefect.task_worker import TaskWorker

    worker = TaskWorker(*BACKGROUND_TASKS, limit=limit)
    serving = asyncio.create_task(worker.astart())
    while not stop.is_set() and not serving.done():
        await asyncio.sleep(0.2)
    serving.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await serving


def start_task_worker(settings: Settings, stop: threading.Event) -> threading.Thread:
    """A task worker in a daemon thread of this process: model warm, stops with `stop`."""

    def run() -> None:
        try:
            warm_up(settings)
        except Exception:  # the first task run reports the same problem in the UI
            log.exception("Could not load the classifier before serving")
        asyncio.run(serve_tasks(stop))

    # The caller's context goes along: Prefect keeps its settings (the API URL) in it.
    context = contextvars.copy_context()
    thread = threading.Thread(
        target=context.run, args=(run,), name="spacebrief-task-worker", daemon=True
    )
    thread.start()
    return thread
