"""The alerts step: `Spacebrief.deliver_alerts` and `post_edition`."""

from __future__ import annotations

from spacebrief import AlertsSummary, EditionSummary, HeldLabel, Settings, Warehouse
from spacebrief.flows.steps import ProgressCallback, handle

__all__ = ["AlertsSummary", "HeldLabel", "deliver_alerts", "post_edition"]


def deliver_alerts(
    warehouse: Warehouse,
    settings: Settings,
    *,
    dry_run: bool = False,
    retry_failed: bool = False,
    on_progress: ProgressCallback | None = None,
    destination: str | None = None,
) -> AlertsSummary:
    """Deliver every alert owed to the configured destination (and the channels watch
    rules name), at most once each."""
    return handle(warehouse, settings).deliver_alerts(
        dry_run=dry_run,
        retry_failed=retry_failed,
        destination=destination,
        on_progress=on_progress,
    )


def post_edition(warehouse: Warehouse, settings: Settings, edition: EditionSummary) -> bool:
    """Announce an edition once per destination (when the settings ask for it)."""
    return handle(warehouse, settings).post_edition(edition)
