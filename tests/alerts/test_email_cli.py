"""`spacebrief digest --send` as a user sees it, against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from spacebrief.flows.cli import app
from spacebrief.flows.settings import Settings
from tests.alerts.smtp_server import PASSWORD, QUIET, USER, SmtpServer
from tests.digest.conftest import fill, week_rows

pytestmark = QUIET


@pytest.fixture
def cli_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SPACEBRIEF_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("SPACEBRIEF_EMAIL_TO", "ana@example.org,ben@example.org")
    monkeypatch.setenv("SPACEBRIEF_EMAIL_FROM", "brief@spacebrief.example.org")
    fill(Settings().warehouse(), week_rows())
    return home


def _send() -> object:
    return CliRunner().invoke(app, ["digest", "--date", "2025-03-24", "--send"])


def test_digest_send_emails_the_edition_once(cli_home, monkeypatch):
    with SmtpServer(auth=True) as server:
        monkeypatch.setenv("SPACEBRIEF_SMTP_URL", server.url(USER, PASSWORD))
        first = _send()
        second = _send()

    assert first.exit_code == 0, first.output
    assert "Wrote the 2025-03-24 edition" in first.output
    assert "E-mailed the 2025-03-24-7d edition to 2 of 2 recipient(s) in " in first.output
    assert second.exit_code == 0, second.output
    assert "to 0 of 2 recipient(s) (2 had it already)" in second.output
    assert sorted(r.rcpt_tos[0] for r in server.received) == ["ana@example.org", "ben@example.org"]
    assert PASSWORD not in first.output + second.output
    assert quote(PASSWORD, safe="") not in first.output + second.output


def test_digest_without_send_emails_nothing(cli_home, monkeypatch):
    with SmtpServer() as server:
        monkeypatch.setenv("SPACEBRIEF_SMTP_URL", server.url())
        result = CliRunner().invoke(app, ["digest", "--date", "2025-03-24"])
    assert result.exit_code == 0, result.output
    assert server.received == [] and "E-mailed" not in result.output


def test_a_refused_login_is_one_line_exit_1_and_the_password_is_never_shown(cli_home, monkeypatch):
    wrong = "Wrong-" + PASSWORD
    with SmtpServer(auth=True) as server:
        monkeypatch.setenv("SPACEBRIEF_SMTP_URL", server.url(USER, wrong))
        result = _send()

    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: The SMTP server 127.0.0.1:{server.port} refused the login of 'analyst' "
        "(535 5.7.8 Authentication credentials invalid): check the user and password in "
        "the mail server's URL (SPACEBRIEF_SMTP_URL)."
    ]
    assert "Traceback" not in result.output
    assert wrong not in result.output and quote(wrong, safe="") not in result.output
    assert server.received == []


def test_a_refused_recipient_is_reported_and_exits_1(cli_home, monkeypatch):
    with SmtpServer() as server:
        server.handler.refuse["ben@example.org"] = "550 5.1.1 No such mailbox"
        monkeypatch.setenv("SPACEBRIEF_SMTP_URL", server.url())
        result = _send()

    assert result.exit_code == 1
    assert "to 1 of 2 recipient(s)" in result.output
    assert "failed: ben@example.org: The SMTP server refused the recipient" in result.output
    assert [r.rcpt_tos for r in server.received] == [["ana@example.org"]]


def test_send_without_a_server_says_what_to_set(cli_home):
    result = _send()
    assert result.exit_code == 1
    assert "Error: No mail server is given" in result.output
    assert "(SPACEBRIEF_SMTP_URL)" in result.output  # the CLI names the variable


def test_an_unreachable_server_is_one_line_and_exit_1(cli_home, monkeypatch):
    from tests.alerts.smtp_server import free_port

    port = free_port()  # nothing listens there
    monkeypatch.setenv(
        "SPACEBRIEF_SMTP_URL", f"smtp://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}"
    )
    result = _send()

    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"Error: Could not reach the SMTP server 127.0.0.1:{port} (")
    assert errors[0].endswith("the edition stays pending for the next run.")
    assert PASSWORD not in result.output and quote(PASSWORD, safe="") not in result.output


def test_a_recipient_deferred_for_the_next_run_still_exits_1(cli_home, monkeypatch):
    """Before, a recipient the server asked to try later left exit code 0 for cron."""
    with SmtpServer() as server:
        server.handler.refuse["ben@example.org"] = "451 4.3.0 Try again later"
        monkeypatch.setenv("SPACEBRIEF_SMTP_URL", server.url())
        result = _send()

    assert result.exit_code == 1, result.output
    assert "pending for the next run: ben@example.org" in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "did not reach 1 recipient(s)" in errors[0]


def test_an_edition_of_an_empty_window_names_the_days_the_warehouse_has(cli_home):
    result = CliRunner().invoke(app, ["digest", "--date", "2026-12-01"])

    assert result.exit_code == 0, result.output
    assert "Its window holds no items" in result.output
    assert "the newest: 2025-03-24" in result.output
    assert "try the edition of 2025-03-24 over 7 days" in result.output
    assert "(`spacebrief digest --date 2025-03-24 --days 7`)" in result.output
    full = CliRunner().invoke(app, ["digest", "--date", "2025-03-24"])
    assert "Its window holds no items" not in full.output
