"""Records that cross the alerts border."""

from __future__ import annotations

from dataclasses import dataclass


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
