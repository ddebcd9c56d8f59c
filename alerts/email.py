"""The edition by e-mail: addresses, the message, and delivery exactly once per recipient.

The ledger (one row per edition and recipient: the one delivery ledger of
`alerts.types.Ledger`, the warehouse's `email_deliveries` rows) is written in this order
for every message:

1. `claim` (to `sending`), committed *before* the message leaves;
2. the SMTP transaction (MAIL, RCPT, DATA), answered 250 by the server;
3. a line in the accepted-messages journal (a local file, appended and fsynced);
4. `mark_sent`.

SMTP cannot be asked afterwards whether it accepted a message, so the journal is what
lets a run that follows a crash between 3 and 4 (or a warehouse too busy to record the
success) settle the row without sending again. A crash between the server's 250 and the
journal line (a window of one file append) leaves a row `sending` that is not in the
journal: the next run sends it again, under the same Message-ID, so clients that drop
duplicate Message-IDs show it once. A message the server never acknowledged is never
counted as sent.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Protocol

from spacebrief.alerts.exceptions import (
    EmailConfigurationError,
    EmailUnreachable,
    RecipientRefused,
)
from spacebrief.alerts.journal import append_json_line
from spacebrief.alerts.types import DeliveryStatus, EmailDelivery, Ledger

log = logging.getLogger(__name__)
# Owed rows: pending, or `sending` when an earlier run died (the same Message-ID goes again).
_CLAIMABLE = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ADDRESSES = {"email_from": "The sender address holds", "email_to": "The recipients hold"}


def parse_address(value: str, setting: str) -> str:
    """One bare address (`name@domain`), or a one-sentence error carrying the setting (a
    Settings field: "email_from", "email_to") the address came from."""
    text = value.strip()
    problem = None
    if not text or _CONTROL.search(text) or "<" in text or ">" in text:
        problem = "not an e-mail address"
    else:
        try:
            address = Address(addr_spec=text)
        except (ValueError, IndexError):
            problem = "not an e-mail address"
        else:
            if not address.username or "." not in address.domain.strip("."):
                problem = "not an e-mail address"
    if problem:
        shown = _CONTROL.sub("?", text)[:80]
        what = _ADDRESSES.get(setting, "The address holds")
        raise EmailConfigurationError(
            f"{what} {shown!r}, which is {problem} (expected name@domain.org; "
            "separate several addresses with commas).",
            setting=setting,
        )
    return text


def parse_recipients(value: str | None) -> list[str]:
    """Comma-separated recipients, validated, without repeats (case-blind)."""
    if not value or not value.strip():
        raise EmailConfigurationError(
            "No recipient is given: give the comma-separated addresses the edition goes to.",
            setting="email_to",
        )
    found: dict[str, str] = {}
    for part in value.split(","):
        if part.strip():
            address = parse_address(part, "email_to")
            found.setdefault(address.lower(), address)
    if not found:
        raise EmailConfigurationError("The recipients hold no address.", setting="email_to")
    return list(found.values())


def message_id_for(edition_id: str, recipient: str, sender: str) -> str:
    """Stable for an (edition, recipient): a copy sent again after a crash is recognisable."""
    digest = hashlib.sha256(f"{edition_id}|{recipient.lower()}".encode()).hexdigest()[:16]
    domain = sender.rsplit("@", 1)[-1]
    safe_edition = re.sub(r"[^A-Za-z0-9.-]", "-", edition_id)
    return f"<{safe_edition}.{digest}@{domain}>"


def one_line(text: str) -> str:
    """Header text from anywhere: control characters and line breaks become spaces."""
    return " ".join(_CONTROL.sub(" ", text).split())


@dataclass(frozen=True)
class EditionEmail:
    """What every recipient receives: the edition's HTML and its plain-text twin."""

    edition_id: str
    subject: str
    html: str
    text: str
    sender: str


def build_message(email: EditionEmail, delivery: EmailDelivery) -> EmailMessage:
    """One message per recipient (nobody sees the other addresses).

    Headers go through `EmailMessage`, which refuses line breaks in a value; the subject
    is flattened first, so a title holding CR/LF can neither add a header nor fail the run.
    """
    message = EmailMessage()
    message["Subject"] = one_line(email.subject) or f"spacebrief edition {email.edition_id}"
    message["From"] = email.sender
    message["To"] = delivery.recipient
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = delivery.message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Spacebrief-Edition"] = one_line(email.edition_id)
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


