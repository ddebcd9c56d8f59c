"""`spacebrief serve` end to end: a real local Prefect server, the deployments, events.

Two feeds on a local server: a busy one (hundreds of stories in the last hour, so polled at
the minimum interval, 2 s here) and a quiet one (nothing for weeks: the maximum, 2 h).
The busy feed gains a watch-list story and, with no manual trigger, serve's wake-up loop
fetches it when due and the task worker classifies it and delivers the alert; the quiet
feed is fetched once, at start-up. Then SIGTERM must stop
everything cleanly, and a restart must update the same deployments in place without
duplicating scheduled runs. Every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.alerts.slack_server import APP_TOKEN, CHANNEL, TOKEN, FakeSlack
from tests.flows.conftest import OFF_THEME_STORY, WATCHLIST_STORY, WATCHLIST_TITLE, feed, free_port
from tests.ingest.feed_server import entry

pytestmark = pytest.mark.slow

SPACEBRIEF = str(Path(sys.executable).with_name("spacebrief"))
START_TIMEOUT = 150.0
ALERT_TIMEOUT = 150.0
STOP_TIMEOUT = 60.0


def wait_until(what: str, predicate: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Serve:
    """One `spacebrief serve` subprocess with its output in a file."""

    def __init__(
        self,
        env: dict[str, str],
        port: int,
        sources: str,
        log: Path,
        *,
        sigint_ignored: bool = False,
    ) -> None:
        """`sigint_ignored`: start serve with SIGINT ignored, as a background job of a
        non-interactive shell starts."""
        self.log = log
        self.port = port
        self.api = f"http://127.0.0.1:{port}/api"
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [SPACEBRIEF, "serve", "--sources", sources, "--port", str(port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                preexec_fn=_ignore_sigint if sigint_ignored else None,
            )

    def output(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def wait_ready(self) -> None:
        def ready() -> bool:
            assert self.process.poll() is None, self.output()
            return "Prefect UI: http://127.0.0.1:" in self.output()

        wait_until("serve to be ready", ready, START_TIMEOUT)

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise AssertionError(f"serve ignored SIGTERM:\n{self.output()[-3000:]}") from None

    def call(self, method: str, path: str, body: dict | None = None) -> object:
        """One API call, retried while the server's SQLite answers 503 (busy)."""
        for _ in range(20):
            response = httpx.request(method, f"{self.api}{path}", json=body, timeout=10)
            if response.status_code < 500:
                break
            time.sleep(0.5)
        response.raise_for_status()
        return response.json()

    def deployment(self, flow: str, name: str) -> dict:
        return self.call("GET", f"/deployments/name/{flow}/{name}")

    def run_now(self, flow: str, name: str) -> None:
        deployment_id = self.deployment(flow, name)["id"]
        self.call("POST", f"/deployments/{deployment_id}/create_flow_run", {})

    def scheduled_starts(self, deployment_id: str) -> list[str]:
        runs = self.call(
            "POST",
            "/flow_runs/filter",
            {
                "deployments": {"id": {"any_": [deployment_id]}},
                "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
            },
        )
        return [run["expected_start_time"] for run in runs]


@pytest.fixture
def serve_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        SPACEBRIEF_HOME=str(tmp_path / "home"),
        SPACEBRIEF_CONFIG=str(tmp_path / "absent.toml"),
        SPACEBRIEF_DIGEST_CRON="30 6 * * *",
        SPACEBRIEF_DIGEST_TIMEZONE="Asia/Shanghai",
        SPACEBRIEF_POLL_MIN_SECONDS="2",
        SPACEBRIEF_POLL_WAKE_SECONDS="1",
        SPACEBRIEF_FETCH_ALLOW_PRIVATE="true",
        PYTHONUNBUFFERED="1",
    )
    return env


