"""`kill -9` of `spacebrief run` takes the temporary Prefect server it started with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.flows.conftest import WATCHLIST_STORY, feed

REPO = Path(__file__).parents[2]
MARKER = "prefect.server.api.server:create_app"


def _running(pid: int) -> bool:
    """Alive and not a zombie (PID 1 in a container may never reap an orphan)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _server_child_of(parent: int) -> int | None:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and MARKER in cmdline:
            return int(entry.name)
    return None


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.timeout(180)
def test_kill_9_of_run_does_not_orphan_the_prefect_server(tmp_path: Path) -> None:
    feed_file = tmp_path / "desk.xml"
    feed_file.write_bytes(feed(WATCHLIST_STORY))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SLACK_"))}
    env.update(
        SPACEBRIEF_HOME=str(tmp_path / "home"),
        SPACEBRIEF_CONFIG=str(tmp_path / "absent.toml"),
        PYTHONPATH=str(REPO),
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
    )
    run = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from spacebrief.flows.cli import main; main()",
            "run",
            "--sources",
            str(feed_file),
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = None
    try:
        deadline = time.monotonic() + 150
        while server is None and time.monotonic() < deadline and run.poll() is None:
            server = _server_child_of(run.pid)
            time.sleep(0.2)
        assert server is not None, "run never started a Prefect server"
        run.send_signal(signal.SIGKILL)
        run.wait(10)
        gone_by = time.monotonic() + 20
        while _running(server) and time.monotonic() < gone_by:
            time.sleep(0.2)
        assert not _running(server), "the Prefect server outlived `spacebrief run` by 20 s"
    finally:
        if run.poll() is None:
            run.kill()
        if server is not None and _running(server):
            os.kill(server, signal.SIGKILL)
