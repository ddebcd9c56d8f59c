"""`spacebrief serve`: a local Prefect server, the deployments, and one runner serving them.

What runs when:
- `spacebrief-ingest`: once at start-up, then whenever a feed is due: serve wakes every
  `poll_wake_seconds` (60 s), asks the warehouse for the earliest next fetch
  (`ingest/schedule.py` sets one per feed) and starts a run when it has passed; the run
  fetches only the due feeds. A backstop run every `ingest_interval_minutes` does the
  same, should the wake-up loop ever stop;
- classification and alert delivery: background tasks the ingest run submits, served by a
  task worker in this process (`flows/background.py`) with the model loaded once;
- `spacebrief-classify`, `spacebrief-alerts`: on demand only ("Run" in the UI, e.g.
  alerts with `retry_failed`); the task worker replaced their event triggers;
- `spacebrief-digest-daily`: on `digest_cron` in `digest_timezone` (07:00 UTC by default),
  e-mailing each edition when `SPACEBRIEF_SMTP_URL` is set;
- `spacebrief-digest-weekly`: Mondays at 07:00 with a 7-day window, when `digest_weekly`;
- `spacebrief-train`: on `train_cron` (02:30 UTC nightly by default), and on demand
  from the UI: refit on new feedback, promote only when no worse.

Restarts do not duplicate scheduled runs: deployment names and schedule slugs are stable,
interval schedules have a fixed anchor, so a restart updates the same deployments in
place, and pausing on shutdown clears their future runs until the next start.

The local server is a `prefect server start` subprocess on 127.0.0.1 in its own process
group, so a Ctrl-C in the terminal reaches this process only and shutdown happens in the
right order: the runner stops (cancelling its flow runs), then the server. The watchdog of
`run` (`flows/ephemeral_server.py`) is tied to it too: a kill -9 of serve ends the server,
so the next serve finds its port free; a Ctrl-C during start-up stops it as well.

Prefect is imported inside the functions: `PREFECT_API_URL` must be in the environment
before Prefect's first import, and it is only known once the server is up.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import httpx

import spacebrief
from spacebrief import ServeError, Settings
from spacebrief.flows.ephemeral_server import tie_to_us
from spacebrief.flows.prefect_env import PREFECT_DEFAULTS, prefect_home

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

INGEST = "spacebrief-ingest"
CLASSIFY = "spacebrief-classify"
ALERTS = "spacebrief-alerts"
DIGEST_DAILY = "spacebrief-digest-daily"
DIGEST_WEEKLY = "spacebrief-digest-weekly"
TRAIN = "spacebrief-train"
WEEKLY_CRON = "0 7 * * 1"
SCHEDULE_ANCHOR = datetime(2020, 1, 1, tzinfo=UTC)
SERVER_START_TIMEOUT_SECONDS = 120.0
SERVER_STOP_TIMEOUT_SECONDS = 20.0


@dataclass
class LocalServer:
    """A `prefect server start` subprocess we own, and where it answers."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> int | None:
        """SIGTERM the server's process group, then SIGKILL if it lingers; its exit code."""
        if self.process.poll() is not None:
            return self.process.returncode
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return self.process.poll()
        try:
            return self.process.wait(timeout=SERVER_STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait(timeout=5)


def external_api_url() -> str | None:
    """The server or Prefect Cloud the user pointed us at, if any."""
    return os.environ.get("PREFECT_API_URL") or None


def ui_url_for(api_url: str) -> str:
    if os.environ.get("PREFECT_UI_URL"):
        return os.environ["PREFECT_UI_URL"]
    if "api.prefect.cloud" in api_url:
        return "https://app.prefect.cloud"
    return api_url.removesuffix("/").removesuffix("/api")


def is_healthy(api_url: str) -> bool:
    try:
        response = httpx.get(f"{api_url}/health", timeout=2.0)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def start_local_server(
    spacebrief_home: Path, port: int, *, timeout: float = SERVER_START_TIMEOUT_SECONDS
) -> LocalServer:
    """Start `prefect server start` on 127.0.0.1:port and wait until it answers."""
    url = f"http://127.0.0.1:{port}/api"
    if is_healthy(url):
        raise ServeError(
            f"Something already answers on port {port}; pass another --port, or set "
            f"PREFECT_API_URL={url} to use that Prefect server.",
            port=port,
        )
    home = prefect_home(spacebrief_home)
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "server.log"
    env = {**os.environ, **{k: v for k, v in PREFECT_DEFAULTS.items() if k not in os.environ}}
    env["PREFECT_HOME"] = os.environ.get("PREFECT_HOME", str(home))
    env.pop("PREFECT_API_URL", None)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prefect",
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    server = LocalServer(process, port, log_path)
    tie_to_us(process.pid)  # a kill -9 of serve takes the server with it
    try:
        deadline = time.monotonic() + timeout
        while not is_healthy(server.api_url):
            if process.poll() is not None:
                raise ServeError(
                    f"The Prefect server exited with code {process.returncode} while "
                    f"starting; see {log_path}.",
                    port=port,
                )
            if time.monotonic() >= deadline:
                raise ServeError(
                    f"The Prefect server did not answer within {timeout:.0f} s; see {log_path}.",
                    port=port,
                )
            time.sleep(0.5)
    except BaseException:  # Ctrl-C while it starts included: leave no server behind
        server.stop()
        raise
    return server


def deployments(settings: Settings, sources: str | None = None) -> list[RunnerDeployment]:
    """Every spacebrief deployment, named and scheduled the same way on every start."""
    from prefect.schedules import Cron, Interval

    from spacebrief.flows.pipeline import (
        alerts_flow,
        classify_flow,
        digest_flow,
        ingest_flow,
        train_flow,
    )

    every = timedelta(minutes=settings.ingest_interval_minutes)
    tags = ["spacebrief"]
    found = [
        ingest_flow.to_deployment(
            name=INGEST,
            schedules=[
                Interval(every, anchor_date=SCHEDULE_ANCHOR, slug="ingest-interval"),
            ],
            parameters={"sources": sources, "classify_in_background": True, "force": False},
            description="Fetch the feeds that are due, store new items, hand them to the "
            "task worker's classifier.",
            tags=tags,
            paused=False,
        ),
        classify_flow.to_deployment(
            name=CLASSIFY,
            description="Classify what is waiting, on demand (serve classifies on its "
            "task worker).",
            tags=tags,
            paused=False,
        ),
        alerts_flow.to_deployment(
            name=ALERTS,
            description="Deliver the alerts owed, on demand (serve delivers on its task worker).",
            tags=tags,
            paused=False,
        ),
        digest_flow.to_deployment(
            name=DIGEST_DAILY,
            schedules=[
                Cron(settings.digest_cron, timezone=settings.digest_timezone, slug="digest-daily"),
            ],
            description="Write the daily edition (and e-mail it when SMTP is configured).",
            tags=tags,
            paused=False,
        ),
        train_flow.to_deployment(
            name=TRAIN,
            schedules=[
                Cron(settings.train_cron, timezone=settings.digest_timezone, slug="train-nightly")
            ],
            description="Refit the head on new feedback; promote it only when no worse.",
            tags=tags,
            paused=False,
        ),
    ]
    if settings.digest_weekly:
        found.append(
            digest_flow.to_deployment(
                name=DIGEST_WEEKLY,
                schedules=[
                    Cron(WEEKLY_CRON, timezone=settings.digest_timezone, slug="digest-weekly")
                ],
                parameters={"days": 7},
                description="Write the weekly edition (Mondays, seven days).",
                tags=tags,
                paused=False,
            )
        )
    # `to_deployment` is `async_dispatch`ed: typed as returning the deployment or a
    # coroutine. Called outside an event loop, as here (serve_deployments calls this
    # before asyncio.run), it runs the sync implementation and returns the deployment.
    return cast("list[RunnerDeployment]", found)


def serve_deployments(
    settings: Settings,
    sources: str | None = None,
    *,
    on_ready: Callable[[list[str]], None] | None = None,
) -> None:
    """Register the deployments, start one ingest run now, and serve until stopped.

    Returns after Ctrl-C or SIGTERM, once the runner has stopped and paused the
    schedules; the caller then stops the server.
    """
    import asyncio

    from prefect import get_client
    from prefect.runner import Runner

    def stop_runner() -> None:
        return None

    class SpacebriefRunner(Runner):
        def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
            # Prefect's own handler calls the async stop() from a signal handler, where it
            # never runs; cancelling the runner's task instead shuts down the way Ctrl-C
            # does (cancel flow runs, pause schedules), whatever signal dispositions
            # this process inherited.
            stop_runner()

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Until the runner's loop is up, SIGTERM interrupts like Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, interrupt)
    stop_background = threading.Event()
    background: list[threading.Thread] = []
    try:
        runner = SpacebriefRunner(name="spacebrief", pause_on_shutdown=True)
        ids: dict[str, Any] = {}
        for deployment in deployments(settings, sources):
            ids[deployment.name] = runner.add_deployment(deployment)
        with get_client(sync_client=True) as client:
            client.create_flow_run_from_deployment(ids[INGEST])
        background = start_background(settings, sources, ids[INGEST], stop_background)

        async def run_until_stopped() -> None:
            nonlocal stop_runner
            loop = asyncio.get_running_loop()
            task = asyncio.current_task()
            assert task is not None

            def stop() -> None:
                runner._logger.info("Stop requested, stopping the runner.")
                loop.call_soon_threadsafe(task.cancel)

            stop_runner = stop
            loop.add_signal_handler(signal.SIGINT, stop)
            loop.add_signal_handler(signal.SIGTERM, stop)
            if on_ready is not None:
                on_ready(sorted(ids))
            with contextlib.suppress(asyncio.CancelledError):
                await runner.start()

        asyncio.run(run_until_stopped())
    except KeyboardInterrupt:
        pass
    finally:
        stop_background.set()
        for thread in background:
            thread.join(timeout=15)
        drain_prefect_workers()
        signal.signal(signal.SIGTERM, previous)


def drain_prefect_workers(timeout: float = 10.0) -> None:
    """Send the logs and events this process still holds while the server is up.

    The task worker runs here, so this process emits events and task-run logs; left in
    Prefect's queues, they would be retried against a stopped server at exit.
    """
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):
            worker.drain_all(timeout=timeout)


