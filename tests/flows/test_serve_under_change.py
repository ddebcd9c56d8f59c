"""`spacebrief serve` while things change around it: the CLI beside it, kills, Ctrl-C.

- An item stored by `spacebrief ingest` (not by serve) is classified and alerted within a
  wake, and while serve delivers, two `spacebrief alerts` run at once against the
  Slack-compatible server: every alert is posted once.
- `kill -9` of serve leaves no Prefect server behind, and the next serve starts on the
  same port; Ctrl-C while serve starts leaves nothing either.
"""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from spacebrief.flows.settings import Settings
from spacebrief.warehouse import Warehouse
from tests.alerts.conftest import Stories
from tests.alerts.slack_server import CHANNEL, TOKEN, FakeSlack
from tests.flows.conftest import WATCHLIST_STORY, feed, free_port
from tests.flows.test_serve import SPACEBRIEF, Serve, wait_until
from tests.ingest.feed_server import entry

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path("/proc").is_dir(), reason="Linux")]

SERVER_MARK = b"prefect\0server\0start"


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _servers_on(port: int) -> list[int]:
    """Live `prefect server start` processes listening (by command line) on `port`."""
    found = []
    for entry_ in Path("/proc").iterdir():
        if not entry_.name.isdigit():
            continue
        try:
            cmdline = (entry_ / "cmdline").read_bytes()
        except OSError:
            continue
        listens = f"\0{port}\0".encode() in cmdline + b"\0"
        if SERVER_MARK in cmdline and listens and _alive(int(entry_.name)):
            found.append(int(entry_.name))
    return found


def quiet_catalog(feed_server, tmp_path: Path) -> str:
    """One feed with nothing new for weeks: fetched at start-up, then not for 2 hours."""
    old = [entry(1000 + n, published=datetime.now(UTC) - timedelta(days=10 * n)) for n in (1, 2)]
    feed_server.serve("/quiet.xml", feed(*old), etag='"q"')
    catalog = tmp_path / "sources.yaml"
    catalog.write_text(f"sources:\n  - {{name: Quiet, url: '{feed_server.url('/quiet.xml')}'}}\n")
    return str(catalog)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    values = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SLACK_"))}
    values.update(
        SPACEBRIEF_HOME=str(tmp_path / "home"),
        SPACEBRIEF_CONFIG=str(tmp_path / "absent.toml"),
        SPACEBRIEF_POLL_MIN_SECONDS="2",
        SPACEBRIEF_POLL_WAKE_SECONDS="1",
        SPACEBRIEF_FETCH_ALLOW_PRIVATE="true",
        SPACEBRIEF_ALERT_NEWS_HORIZON_HOURS="48",
        PYTHONUNBUFFERED="1",
    )
    return values


def test_kill_9_of_serve_leaves_no_server_and_the_next_serve_starts(tmp_path, env, feed_server):
    catalog = quiet_catalog(feed_server, tmp_path)
    port = free_port()
    serve = Serve(env, port, catalog, tmp_path / "serve.log")
    servers: list[int] = []
    try:
        serve.wait_ready()
        servers = _servers_on(port)
        assert len(servers) == 1, serve.output()[-2000:]
        serve.process.send_signal(signal.SIGKILL)
        serve.process.wait(10)
        wait_until("the Prefect server to go", lambda: not _alive(servers[0]), 30)
    finally:
        for pid in servers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    again = Serve(env, port, catalog, tmp_path / "serve-again.log")
    try:
        again.wait_ready()
        assert "Something already answers" not in again.output()
    finally:
        assert again.terminate() == 0, again.output()[-3000:]
    assert _servers_on(port) == []


