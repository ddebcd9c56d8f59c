"""An e-mailing process killed at the worst moments, then a re-run.

The child process runs the real email step against the real SMTP server and SIGKILLs
itself at one point of the first recipient's delivery (the point is patched in by the
child script, nothing in the code under test knows about it). The re-run must leave each
recipient with the edition, and never send twice what the ledger or the journal knows
was accepted.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from spacebrief.flows.steps.email_step import send_edition
from tests.alerts.conftest import REPO_ROOT
from tests.alerts.smtp_server import SmtpServer

CHILD = """
import json, os, signal, sys
from pathlib import Path
from spacebrief.alerts import email as alert_email, smtp as alert_smtp
from spacebrief.flows.steps import email_step as step
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps.digest_step import EditionSummary
from spacebrief.warehouse.ledger import WarehouseLedger

point = os.environ["KILL_AT"]
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
if point == "before-accept":      # the row is `sending`, the server has nothing
    alert_smtp.SmtpTransport.send = die
elif point == "after-accept":     # the server said 250; the journal has no line yet
    alert_email.SentJournal.record = die
elif point == "after-journal":    # accepted and journalled; the ledger still says `sending`
    WarehouseLedger.mark_sent = die
fields = json.loads(sys.argv[1])
edition = EditionSummary(**{k: Path(v) if k.endswith("_path") else v for k, v in fields.items()})
settings = Settings()
step.send_edition(settings.warehouse(), settings, edition)
"""


def _run_child(edition_home, settings, kill_at: str, tmp_path) -> subprocess.CompletedProcess:
    edition = edition_home.edition
    fields = {
        "edition_id": edition.edition_id,
        "edition_date": None,
        "days": edition.days,
        "items": edition.items,
        "markdown_path": str(edition.markdown_path),
        "html_path": str(edition.html_path),
        "json_path": str(edition.json_path),
        "title": edition.title,
    }
    env = {
        **os.environ,
        "KILL_AT": kill_at,
        "SPACEBRIEF_HOME": str(settings.home),
        "SPACEBRIEF_CONFIG": str(tmp_path / "absent.toml"),
        "SPACEBRIEF_SMTP_URL": settings.smtp_url.get_secret_value(),
        "SPACEBRIEF_EMAIL_TO": settings.email_to,
        "SPACEBRIEF_EMAIL_FROM": settings.email_from,
        "PYTHONPATH": str(REPO_ROOT),
    }
    return subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(fields)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kill_at", "at_kill", "copies_of_first", "reconciled", "resent"),
    [
        ("before-accept", 0, 1, 0, 1),
        ("after-journal", 1, 1, 1, 0),
        ("after-accept", 1, 2, 0, 1),
    ],
    ids=[
        "killed-before-the-server-accepted",
        "killed-after-acceptance-was-journalled-before-the-ledger-update",
        "killed-between-the-servers-250-and-the-journal",
    ],
)
def test_killed_mid_delivery_then_rerun_sends_each_recipient_the_edition(
    edition_home, tmp_path, kill_at, at_kill, copies_of_first, reconciled, resent
):
    with SmtpServer() as server:
        settings = edition_home.settings(server.url())

        child = _run_child(edition_home, settings, kill_at, tmp_path)
        assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
        states = {r["recipient"]: r["status"] for r in edition_home.ledger()}
        assert states == {"ana@example.org": "sending", "Ben@Example.org": "pending"}
        assert len(server.received) == at_kill

        rerun = send_edition(edition_home.warehouse, settings, edition_home.edition)
        last = send_edition(edition_home.warehouse, settings, edition_home.edition)

    assert (rerun.reconciled, rerun.resent) == (reconciled, resent)
    by_recipient: dict[str, list[str]] = {}
    for received in server.received:
        by_recipient.setdefault(received.rcpt_tos[0], []).append(received.message["Message-ID"])
    assert {r: len(ids) for r, ids in by_recipient.items()} == {
        "ana@example.org": copies_of_first,
        "Ben@Example.org": 1,
    }
    ledger = {r["recipient"]: r for r in edition_home.ledger()}
    for recipient, ids in by_recipient.items():
        assert set(ids) == {ledger[recipient]["message_id"]}  # a second copy: same Message-ID
    assert {r["status"] for r in ledger.values()} == {"sent"}
    assert last.sent == () and last.already == 2
