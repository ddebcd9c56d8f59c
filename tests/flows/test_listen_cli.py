"""`spacebrief listen` as an operator runs it: the feedback listener over Socket Mode
from the command line (the listener itself is tested through the library in
tests/alerts/test_feedback_buttons.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from spacebrief.flows.cli import app
from tests.alerts.conftest import REPO_ROOT
from tests.alerts.slack_server import APP_TOKEN, CHANNEL, TOKEN
from tests.alerts.test_feedback_buttons import posted, rows, wait_until

__all__ = ["posted"]  # the fixture, shared with the library's tests


@pytest.fixture(autouse=True)
def _no_config_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPACEBRIEF_CONFIG", str(tmp_path / "absent.toml"))
    for name in ("SLACK_BOT_TOKEN", "SLACK_CHANNEL", "SLACK_WEBHOOK_URL", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.slow
def test_spacebrief_listen_holds_the_connection_alone(posted, fake_slack, tmp_path):
    settings, warehouse, _ = posted
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "SPACEBRIEF_HOME": str(settings.home),
        "SPACEBRIEF_CONFIG": str(tmp_path / "absent.toml"),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_CHANNEL": CHANNEL,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake_slack.api_url,
    }
    child = subprocess.Popen(
        [sys.executable, "-c", "from spacebrief.flows.cli import main; main()", "listen"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_until(fake_slack.connected, 30), child.stderr
        fake_slack.click(fake_slack.messages[0], "right", user_name="ana")
        assert wait_until(lambda: rows(warehouse, "SELECT * FROM feedback"), 15)
    finally:
        child.send_signal(signal.SIGTERM)
        out, _ = child.communicate(timeout=20)
    assert "Listening for Slack feedback buttons over Socket Mode" in out
    assert child.returncode == 0


def test_listen_refuses_a_rejected_app_token_in_one_sentence(posted, fake_slack, monkeypatch):
    settings, _, _ = posted
    monkeypatch.setenv("SPACEBRIEF_HOME", str(settings.home))
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_CHANNEL", CHANNEL)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-revoked")
    result = CliRunner().invoke(app, ["listen"])
    assert result.exit_code == 1
    assert "Slack rejected the app-level token (invalid_auth)" in result.output
    assert "(SLACK_APP_TOKEN)" in result.output
    assert "xapp-1-revoked" not in result.output
