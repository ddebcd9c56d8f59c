"""The edition by e-mail, against a real SMTP server on 127.0.0.1 (aiosmtpd).

Each case sends the real edition of the digest tests' week (its HTML, its Markdown as the
plain-text part) and ends with every recipient holding it once, or its ledger row saying
why not.
"""

from __future__ import annotations

import logging
import re
from email import message_from_bytes, policy
from urllib.parse import quote

import pytest

from spacebrief.alerts.email import EditionEmail, build_message, parse_recipients
from spacebrief.alerts.exceptions import EmailConfigurationError, EmailUnreachable
from spacebrief.alerts.smtp import parse_smtp_url
from spacebrief.alerts.types import EmailDelivery
from spacebrief.flows.steps.email_step import send_edition
from tests.alerts.smtp_server import (
    PASSWORD,
    QUIET,
    USER,
    SmtpServer,
    free_port,
    self_signed_certificate,
)

pytestmark = QUIET


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1, trusted through SSL_CERT_FILE as a private
    CA would be."""
    pair = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(pair[0]))
    return pair


def _parts(message):
    html = message.get_body(preferencelist=("html",))
    text = message.get_body(preferencelist=("plain",))
    return html.get_content(), text.get_content()


def test_each_recipient_gets_the_html_and_text_edition_once(edition_home):
    with SmtpServer() as server:
        settings = edition_home.settings(server.url())

        first = send_edition(edition_home.warehouse, settings, edition_home.edition)
        again = send_edition(edition_home.warehouse, settings, edition_home.edition)

    assert first.sent == ("ana@example.org", "Ben@Example.org")
    assert again.sent == () and again.already == 2
    assert "to 0 of 2 recipient(s) (2 had it already)" in again.describe()
    assert [r.rcpt_tos for r in server.received] == [["ana@example.org"], ["Ben@Example.org"]]
    ledger = {row["recipient"]: row for row in edition_home.ledger()}
    html_file = edition_home.edition.html_path.read_text("utf-8")
    text_file = edition_home.edition.text_path.read_text("utf-8")
    for received in server.received:
        message = received.message
        [recipient] = received.rcpt_tos
        assert received.mail_from == "brief@spacebrief.example.org"
        assert message["To"] == recipient
        assert message["From"] == "brief@spacebrief.example.org"
        assert message["Subject"] == edition_home.edition.title
        assert message["Message-ID"] == ledger[recipient]["message_id"]
        assert message["Message-ID"].endswith("@spacebrief.example.org>")
        assert message.get_content_type() == "multipart/alternative"
        html, text = _parts(message)
        assert html.replace("\r\n", "\n") == html_file  # SMTP carries CRLF line ends
        assert text.replace("\r\n", "\n") == text_file
        assert "&lt;script&gt;alert" in html and "<script>" not in html
        assert text.startswith("SPACE CHINA, RUSSIA AND GLOBAL SOUTH")
    assert len({r.message["Message-ID"] for r in server.received}) == 2
    assert {row["status"] for row in ledger.values()} == {"sent"}


def test_starttls_with_a_login_delivers_and_never_logs_the_password(
    edition_home, certificate, caplog
):
    caplog.set_level(logging.DEBUG)
    with SmtpServer(security="starttls", auth=True, certificate=certificate) as server:
        settings = edition_home.settings(server.url(USER, PASSWORD), email_to="ana@example.org")
        summary = send_edition(edition_home.warehouse, settings, edition_home.edition)

    assert summary.sent == ("ana@example.org",)
    assert len(server.received) == 1
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings.public_dict())


def test_implicit_tls_delivers(edition_home, certificate):
    with SmtpServer(security="tls", auth=True, certificate=certificate) as server:
        settings = edition_home.settings(server.url(USER, PASSWORD), email_to="ana@example.org")
        summary = send_edition(edition_home.warehouse, settings, edition_home.edition)

    assert summary.sent == ("ana@example.org",)
    assert server.received[0].rcpt_tos == ["ana@example.org"]


def test_a_login_over_plain_smtp_works_with_a_warning(edition_home, caplog):
    with SmtpServer(auth=True) as server:
        settings = edition_home.settings(server.url(USER, PASSWORD), email_to="ana@example.org")
        summary = send_edition(edition_home.warehouse, settings, edition_home.edition)

    assert summary.sent == ("ana@example.org",)
    assert "password crosses the network unencrypted" in caplog.text
    assert PASSWORD not in caplog.text


def test_a_refused_login_is_one_sentence_without_the_password_and_sends_nothing(edition_home):
    with SmtpServer(auth=True) as server:
        wrong = "wr0ng-" + PASSWORD
        settings = edition_home.settings(server.url(USER, wrong))
        with pytest.raises(EmailConfigurationError) as caught:
            send_edition(edition_home.warehouse, settings, edition_home.edition)
        message = str(caught.value)
        assert message.startswith(f"The SMTP server 127.0.0.1:{server.port} refused the login")
        assert "check the user and password in the mail server's URL" in message
        assert caught.value.setting == "smtp_url"
        assert wrong not in message and "\n" not in message
        assert server.received == []
        assert [(r["status"], r["attempts"]) for r in edition_home.ledger()] == [("pending", 0)] * 2
        assert all(wrong not in (r["last_error"] or "") for r in edition_home.ledger())

        fixed = edition_home.settings(server.url(USER, PASSWORD))
        assert len(send_edition(edition_home.warehouse, fixed, edition_home.edition).sent) == 2


def test_an_unreachable_server_is_one_sentence_and_leaves_the_edition_pending(edition_home):
    port = free_port()  # nothing listens there
    url = f"smtp+starttls://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}"
    settings = edition_home.settings(url)

    with pytest.raises(EmailUnreachable) as caught:
        send_edition(edition_home.warehouse, settings, edition_home.edition)

    message = str(caught.value)
    assert message.startswith(f"Could not reach the SMTP server 127.0.0.1:{port} (")
    assert message.endswith("the edition stays pending for the next run.")
    assert PASSWORD not in message
    assert [(r["status"], r["attempts"]) for r in edition_home.ledger()] == [("pending", 1)] * 2


def test_a_refused_recipient_is_marked_failed_and_the_others_are_sent(edition_home):
    with SmtpServer() as server:
        server.handler.refuse["nobody@example.org"] = "550 5.1.1 No such mailbox"
        to = "ana@example.org, nobody@example.org, ben@example.org"
        settings = edition_home.settings(server.url(), email_to=to)

        summary = send_edition(edition_home.warehouse, settings, edition_home.edition)
        again = send_edition(edition_home.warehouse, settings, edition_home.edition)

    assert summary.sent == ("ana@example.org", "ben@example.org")
    assert summary.failed == (
        (
            "nobody@example.org",
            "The SMTP server refused the recipient nobody@example.org (550 5.1.1 No such mailbox).",
        ),
    )
    assert "failed: nobody@example.org" in summary.describe()
    assert sorted(r.rcpt_tos[0] for r in server.received) == ["ana@example.org", "ben@example.org"]
    status = {r["recipient"]: r["status"] for r in edition_home.ledger()}
    assert status == {
        "ana@example.org": "sent",
        "ben@example.org": "sent",
        "nobody@example.org": "failed",
    }
    assert again.sent == () and len(again.failed) == 1  # not retried, still reported
    assert len(server.received) == 2


def test_a_temporary_refusal_stays_pending_and_goes_out_next_run(edition_home):
    with SmtpServer() as server:
        server.handler.refuse["ana@example.org"] = "450 4.2.1 Mailbox busy, try later"
        settings = edition_home.settings(server.url(), email_to="ana@example.org")

        first = send_edition(edition_home.warehouse, settings, edition_home.edition)
        assert first.sent == () and first.deferred
        assert edition_home.ledger()[0]["status"] == "pending"

        server.handler.refuse.clear()
        assert send_edition(edition_home.warehouse, settings, edition_home.edition).sent == (
            "ana@example.org",
        )
    assert len(server.received) == 1


def test_an_untrusted_certificate_is_refused_in_one_sentence(edition_home, tmp_path):
    certificate = self_signed_certificate(tmp_path)  # not added to SSL_CERT_FILE
    with SmtpServer(security="starttls", auth=True, certificate=certificate) as server:
        settings = edition_home.settings(server.url(USER, PASSWORD))
        with pytest.raises(EmailConfigurationError, match="is not trusted") as caught:
            send_edition(edition_home.warehouse, settings, edition_home.edition)
    assert "SSL_CERT_FILE" in str(caught.value) and PASSWORD not in str(caught.value)
    assert server.received == []


def test_a_subject_holding_line_breaks_cannot_add_headers(edition_home):
    email = EditionEmail(
        edition_id="2025-03-24-7d",
        subject="Edition\r\nBcc: victim@evil.example\r\nX-Injected: yes",
        html="<p>hi</p>",
        text="hi",
        sender="brief@spacebrief.example.org",
    )
    delivery = EmailDelivery("2025-03-24-7d", "ana@example.org", "<id@spacebrief>", "pending")
    message = message_from_bytes(build_message(email, delivery).as_bytes(), policy=policy.default)

    assert message["Subject"] == "Edition Bcc: victim@evil.example X-Injected: yes"
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message.get_all("Subject") == [message["Subject"]]


@pytest.mark.parametrize(
    "value",
    ["ana@example.org\r\nBcc: victim@evil.example", "not-an-address", "a@b", "Ana <a@b.org>"],
)
def test_recipients_that_are_not_plain_addresses_are_refused(value):
    with pytest.raises(EmailConfigurationError, match="The recipients hold") as caught:
        parse_recipients(f"ok@example.org, {value}")
    assert "\n" not in str(caught.value) and "\r" not in str(caught.value)
    assert caught.value.setting == "email_to"


def test_recipients_are_split_trimmed_and_deduplicated():
    assert parse_recipients(" a@example.org,, B@example.org , b@EXAMPLE.org ") == [
        "a@example.org",
        "B@example.org",
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("plain", "mail.example.org", 25, None)),
        ("smtps://mail.example.org", ("tls", "mail.example.org", 465, None)),
        (
            "smtp+starttls://u%40x:p%3Aw@mail.example.org:2587",
            ("starttls", "mail.example.org", 2587, "u@x"),
        ),
    ],
)
def test_smtp_urls(url, expected):
    server = parse_smtp_url(url)
    assert (server.security, server.host, server.port, server.username) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://user:hunter2-secret@mail.example.org",
        "smtp://user:hunter2-secret@mail.example.org:notaport",
        "smtp://user:hunter2-secret@mail.example.org/path",
        "smtp://:hunter2-secret@mail.example.org",
    ],
)
def test_a_wrong_smtp_url_is_refused_without_showing_the_password(url):
    with pytest.raises(EmailConfigurationError, match="mail server's URL must look") as caught:
        parse_smtp_url(url)
    assert "hunter2" not in str(caught.value)
    assert caught.value.setting == "smtp_url"


def test_the_password_is_redacted_from_anything_a_server_echoes():
    server = parse_smtp_url("smtp+starttls://analyst:s3cret@mail.example.org")
    assert "s3cret" not in repr(server)
    echoed = "535 bad AUTH AGFuYWx5c3QAczNjcmV0 for s3cret"  # base64 of \0analyst\0s3cret
    assert server.redact(echoed) == "535 bad AUTH *** for ***"


def test_a_warehouse_too_busy_to_record_the_success_is_settled_from_the_journal(
    edition_home, monkeypatch
):
    from spacebrief.warehouse.exceptions import WarehouseLocked
    from spacebrief.warehouse.ledger import WarehouseLedger

    real_mark_sent = WarehouseLedger.mark_sent

    def busy(self, delivery):
        raise WarehouseLocked("The warehouse is in use by another process.")

    with SmtpServer() as server:
        settings = edition_home.settings(server.url())
        monkeypatch.setattr(WarehouseLedger, "mark_sent", busy)
        with pytest.raises(WarehouseLocked):
            send_edition(edition_home.warehouse, settings, edition_home.edition)
        states = {r["recipient"]: r["status"] for r in edition_home.ledger()}
        assert states == {"ana@example.org": "sending", "Ben@Example.org": "pending"}

        monkeypatch.setattr(WarehouseLedger, "mark_sent", real_mark_sent)
        rerun = send_edition(edition_home.warehouse, settings, edition_home.edition)

    assert rerun.reconciled == 1 and rerun.sent == ("Ben@Example.org",)
    assert [r.rcpt_tos[0] for r in server.received] == ["ana@example.org", "Ben@Example.org"]
    assert {r["status"] for r in edition_home.ledger()} == {"sent"}


def test_the_text_part_reads_as_text_with_no_markdown_or_trend_codes(edition_home) -> None:
    """Issue 26: the plain-text part was the raw Markdown (`### 🔺 Rising:`, backticked
    sparklines, trend codes)."""
    with SmtpServer() as server:
        settings = edition_home.settings(server.url(), email_to="ana@example.org")
        send_edition(edition_home.warehouse, settings, edition_home.edition)
    [received] = server.received
    _, text = _parts(received.message)
    assert "TREND ANALYSIS\n==============" in text.replace("\r\n", "\n")
    for syntax in ("###", "`", "**", "](", "▁", "█"):
        assert syntax not in text, syntax
    assert re.findall(r"\b[RDW][1-7]\b", text) == []
    assert "[1]" in text  # citations stay, as plain numbers
