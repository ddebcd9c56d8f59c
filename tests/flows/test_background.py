"""Warm processing: a real task worker classifies and delivers what an ingest run hands over.

The worker runs in a thread against the session's Prefect test server, as `serve` runs it;
the ingest flow submits the background task, and the alert must reach the outbox with
no other flow run started.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from spacebrief.flows.background import start_task_worker
from spacebrief.flows.pipeline import ingest_flow
from spacebrief.flows.settings import Settings
from spacebrief.warehouse import Warehouse
from tests.flows.conftest import OFF_THEME_STORY, WATCHLIST_STORY, WATCHLIST_TITLE, feed

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_the_task_worker_classifies_and_alerts_what_ingest_hands_over(home, feed_server):
    from prefect import get_client

    feed_server.serve("/feed.xml", feed(WATCHLIST_STORY, OFF_THEME_STORY), etag='"v1"')
    outbox = Settings().outbox_path
    stop = threading.Event()
    worker = start_task_worker(Settings(), stop)
    try:
        with get_client(sync_client=True) as client:
            flow_runs_before = len(client.read_flow_runs(limit=200))
        summary = ingest_flow(sources=feed_server.url("/feed.xml"), classify_in_background=True)
        assert summary.new_items == 2

        def alerted() -> bool:
            return outbox.exists() and WATCHLIST_TITLE in outbox.read_text("utf-8")

        assert wait_for(alerted, 120), "no alert from the task worker within 120 s"

        def both_completed() -> dict[str, str]:
            with get_client(sync_client=True) as client:
                runs = client.read_task_runs(limit=200)
            names = ("classify-in-background", "deliver-alerts-in-background")
            return {
                name: run.state.type.value
                for run in runs
                for name in names
                if run.name.startswith(name) and run.state
            }

        assert wait_for(
            lambda: both_completed().get("deliver-alerts-in-background") == "COMPLETED", 30
        )
        states = both_completed()
        assert states["classify-in-background"] == "COMPLETED"
        with get_client(sync_client=True) as client:
            # The ingest run is the only new flow run: classify and alerts were task runs.
            assert len(client.read_flow_runs(limit=200)) == flow_runs_before + 1
    finally:
        stop.set()
        worker.join(timeout=30)
    assert not worker.is_alive()
    with Warehouse(home / "spacebrief.duckdb").read() as con:
        classified = con.execute("SELECT count(*) FROM classifications").fetchone()[0]
        sent = con.execute(
            "SELECT count(*) FROM alerts WHERE trend_id = 'W2' AND status = 'sent'"
        ).fetchone()[0]
    assert (classified, sent) == (2, 1)
    lines = Path(outbox).read_text("utf-8").splitlines()
    assert sum(WATCHLIST_TITLE in line for line in lines) == 1


def test_a_task_worker_of_its_own_process_takes_the_work_too(home, feed_server, tmp_path):
    """`python -m flows.task_worker`, the scaling path: another process, same server."""
    import os
    import signal
    import subprocess
    import sys

    from prefect.settings import PREFECT_API_URL

    feed_server.serve("/feed.xml", feed(WATCHLIST_STORY), etag='"v1"')
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_API_URL=PREFECT_API_URL.value(), PYTHONUNBUFFERED="1")
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "spacebrief.flows.task_worker"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    outbox = Settings().outbox_path
    try:
        assert wait_for(lambda: "Subscribing to runs" in log.read_text(errors="replace"), 90)
        ingest_flow(sources=feed_server.url("/feed.xml"), classify_in_background=True)
        assert wait_for(
            lambda: outbox.exists() and WATCHLIST_TITLE in outbox.read_text("utf-8"), 120
        ), log.read_text(errors="replace")[-3000:]
    finally:
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=60)
    assert code == 0, log.read_text(errors="replace")[-3000:]
    assert "Received task run" in log.read_text(errors="replace")
