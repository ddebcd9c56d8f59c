"""The digest deployment's flow e-mails the edition it writes, once, under Prefect."""

from __future__ import annotations

import pytest

from spacebrief.flows.pipeline import digest_flow
from spacebrief.flows.settings import Settings
from tests.alerts.smtp_server import SmtpServer
from tests.digest.conftest import EDITION_DATE, fill, week_rows

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def test_the_digest_flow_emails_each_new_edition_once(home, monkeypatch):
    fill(Settings().warehouse(), week_rows())
    with SmtpServer() as server:
        monkeypatch.setenv("SPACEBRIEF_SMTP_URL", server.url())
        monkeypatch.setenv("SPACEBRIEF_EMAIL_TO", "ana@example.org")
        monkeypatch.setenv("SPACEBRIEF_EMAIL_FROM", "brief@spacebrief.example.org")

        first = digest_flow(edition_date=EDITION_DATE, days=7)
        digest_flow(edition_date=EDITION_DATE, days=7)  # a re-run of the same edition

    assert [r.rcpt_tos for r in server.received] == [["ana@example.org"]]
    message = server.received[0].message
    assert message["Subject"] == first.title
    assert message.get_body(preferencelist=("html",)) is not None


def test_the_digest_flow_sends_nothing_without_smtp(home):
    fill(Settings().warehouse(), week_rows())
    edition = digest_flow(edition_date=EDITION_DATE, days=7)
    with Settings().warehouse().read() as con:
        assert con.execute("SELECT count(*) FROM email_deliveries").fetchone()[0] == 0
    assert edition.edition_date == EDITION_DATE
