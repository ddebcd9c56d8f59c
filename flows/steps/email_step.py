"""The email step: send a written edition to SPACEBRIEF_EMAIL_TO, once per recipient.

Reads the settings, adds the ledger rows (edition, recipient, Message-ID) in one
transaction, then hands `alerts.email.deliver_edition` a ledger backed by the warehouse:
every state change is its own short write connection, committed before the next SMTP
command, so the DuckDB file is never held while the mail server is slow.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from spacebrief.alerts.email import (
    EditionEmail,
    SentJournal,
    deliver_edition,
    message_id_for,
    parse_address,
    parse_recipients,
)
from spacebrief.alerts.exceptions import EmailConfigurationError, EmailError
from spacebrief.alerts.smtp import SmtpTransport, parse_smtp_url
from spacebrief.alerts.types import DeliveryStatus, EmailDelivery
from spacebrief.flows.settings import Settings
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse import email as email_sql

if TYPE_CHECKING:
    from spacebrief.flows.steps.digest_step import EditionSummary

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # across runs, before a delivery that keeps failing is `failed`


@dataclass(frozen=True)
class EmailSummary:
    edition_id: str
    recipients: int
    sent: tuple[str, ...]
    already: int  # recipients who had it from an earlier run
    reconciled: int = 0
    resent: int = 0
    failed: tuple[tuple[str, str], ...] = ()
    deferred: tuple[tuple[str, str], ...] = ()
    duration_seconds: float = 0.0

    @property
    def undelivered(self) -> bool:
        return bool(self.failed or self.deferred)

    def undelivered_sentence(self) -> str:
        return (
            f"The {self.edition_id} edition did not reach {len(self.failed) + len(self.deferred)}"
            " recipient(s); the ledger keeps them: the next `digest --send` tries the "
            "pending ones again."
        )

    def describe(self) -> str:
        sentence = (
            f"E-mailed the {self.edition_id} edition to {len(self.sent) + self.reconciled} of "
            f"{self.recipients} recipient(s)"
        )
        notes = []
        if self.already:
            notes.append(f"{self.already} had it already")
        if self.reconciled:
            notes.append(f"{self.reconciled} confirmed from an interrupted run")
        if self.resent:
            notes.append(f"{self.resent} sent again after an interrupted run, same Message-ID")
        if notes:
            sentence += f" ({'; '.join(notes)})"
        sentence += f" in {self.duration_seconds:.1f} s"
        for recipient, why in self.failed:
            sentence += f"; failed: {recipient}: {why}"
        for recipient, why in self.deferred:
            sentence += f"; pending for the next run: {recipient}: {why}"
        return sentence + "."


def email_configured(settings: Settings) -> bool:
    return settings.smtp_url is not None and bool(settings.smtp_url.get_secret_value().strip())


class WarehouseEmailLedger:
    """The e-mail ledger on the warehouse; every write is committed when it returns."""

    def __init__(self, warehouse: Warehouse, max_attempts: int = MAX_ATTEMPTS) -> None:
        self.warehouse = warehouse
        self.max_attempts = max_attempts

    def mark_sending(self, delivery: EmailDelivery) -> None:
        with self.warehouse.write() as con:
            email_sql.mark_sending(con, delivery)

    def mark_sent(self, delivery: EmailDelivery) -> None:
        with self.warehouse.write() as con:
            email_sql.mark_sent(con, delivery)

    def mark_unsent(self, delivery: EmailDelivery, error: str, *, count_attempt: bool) -> None:
        with self.warehouse.write() as con:
            email_sql.mark_unsent(
                con, delivery, error, count_attempt=count_attempt, max_attempts=self.max_attempts
            )

    def mark_failed(self, delivery: EmailDelivery, error: str) -> None:
        with self.warehouse.write() as con:
            email_sql.mark_failed(con, delivery, error)


def _read(path: Path | None, what: str) -> str:
    if path is None:
        raise EmailError(f"The edition has no {what} file to send.")
    try:
        return Path(path).read_text("utf-8")
    except OSError as error:
        raise EmailError(
            f"Cannot read the edition's {what} file {path} ({error.strerror or error}): "
            "rebuild it with `spacebrief digest --date ... --days ...`."
        ) from None


def send_edition(warehouse: Warehouse, settings: Settings, edition: EditionSummary) -> EmailSummary:
    """E-mail `edition` (its HTML, with its plain-text rendering as the text part) to each
    recipient that does not have it yet."""
    started = time.perf_counter()
    if not email_configured(settings):
        raise EmailConfigurationError(
            "SPACEBRIEF_SMTP_URL is not set: give the mail server, e.g. "
            "smtp+starttls://user:password@mail.example.org:587."
        )
    assert settings.smtp_url is not None
    server = parse_smtp_url(settings.smtp_url.get_secret_value())
    recipients = parse_recipients(settings.email_to)
    if not settings.email_from:
        raise EmailConfigurationError(
            "SPACEBRIEF_EMAIL_FROM is not set: give the sender address, e.g. "
            "spacebrief@example.org."
        )
    sender = parse_address(settings.email_from, "SPACEBRIEF_EMAIL_FROM")
    edition_id = str(edition.edition_id)
    email = EditionEmail(
        edition_id=edition_id,
        subject=edition.title or f"spacebrief edition {edition.edition_date}",
        html=_read(edition.html_path, "HTML"),
        text=_read(edition.text_path, "plain-text")
        if edition.text_path is not None
        else _read(edition.markdown_path, "Markdown"),
        sender=sender,
    )
    with warehouse.delivering():  # one delivery at a time: `sending` rows are a dead run's
        with warehouse.write() as con, transaction(con):
            email_sql.insert_owed(
                con, edition_id, [(r, message_id_for(edition_id, r, sender)) for r in recipients]
            )
            rows = email_sql.deliveries(con, edition_id, recipients)
        order = {recipient: n for n, recipient in enumerate(recipients)}
        rows.sort(key=lambda row: order[row.recipient])  # as SPACEBRIEF_EMAIL_TO lists them
        owed = [r for r in rows if r.status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING)]
        already = sum(1 for row in rows if row.status == DeliveryStatus.SENT)
        report = deliver_edition(
            email,
            owed,
            transport=SmtpTransport(server, timeout=settings.smtp_timeout_seconds),
            ledger=WarehouseEmailLedger(warehouse),
            journal=SentJournal(settings.email_journal_path),
        )
    earlier_failures = tuple(
        (row.recipient, row.last_error or "failed in an earlier run")
        for row in rows
        if row.status == DeliveryStatus.FAILED
    )
    summary = EmailSummary(
        edition_id=edition_id,
        recipients=len(recipients),
        sent=tuple(report.sent),
        already=already,
        reconciled=len(report.reconciled),
        resent=len(report.resent),
        failed=(*earlier_failures, *report.failed),
        deferred=tuple(report.deferred),
        duration_seconds=time.perf_counter() - started,
    )
    log.info("%s", summary.describe())
    return summary
