"""The one delivery ledger: Slack alerts, edition posts and e-mailed editions.

Every delivery spacebrief makes is a row of a ledger table that moves through the same
states (`alerts.types.DeliveryStatus`): pending -> sending (committed *before* the
message leaves, a compare-and-set so two runs never claim one row) -> sent | failed,
with the attempts counted and the last error kept. The Slack alerts and the edition
posts are rows of `alerts` (one per story, trend and destination; an edition post is
the trend `EDITION`), the e-mails rows of `email_deliveries` (one per edition and
recipient): `LedgerTable` says which table and how a row is named, and this module
holds the state machine's SQL once for both. `alerts.delivery` (Slack) and
`alerts.email` (SMTP) drive it through the `alerts.types.Ledger` protocol; what they do
with rows a crashed run left `sending` is theirs to say.

Every state change is committed before the method returns, which is what lets a run that
dies mid-post be reconciled by the next one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from spacebrief.alerts.types import Delivered, DeliveryStatus
from spacebrief.warehouse.db import Connection, Warehouse

MAX_ATTEMPTS = 5  # across runs, before a delivery is `failed` (then a retry of the failed)


@dataclass(frozen=True)
class LedgerTable:
    """A ledger table: its name, the SQL naming a row's id, and what `sending` records."""

    name: str
    key: str  # an SQL expression over the row: its ledger id
    marker: str | None = None  # the column holding the claim's marker (Slack's message key)
    threads: bool = False  # rows record Slack's reply_to / thread_ts / ts / channel


ALERTS = LedgerTable("alerts", "alert_id", marker="message_key", threads=True)
# `alerts.types.EmailDelivery.ledger_id`, in SQL.
EMAIL_DELIVERIES = LedgerTable("email_deliveries", "edition_id || chr(10) || recipient")


class WarehouseLedger:
    """A delivery ledger on the warehouse (the `alerts` table unless told otherwise).

    By default each state change opens its own short connection, so the DuckDB file is
    never held while Slack or the mail server is slow. `held()` keeps one connection for
    a run whose transport is local (the outbox), where there is nothing to wait for and
    reopening the file for every line would cost more than the delivery.
    """

    def __init__(
        self,
        warehouse: Warehouse,
        table: LedgerTable = ALERTS,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.warehouse = warehouse
        self.table = table
        self.max_attempts = max_attempts
        self._held: Connection | None = None

    @contextmanager
    def held(self) -> Iterator[WarehouseLedger]:
        with self.warehouse.write() as con:
            self._held = con
            try:
                yield self
            finally:
                self._held = None

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        if self._held is not None:
            yield self._held
        else:
            with self.warehouse.write() as con:
                yield con

    def _update(
        self, sets: str, ids: Sequence[str], where: str = "TRUE", **params: object
    ) -> list[str]:
        """`UPDATE ... SET sets` on the rows of `ids` that match `where`; their ids."""
        if not ids:
            return []
        table = self.table
        with self._connection() as con:
            rows = con.execute(
                f"UPDATE {table.name} SET {sets}, updated_at = $now "
                f"WHERE list_contains($ids, {table.key}) AND ({where}) RETURNING {table.key}",
                {"ids": list(dict.fromkeys(ids)), "now": datetime.now(UTC), **params},
            ).fetchall()
        return [row[0] for row in rows]

    def claim(
        self,
        ids: Sequence[str],
        marker: str,
        reply_to: str | None = None,
        thread_ts: str | None = None,
        *,
        from_states: Sequence[DeliveryStatus] = (DeliveryStatus.PENDING,),
    ) -> list[str]:
        """Record an attempt before the message leaves: a compare-and-set from
        `from_states` to `sending` that returns the ids it claimed. A row another run
        claimed (or sent) first is left alone and not returned."""
        sets = ["status = 'sending'"]
        if self.table.marker:
            sets.append(f"{self.table.marker} = $marker")
        if self.table.threads:
            sets += ["reply_to = $reply_to", "thread_ts = $thread_ts"]
        params: dict[str, object] = {"states": [str(s) for s in from_states]}
        if self.table.marker:
            params["marker"] = marker
        if self.table.threads:
            params |= {"reply_to": reply_to, "thread_ts": thread_ts}
        return self._update(", ".join(sets), ids, "list_contains($states, status)", **params)

    def release(self, ids: Sequence[str], marker: str) -> None:
        """Back to pending: claimed for a message that was not posted (part of it was
        claimed elsewhere). Only this claim's rows, still `sending`, go back."""
        column = self.table.marker
        if column is None:
            self._update("status = 'pending'", ids, "status = 'sending'")
            return
        self._update(
            f"status = 'pending', {column} = NULL",
            ids,
            f"status = 'sending' AND {column} = $marker",
            marker=marker,
        )

    def mark_sent(self, ids: Sequence[str], delivered: Delivered | None = None) -> None:
        """Sent, with the proof of delivery the transport gave (Slack's ts and thread)."""
        sets = ["status = 'sent'", "attempts = attempts + 1", "last_error = NULL", "sent_at = $now"]
        params: dict[str, object] = {}
        if self.table.threads and delivered is not None:
            sets += [
                "message_key = $key",
                "slack_ts = $ts",
                "slack_channel = $channel",
                "thread_ts = coalesce($thread_ts, thread_ts)",
            ]
            params = {
                "key": delivered.message_key,
                "ts": delivered.ts,
                "channel": delivered.channel,
                "thread_ts": delivered.thread_ts,
            }
        self._update(", ".join(sets), ids, where="TRUE", **params)

    def mark_unsent(self, ids: Sequence[str], error: str, *, count_attempt: bool) -> None:
        """Back to pending with the error, or failed once the attempts reach the maximum."""
        self._update(
            "attempts = attempts + $inc, last_error = $error, "
            "status = CASE WHEN attempts + $inc >= $max THEN 'failed' ELSE 'pending' END",
            ids,
            inc=1 if count_attempt else 0,
            error=error,
            max=self.max_attempts,
        )

    def mark_failed(self, ids: Sequence[str], error: str) -> None:
        self._update(
            "status = 'failed', attempts = attempts + 1, last_error = $error", ids, error=error
        )

    def note_error(self, ids: Sequence[str], error: str) -> None:
        """Record the error without changing the state."""
        self._update("last_error = $error", ids, error=error)
