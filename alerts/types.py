"""Records that cross the alerts border."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

EDITION_TREND = "EDITION"  # ledger rows announcing an edition, not a watch-list detection


class DeliveryStatus(StrEnum):
    """Where a row of a delivery ledger (Slack alerts, e-mailed editions) stands.

    pending -> sending (committed before the message leaves) -> sent | failed; a failed
    row goes back to pending when retried. The values are what the DuckDB `status`
    columns hold, so a StrEnum reads and writes them unchanged.
    """

    PENDING = "pending"
    SENDING = "sending"  # an attempt was recorded: reconcile before posting again
    SENT = "sent"
    FAILED = "failed"  # out of attempts, or refused for good; --retry-failed takes it back
    MUTED = "muted"  # alerts only: a mute rule matched; kept for the record, never sent
    HELD = "held"  # alerts only: not news, or the story was alerted already; never sent


def alert_id_for(cluster_id: str, trend_id: str, destination: str) -> str:
    """The ledger key: stable across runs and processes, so re-classifying a story never
    creates a second alert for the same destination."""
    key = f"{cluster_id}|{trend_id}|{destination}".encode()
    return hashlib.sha256(key).hexdigest()[:24]


@dataclass(frozen=True)
class AlertCandidate:
    """A watch-list detection owed to a destination: one per (story cluster, trend, destination).

    Created in the same transaction as the label that caused it, so a crash can never
    leave a label without its ledger row.
    """

    cluster_id: str
    trend_id: str
    item_id: str
    score: float
    destination: str  # "slack:<channel>" | "webhook" | "outbox"
    decided_by: str = "classifier"  # classifier | watch:<rule> | mute:<rule>
    reason: str = ""
    held_because: str = ""  # why it is owed to nobody (not news, alerted already); "" if owed

    @property
    def alert_id(self) -> str:
        return alert_id_for(self.cluster_id, self.trend_id, self.destination)

    @property
    def muted(self) -> bool:
        return self.decided_by.startswith(MUTE_PREFIX)

    @property
    def held(self) -> bool:
        return bool(self.held_because)

    @property
    def owed(self) -> bool:
        """Pending delivery: neither muted nor held."""
        return not (self.muted or self.held)


RULE_TREND_PREFIX = "rule:"  # ledger trend of a watch rule's alert: rule:<name>
WATCH_PREFIX_DECIDED = "watch:"
MUTE_PREFIX = "mute:"


def rule_name_of(trend_id: str) -> str | None:
    """The watch rule behind a ledger trend id, None for a classifier trend."""
    return trend_id[len(RULE_TREND_PREFIX) :] if trend_id.startswith(RULE_TREND_PREFIX) else None


@dataclass(frozen=True)
class RuleHit:
    """A watch or mute rule that matched an item, and where a watch rule's alert goes."""

    name: str
    mute: bool
    destinations: tuple[str, ...] = ()  # empty: the default destination


@dataclass(frozen=True)
class OtherTrend:
    trend_id: str
    name: str


@dataclass(frozen=True)
class PendingAlert:
    """A ledger row still owed, with what its message shows (feed text is untrusted).

    `message_key` and `status == "sending"` mean a previous run recorded an attempt
    and may have died mid-post; delivery reconciles such rows before posting again.
    """

    alert_id: str
    cluster_id: str
    trend_id: str
    trend_name: str
    destination: str
    item_id: str
    score: float
    status: DeliveryStatus  # pending | sending | failed
    attempts: int
    title: str
    url: str | None = None
    source_name: str | None = None
    published_at: datetime | None = None
    evidence: str | None = None
    other_trends: tuple[OtherTrend, ...] = ()
    last_error: str | None = None
    message_key: str | None = None
    reply_to: str | None = None
    thread_ts: str | None = None
    updated_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    language: str | None = None  # the story's language, when it is not English
    english_title: str | None = None  # its English reading (english_readings), if any
    english_summary: str | None = None
    reading_note: str | None = None  # "Translated from Russian", "English gist of ..."
    summary: str | None = None  # the item's summary (a watch rule's alert shows it)

    @property
    def rule_name(self) -> str | None:
        return rule_name_of(self.trend_id)


@dataclass(frozen=True)
class StoryRoot:
    """The first message that announced a story: later reports reply to it."""

    cluster_id: str
    message_key: str
    thread_ts: str | None  # None for webhook and outbox, which have no threads


@dataclass(frozen=True)
class Delivered:
    """Proof that a message reached its destination."""

    message_key: str
    ts: str | None = None
    channel: str | None = None
    thread_ts: str | None = None


@dataclass(frozen=True)
class EmailDelivery:
    """A ledger row: one edition owed to one recipient, under a Message-ID fixed at creation.

    `status == "sending"` means an earlier run recorded an attempt and may have died
    between the server's acceptance and the ledger update.
    """

    edition_id: str
    recipient: str
    message_id: str
    status: DeliveryStatus  # pending | sending | sent | failed
    attempts: int = 0
    last_error: str | None = None

    @property
    def ledger_id(self) -> str:
        """The row's id in the delivery ledger (an address holds no line break)."""
        return f"{self.edition_id}\n{self.recipient}"


class Ledger(Protocol):
    """The delivery ledger as deliveries drive it (`warehouse.ledger.WarehouseLedger` is
    the one the project runs with): rows named by their ledger ids, each write committed
    before it returns."""

    def claim(
        self,
        ids: Sequence[str],
        marker: str,
        reply_to: str | None = None,
        thread_ts: str | None = None,
        *,
        from_states: Sequence[DeliveryStatus] = (DeliveryStatus.PENDING,),
    ) -> list[str]:
        """`from_states` -> `sending` for the rows still there; the ids claimed."""
        ...

    def release(self, ids: Sequence[str], marker: str) -> None:
        """Back to pending: claimed for a message that was not posted."""
        ...

    def mark_sent(self, ids: Sequence[str], delivered: Delivered | None = None) -> None: ...

    def mark_unsent(self, ids: Sequence[str], error: str, *, count_attempt: bool) -> None:
        """Back to pending (or failed once attempts reach the maximum), with the error."""
        ...

    def mark_failed(self, ids: Sequence[str], error: str) -> None: ...

    def note_error(self, ids: Sequence[str], error: str) -> None:
        """Record the error without changing the state."""
        ...
