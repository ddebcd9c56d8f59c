"""The e-mail ledger: one row per (edition, recipient), keyed so an edition is owed once.

States: pending -> sending -> sent | failed (attempts, last error). `sending` is committed
before the SMTP transaction starts; what a run does with rows it finds `sending` is in
`alerts/email.py`.
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


def _update(con: duckdb.DuckDBPyConnection, sql: str, d: EmailDelivery, **params: object) -> None:
    con.execute(
        f"UPDATE email_deliveries SET {sql}, updated_at = $now "
        "WHERE edition_id = $edition AND recipient = $recipient",
        {"edition": d.edition_id, "recipient": d.recipient, "now": datetime.now(UTC), **params},
    )


def mark_sending(con: duckdb.DuckDBPyConnection, delivery: EmailDelivery) -> None:
    _update(con, "status = 'sending'", delivery)


def mark_sent(con: duckdb.DuckDBPyConnection, delivery: EmailDelivery) -> None:
    _update(
        con,
        "status = 'sent', attempts = attempts + 1, last_error = NULL, sent_at = $now",
        delivery,
    )


def mark_unsent(
    con: duckdb.DuckDBPyConnection,
    delivery: EmailDelivery,
    error: str,
    *,
    count_attempt: bool,
    max_attempts: int,
) -> None:
    """Back to pending with the error, or failed once the attempts reach `max_attempts`."""
    _update(
        con,
        "attempts = attempts + $inc, last_error = $error, "
        "status = CASE WHEN attempts + $inc >= $max THEN 'failed' ELSE 'pending' END",
        delivery,
        inc=1 if count_attempt else 0,
        error=error,
        max=max_attempts,
    )


def mark_failed(con: duckdb.DuckDBPyConnection, delivery: EmailDelivery, error: str) -> None:
    sql = "status = 'failed', attempts = attempts + 1, last_error = $error"
    _update(con, sql, delivery, error=error)