def busy_and_quiet(feed_server, tmp_path: Path, *extra: dict) -> str:
    now = datetime.now(UTC)
    busy = [entry(n, published=now - timedelta(seconds=14 * n)) for n in range(10, 250)]
    quiet = [entry(1000 + n, published=now - timedelta(days=10 * n)) for n in range(1, 3)]
    feed_server.serve("/feed.xml", feed(*extra, *busy), etag=f'"v{len(extra)}"')
    feed_server.serve("/quiet.xml", feed(*quiet), etag='"q"')
    catalog = tmp_path / "sources.yaml"
    catalog.write_text(
        f"sources:\n  - {{name: Busy, url: '{feed_server.url('/feed.xml')}'}}\n"
        f"  - {{name: Quiet, url: '{feed_server.url('/quiet.xml')}'}}\n"
    )
    return str(catalog)


def test_serve_polls_the_due_feed_and_alerts_on_its_new_story_then_stops_cleanly(
    tmp_path, serve_env, feed_server
):
    catalog = busy_and_quiet(feed_server, tmp_path, OFF_THEME_STORY)
    port = free_port()
    outbox = Path(serve_env["SPACEBRIEF_HOME"]) / "outbox" / "slack.jsonl"
    serve = Serve(serve_env, port, catalog, tmp_path / "serve.log")
    try:
        serve.wait_ready()
        wait_until("the start-up ingest", lambda: feed_server.hits("/feed.xml") >= 1, 90)

        daily = serve.deployment("digest", "spacebrief-digest-daily")
        assert [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in daily["schedules"]] == [
            ("30 6 * * *", "Asia/Shanghai")
        ]
        ingest = serve.deployment("ingest", "spacebrief-ingest")
        assert ingest["schedules"][0]["schedule"]["interval"] == 30 * 60
        train = serve.deployment("train", "spacebrief-train")
        assert [s["schedule"]["cron"] for s in train["schedules"]] == ["30 2 * * *"]

        busy_and_quiet(feed_server, tmp_path, WATCHLIST_STORY, OFF_THEME_STORY)
        wait_until(
            "the watch-list alert in the outbox",
            lambda: outbox.exists() and WATCHLIST_TITLE in outbox.read_text("utf-8"),
            ALERT_TIMEOUT,
        )
        wait_until("scheduled ingest runs", lambda: serve.scheduled_starts(ingest["id"]), 90)
        assert feed_server.hits("/feed.xml") >= 2
        assert feed_server.hits("/quiet.xml") == 1, "the quiet feed is not due for 2 hours"
    finally:
        code = serve.terminate()
    output = serve.output()
    assert code == 0, output[-3000:]
    assert "Prefect server stopped." in output
    assert "Slack feedback buttons: off" in output
    assert "Traceback" not in output
    assert output.index("stopping the runner.") < output.index("Prefect server stopped.")
    assert "Received task run" in output  # classify and alerts ran on the task worker
    assert not _answers(serve.api)

    slack = FakeSlack().start()  # the restart holds the Socket Mode connection too
    slack_env = dict(
        serve_env,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_CHANNEL=CHANNEL,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=slack.api_url,
    )
    again = Serve(slack_env, port, catalog, tmp_path / "serve-again.log")
    try:
        again.wait_ready()
        assert "Slack feedback buttons: listening over Socket Mode" in again.output()
        wait_until("the Socket Mode connection", slack.connected, 30)
        assert again.deployment("ingest", "spacebrief-ingest")["id"] == ingest["id"]
        wait_until("scheduled ingest runs", lambda: again.scheduled_starts(ingest["id"]), 90)
        starts_after = again.scheduled_starts(ingest["id"])
        schedules_after = again.deployment("ingest", "spacebrief-ingest")["schedules"]
    finally:
        assert again.terminate() == 0, again.output()[-3000:]
        slack.stop()
    # A restart updates the one schedule (fixed anchor) instead of adding a second: one
    # interval schedule on the same deployment, and no two runs at one time. (How many runs
    # are pending depends on the scheduler's horizon and the polls, which load changes.)
    assert len(starts_after) == len(set(starts_after))
    assert [s["schedule"]["interval"] for s in schedules_after] == [30 * 60]
    lines = outbox.read_text("utf-8").splitlines()
    assert sum(WATCHLIST_TITLE in line for line in lines) == 1


def _answers(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