@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["default", "inherited-ignored"])
def test_ctrl_c_while_serve_starts_leaves_no_server(tmp_path, env, feed_server, sigint_ignored):
    """Also when serve inherited SIGINT ignored (a background job of a non-interactive
    shell): the full suite, launched so, lost this Ctrl-C and serve ran on unattended."""
    catalog = quiet_catalog(feed_server, tmp_path)
    port = free_port()
    serve = Serve(env, port, catalog, tmp_path / "serve.log", sigint_ignored=sigint_ignored)
    try:
        wait_until("the server process", lambda: bool(_servers_on(port)), 60)
        [server] = _servers_on(port)
        assert "Prefect UI" not in serve.output()  # still starting
        serve.process.send_signal(signal.SIGINT)
        code = serve.process.wait(60)
        wait_until("the Prefect server to go", lambda: not _alive(server), 30)
    finally:
        if serve.process.poll() is None:
            serve.process.kill()
        for pid in _servers_on(port):
            os.kill(pid, signal.SIGKILL)
    assert code == 130, serve.output()[-2000:]
    assert "Stopped while starting." in serve.output()
    assert "Traceback" not in serve.output()


def test_serve_takes_what_the_cli_stored_and_alerts_beside_two_cli_runs_post_once(
    tmp_path, env, feed_server
):
    slack = FakeSlack(post_delay_seconds=0.3).start()
    env = dict(
        env,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_CHANNEL=CHANNEL,
        SLACK_API_URL=slack.api_url,
        SPACEBRIEF_ALERT_MAX_PER_RUN="100",
        SPACEBRIEF_ALERT_MAX_PER_HOUR="100",
    )
    home = Path(env["SPACEBRIEF_HOME"])
    warehouse = Warehouse(home / "spacebrief.duckdb", lock_wait_seconds=30)
    catalog = quiet_catalog(feed_server, tmp_path)
    fresh = dict(WATCHLIST_STORY, published=datetime.now(UTC) - timedelta(minutes=10))
    stored_by_cli = tmp_path / "desk.xml"
    stored_by_cli.write_bytes(feed(fresh))
    serve = Serve(env, free_port(), catalog, tmp_path / "serve.log")
    runs: list[subprocess.Popen[str]] = []
    try:
        serve.wait_ready()
        stories = Stories(warehouse, f"slack:{CHANNEL}")
        for n in range(12):
            stories.add(f"Owed story {n}", {"W1": 0.9})

        stored = subprocess.run(
            [SPACEBRIEF, "ingest", "--sources", str(stored_by_cli)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert stored.returncode == 0, stored.stderr

        def classified_by_serve() -> bool:
            with warehouse.read() as con:
                row = con.execute(
                    "SELECT count(*) FROM alerts a JOIN items i USING (item_id) WHERE i.title = ?",
                    [fresh["title"]],
                ).fetchone()
            return bool(row and row[0])

        wait_until("serve to classify what the CLI stored", classified_by_serve, 120)
        runs = [
            subprocess.Popen(
                [SPACEBRIEF, "alerts"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outcomes = [run.communicate(timeout=300) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outcomes

        def all_sent() -> bool:
            with warehouse.read() as con:
                row = con.execute(
                    "SELECT count(*) FROM alerts WHERE status IN ('pending', 'sending', 'failed')"
                ).fetchone()
            return row == (0,)

        wait_until("every alert sent", all_sent, 120)
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
        code = serve.terminate()
        slack.stop()
    assert code == 0, serve.output()[-3000:]
    titles = [m["text"].split(": ", 1)[1].rsplit(" (", 1)[0] for m in slack.messages]
    assert sorted(titles) == sorted({*(f"Owed story {n}" for n in range(12)), fresh["title"]})
    keys = slack.keys()
    assert len(keys) == len(set(keys)) == 13
    with warehouse.read() as con:
        ledger = con.execute("SELECT slack_ts FROM alerts WHERE status = 'sent'").fetchall()
    assert sorted(ts for (ts,) in ledger) == sorted(m["ts"] for m in slack.messages)
    assert Settings(home=home).outbox_path.exists() is False
