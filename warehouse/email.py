"""The e-mail rows of the delivery ledger: one per (edition, recipient), owed once.

States: pending -> sending -> sent | failed (attempts, last error). `sending` is committed
before the SMTP transaction starts; what a run does with rows it finds `sending` is in
`alerts/email.py`, and the state changes are the one ledger's (`warehouse.ledger`,
`EMAIL_DELIVERIES`); this module adds the rows and reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb

from spacebrief.alerts.types import DeliveryStatus, EmailDelivery

_COLUMNS = "edition_id, recipient, message_id, status, attempts, last_error"


def insert_owed(
    con: duckdb.DuckDBPyConnection, edition_id: str, recipients: Sequence[tuple[str, str]]
) -> int:
    """Rows for (recipient, message_id) pairs not yet owed this edition; how many are new.

    Existing rows are left as they are, whatever their state: an edition is owed once.
    """
    now = datetime.now(UTC)
    added = 0
    for recipient, message_id in recipients:
        added += len(
            con.execute(
                "INSERT INTO email_deliveries (edition_id, recipient, message_id, status, "
                "attempts, created_at, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?) "
                "ON CONFLICT DO NOTHING RETURNING recipient",
                [edition_id, recipient, message_id, now, now],
            ).fetchall()
        )
    return added


def _delivery(row: tuple) -> EmailDelivery:
    edition_id, recipient, message_id, status, attempts, last_error = row
    return EmailDelivery(
        edition_id, recipient, message_id, DeliveryStatus(status), attempts, last_error
    )


def deliveries(
    con: duckdb.DuckDBPyConnection, edition_id: str, recipients: Sequence[str] | None = None
) -> list[EmailDelivery]:
    """This edition's rows (for the given recipients when named), in the order created."""
    rows = con.execute(
        f"SELECT {_COLUMNS} FROM email_deliveries WHERE edition_id = $edition "
        "AND ($recipients IS NULL OR list_contains($recipients, recipient)) "
        "ORDER BY created_at, recipient",
        {"edition": edition_id, "recipients": list(recipients) if recipients else None},
    ).fetchall()
    return [_delivery(row) for row in rows]
