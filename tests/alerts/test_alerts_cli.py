"""`spacebrief alerts [--dry-run] [--retry-failed]` as a user sees it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from spacebrief.flows.cli import app
from spacebrief.flows.settings import Settings
from spacebrief.warehouse import Warehouse
from tests.alerts.conftest import Stories
from tests.alerts.slack_server import CHANNEL


@pytest.fixture
def cli_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SPACEBRIEF_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "200")
    return home


def test_dry_run_shows_the_messages_and_changes_nothing(cli_home):
    settings = Settings()
    stories = Stories(Warehouse(settings.warehouse_path), "outbox")
    stories.add("Egypt signs <!channel> ILRS memorandum", {"W1": 0.81})

    result = CliRunner().invoke(app, ["alerts", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Would send to outbox" in result.output
    assert "Egypt signs &lt;!channel&gt; ILRS memorandum" in result.output
    assert "1 message(s) would go to outbox" in result.output
    assert stories.ledger()[0]["status"] == "pending"
    assert not settings.outbox_path.exists()


def test_alerts_command_delivers_and_reports_in_one_sentence(cli_home):
    settings = Settings()
    Stories(Warehouse(settings.warehouse_path), "outbox").add("Egypt joins ILRS", {"W1": 0.8})

    result = CliRunner().invoke(app, ["alerts"])

    assert result.exit_code == 0, result.output
    assert "Sent 1 alert(s) to outbox in 1 message(s); 0 pending, 0 failed." in result.output
    assert settings.outbox_path.exists()


def test_a_wrong_token_is_one_line_and_exit_1(cli_home, fake_slack, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-wrong")
    monkeypatch.setenv("SLACK_CHANNEL", CHANNEL)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    settings = Settings()
    stories = Stories(Warehouse(settings.warehouse_path), f"slack:{CHANNEL}")
    stories.add("Egypt joins ILRS", {"W1": 0.8})

    result = CliRunner().invoke(app, ["alerts"])

    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: Slack rejected the bot token")
    assert lines[0].endswith("(SLACK_BOT_TOKEN).")  # the CLI names the variable
    assert "Traceback" not in result.output
    assert "xoxb-wrong" not in result.output
    assert stories.ledger()[0]["status"] == "pending"


@pytest.mark.parametrize("kind", ["bot", "webhook"])
def test_an_unreachable_slack_exits_1_and_the_alerts_stay_pending(cli_home, monkeypatch, kind):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    if kind == "bot":
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
        monkeypatch.setenv("SLACK_CHANNEL", CHANNEL)
        monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{port}/api/")
        destination = f"slack:{CHANNEL}"
    else:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", f"http://127.0.0.1:{port}/services/T/B/x")
        destination = "webhook"
    monkeypatch.setenv("SPACEBRIEF_ALERT_BACKOFF_SECONDS", "0.01")
    stories = Stories(Warehouse(Settings().warehouse_path), destination)
    stories.add("Egypt joins ILRS", {"W1": 0.8})

    result = CliRunner().invoke(app, ["alerts"])

    assert result.exit_code == 1, result.output
    assert "1 pending" in result.output and "Stopped early" in result.output
    assert "Traceback" not in result.output
    assert [row["status"] for row in stories.ledger()] == ["pending"]