class SentJournal:
    """Message-IDs the server accepted, one JSON line each, fsynced before the ledger update."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def accepted(self) -> set[str]:
        """Every complete line; a line torn by a crash mid-write is not a record."""
        if not self.path.exists():
            return set()
        found = set()
        for raw in self.path.read_text("utf-8").splitlines():
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if isinstance(line, dict) and isinstance(line.get("message_id"), str):
                found.add(line["message_id"])
        return found

    def record(self, delivery: EmailDelivery) -> None:
        line = {
            "message_id": delivery.message_id,
            "edition_id": delivery.edition_id,
            "recipient": delivery.recipient,
            "accepted_at": datetime.now(UTC).isoformat(),
        }
        append_json_line(self.path, line)


class MailTransport(Protocol):
    """An open SMTP session (see `alerts.smtp.SmtpTransport`)."""

    def open(self) -> None:
        """Connect, secure and log in; raise EmailConfigurationError or EmailUnreachable."""
        ...

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Return once the server accepted the message; raise RecipientRefused otherwise."""
        ...

    def close(self) -> None: ...


@dataclass
class EmailReport:
    sent: list[str] = field(default_factory=list)  # recipients the server accepted this run
    reconciled: list[str] = field(default_factory=list)  # found in the journal after a crash
    resent: list[str] = field(default_factory=list)  # interrupted before the journal: sent again
    failed: list[tuple[str, str]] = field(default_factory=list)  # (recipient, why)
    deferred: list[tuple[str, str]] = field(default_factory=list)  # 4xx: pending, next run
    stopped_by: str | None = None


def _settle_interrupted(
    deliveries: Sequence[EmailDelivery],
    journal: SentJournal,
    ledger: Ledger,
    report: EmailReport,
) -> list[EmailDelivery]:
    accepted = journal.accepted()
    remaining = []
    for delivery in deliveries:
        if delivery.message_id in accepted:
            ledger.mark_sent([delivery.ledger_id])
            report.reconciled.append(delivery.recipient)
            continue
        if delivery.status == DeliveryStatus.SENDING:
            report.resent.append(delivery.recipient)
            log.warning(
                "An earlier run was interrupted while e-mailing %s the edition %s, before the "
                "server's acceptance was recorded: sending it again under the same Message-ID.",
                delivery.recipient,
                delivery.edition_id,
            )
        remaining.append(delivery)
    return remaining


def deliver_edition(
    email: EditionEmail,
    deliveries: Iterable[EmailDelivery],
    *,
    transport: MailTransport,
    ledger: Ledger,
    journal: SentJournal,
) -> EmailReport:
    """Send the edition to each owed recipient over one SMTP session.

    A refused login or a wrong setting raises `EmailConfigurationError` with every
    delivery left pending; an unreachable server raises `EmailUnreachable` the same way
    (after counting the attempt). A refused recipient is recorded (failed for a 5xx,
    pending for a 4xx) and the others still go out.
    """
    report = EmailReport()
    owed = _settle_interrupted(list(deliveries), journal, ledger, report)
    if not owed:
        return report
    try:
        transport.open()
    except EmailConfigurationError as error:
        ledger.mark_unsent([d.ledger_id for d in owed], str(error), count_attempt=False)
        raise
    except EmailUnreachable as error:
        ledger.mark_unsent([d.ledger_id for d in owed], str(error), count_attempt=True)
        raise
    try:
        for done, delivery in enumerate(owed):
            row = [delivery.ledger_id]
            ledger.claim(row, delivery.message_id, from_states=_CLAIMABLE)
            try:
                transport.send(build_message(email, delivery), email.sender, delivery.recipient)
            except RecipientRefused as error:
                if error.permanent:
                    ledger.mark_failed(row, str(error))
                    report.failed.append((delivery.recipient, str(error)))
                else:
                    ledger.mark_unsent(row, str(error), count_attempt=True)
                    report.deferred.append((delivery.recipient, str(error)))
                continue
            except (EmailConfigurationError, EmailUnreachable) as error:
                count = isinstance(error, EmailUnreachable)
                rest = [d.ledger_id for d in owed[done:]]
                ledger.mark_unsent(rest, str(error), count_attempt=count)
                raise
            journal.record(delivery)
            ledger.mark_sent(row)
            report.sent.append(delivery.recipient)
    finally:
        transport.close()
    return report
