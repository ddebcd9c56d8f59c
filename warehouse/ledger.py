"""The delivery ledger of `alerts.delivery.deliver`, backed by the warehouse.

`deliver()` takes a `Ledger` (a protocol) so that it never speaks SQL; this is the one
the project runs with. Every state change is committed before the method returns, which
is what lets a run that dies mid-post be reconciled by the next one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from spacebrief.alerts.types import Delivered, DeliveryStatus
from spacebrief.warehouse import alerts as ledger_sql
from spacebrief.warehouse.db import Connection, Warehouse

MAX_ATTEMPTS = 5  # across runs, before an alert is `failed` (then --retry-failed)


class WarehouseLedger:
    """The delivery ledger on the warehouse; every write is committed when it returns.

    By default each state change opens its own short connection, so the DuckDB file is
    never held while Slack is slow. `held()` keeps one connection for a run whose
    transport is local (the outbox), where there is nothing to wait for and reopening
    the file for every line would cost more than the delivery.
    """

    def __init__(self, warehouse: Warehouse, max_attempts: int = MAX_ATTEMPTS) -> None:
        self.warehouse = warehouse
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

    def claim(
        self,
        alert_ids: Sequence[str],
        message_key: str,
        reply_to: str | None,
        thread_ts: str | None,
        *,
        from_states: Sequence[DeliveryStatus] = (DeliveryStatus.PENDING,),
    ) -> list[str]:
        with self._connection() as con:
            return ledger_sql.claim(
                con, alert_ids, message_key, reply_to, thread_ts, from_states=from_states
            )

    def release(self, alert_ids: Sequence[str], message_key: str) -> None:
        with self._connection() as con:
            ledger_sql.release(con, alert_ids, message_key)

    def mark_sent(self, alert_ids: Sequence[str], delivered: Delivered) -> None:
        with self._connection() as con:
            ledger_sql.mark_sent(
                con,
                alert_ids,
                delivered.message_key,
                delivered.ts,
                delivered.channel,
                delivered.thread_ts,
            )

    def mark_unsent(self, alert_ids: Sequence[str], error: str, *, count_attempt: bool) -> None:
        with self._connection() as con:
            ledger_sql.mark_unsent(
                con, alert_ids, error, count_attempt=count_attempt, max_attempts=self.max_attempts
            )

    def mark_failed(self, alert_ids: Sequence[str], error: str) -> None:
        with self._connection() as con:
            ledger_sql.mark_failed(con, alert_ids, error)

    def note_error(self, alert_ids: Sequence[str], error: str) -> None:
        with self._connection() as con:
            ledger_sql.note_error(con, alert_ids, error)
