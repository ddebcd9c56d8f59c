"""The classify step: `Spacebrief.classify` (labels, owed alerts, English readings)."""

from __future__ import annotations

from datetime import datetime

from spacebrief import ClassifySummary, Settings, Warehouse
from spacebrief.flows.steps import ProgressCallback, handle

__all__ = ["ClassifySummary", "classify"]


def classify(
    warehouse: Warehouse,
    settings: Settings,
    *,
    relabel: bool = False,
    since: datetime | None = None,
    on_progress: ProgressCallback | None = None,
) -> ClassifySummary:
    """Label what the configured classifier has not labelled; owe the alerts they raise
    for stories that are news (published after `since`, default: the news horizon); then
    store an English reading of each new story not in English (for the alerts)."""
    return handle(warehouse, settings).classify(
        relabel=relabel, news_since=since, on_progress=on_progress
    )
