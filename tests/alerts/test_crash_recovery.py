"""A delivering process killed at the worst moment: the re-run posts nothing twice.

The child process runs the real alerts step against the fake Slack; the server holds a
post open (after storing it, or before) and the test SIGKILLs the child right there, so
the ledger says `sending` while Slack has (or has not) the message. The next run must
find out which, and post only what is missing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from spacebrief.warehouse import Warehouse
from tests.alerts.conftest import REPO_ROOT, Stories, deliver_alerts, slack_settings
from tests.alerts.slack_server import CHANNEL, TOKEN, Fault

CHILD = "import spacebrief\nwith spacebrief.open() as sb:\n    sb.deliver_alerts()\n"


def _start_child(home: Path, fake, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "SPACEBRIEF_HOME": str(home),
        "SPACEBRIEF_CONFIG": str(tmp_path / "absent.toml"),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_CHANNEL": CHANNEL,
        "SLACK_API_URL": fake.api_url,
    }
    return subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _kill_when_held(child: subprocess.Popen, fake) -> None:
    if not fake.received.wait(60):
        child.kill()
        _, err = child.communicate()
        pytest.fail(f"the child never reached the post: {err.decode()[-2000:]}")
    os.kill(child.pid, signal.SIGKILL)
    child.wait(30)
    assert child.returncode == -signal.SIGKILL
    fake.release.set()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "landed"),
    [("store_then_hang", True), ("hang", False)],
    ids=["killed-after-slack-stored-the-post", "killed-before-slack-stored-the-post"],
)
def test_killed_mid_post_then_rerun_delivers_each_alert_exactly_once(
    tmp_path, fake_slack, fault, landed
):
    settings = slack_settings(tmp_path / "home", fake_slack)
    warehouse = Warehouse(settings.warehouse_path)
    stories = Stories(warehouse, f"slack:{CHANNEL}")
    stories.add("Story A", {"W1": 0.95})
    stories.add("Story B", {"W2": 0.90})
    stories.add("Story C", {"W3": 0.85})
    fake_slack.fail_posts(Fault("ok"), Fault(fault))  # the second post is held open

    _kill_when_held(_start_child(settings.home, fake_slack, tmp_path), fake_slack)

    at_kill = {row["cluster_id"]: row["status"] for row in stories.ledger()}
    assert at_kill == {"item-1": "sent", "item-2": "sending", "item-3": "pending"}
    assert len(fake_slack.messages) == (2 if landed else 1)

    rerun = deliver_alerts(warehouse, settings)

    assert rerun.reconciled == (1 if landed else 0)
    assert rerun.sent == 2
    texts = sorted(m["text"].split(": ", 1)[1].split(" (")[0] for m in fake_slack.messages)
    assert texts == ["Story A", "Story B", "Story C"]
    keys = fake_slack.keys()
    assert len(keys) == len(set(keys)) == 3
    ledger = stories.ledger()
    assert all(row["status"] == "sent" for row in ledger)
    assert {row["slack_ts"] for row in ledger} == {m["ts"] for m in fake_slack.messages}
    assert deliver_alerts(warehouse, settings).sent == 0
    assert len(fake_slack.messages) == 3
