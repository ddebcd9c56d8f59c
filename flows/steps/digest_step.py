"""The digest step: `Spacebrief.write_edition`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from spacebrief import EditionSummary, Settings, Warehouse
from spacebrief.flows.steps import handle

__all__ = ["EditionSummary", "write_digest"]


def write_digest(
    warehouse: Warehouse,
    settings: Settings,
    *,
    edition_date: date | None = None,
    days: int | None = None,
    out_dir: Path | None = None,
) -> EditionSummary:
    """Build and write the edition of `days` days (default: the configured window) ending
    with `edition_date` (default: today, UTC), and record it."""
    return handle(warehouse, settings).write_edition(edition_date, days, out_dir=out_dir)