def start_background(
    settings: Settings, sources: str | None, ingest_id: Any, stop: threading.Event
) -> list[threading.Thread]:
    """The task worker and the wake-up loop, as daemon threads that end with `stop`."""
    from spacebrief.flows.background import start_task_worker

    waker = threading.Thread(
        target=wake_for_due_feeds,
        args=(settings, sources, ingest_id, stop),
        name="spacebrief-poll",
        daemon=True,
    )
    waker.start()
    return [start_task_worker(settings, stop), waker]


def feeds_due(settings: Settings, sources: str | None, now: datetime) -> bool:
    """Whether a feed of the catalog is due (`Spacebrief.feeds_due`); False when busy."""
    return spacebrief.open(settings=settings).feeds_due(sources, now)


def items_waiting(settings: Settings) -> bool:
    """Whether stored items wait for a classifier, whoever stored them (the CLI, the API,
    another process); False when the warehouse is busy or absent."""
    return spacebrief.open(settings=settings).items_waiting()


def classify_in_flight(client: Any) -> bool:
    """A classify background task scheduled, pending or running (ours or an ingest run's)."""
    from prefect.client.schemas.filters import (
        TaskRunFilter,
        TaskRunFilterName,
        TaskRunFilterState,
        TaskRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    waiting = TaskRunFilter(
        name=TaskRunFilterName(like_="classify-in-background"),
        state=TaskRunFilterState(
            type=TaskRunFilterStateType(
                any_=[StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING]
            )
        ),
    )
    return bool(client.read_task_runs(task_run_filter=waiting, limit=1))


def wake_for_due_feeds(
    settings: Settings, sources: str | None, ingest_id: Any, stop: threading.Event
) -> None:
    """Every `poll_wake_seconds`: start an ingest run when a feed is due and none is
    running, and hand the task worker any stored item no classifier has seen yet (stored
    by `spacebrief ingest`, the API or another process), so it is classified and its
    alerts delivered within one wake."""
    from prefect import get_client
    from prefect.logging import get_logger

    from spacebrief.flows.background import classify_in_background

    logger = get_logger("spacebrief.serve")
    running: Any = None
    while not stop.wait(settings.poll_wake_seconds):
        try:
            with get_client(sync_client=True) as client:
                if items_waiting(settings) and not classify_in_flight(client):
                    classify_in_background.delay()
                    logger.info(
                        "Handed the unclassified items in the warehouse to the task worker."
                    )
                if running is not None:
                    state = client.read_flow_run(running).state
                    if state is not None and not state.is_final():
                        continue
                if feeds_due(settings, sources, datetime.now(UTC)):
                    running = client.create_flow_run_from_deployment(ingest_id).id
        except Exception:  # the loop must outlive a busy or restarting server
            logger.exception("Could not check for due feeds; trying again shortly")


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.5) -> bool:
    """Poll `predicate` until it holds or `timeout` seconds pass (used by bench and tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
