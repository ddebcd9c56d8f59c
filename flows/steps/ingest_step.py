"""The ingest step: `Spacebrief.ingest`, the configured catalog or another location."""

from __future__ import annotations

from collections.abc import Sequence

from spacebrief import IngestSummary, Settings, Source, Warehouse
from spacebrief.flows.steps import ProgressCallback, handle

__all__ = ["IngestSummary", "ingest"]


def ingest(
    warehouse: Warehouse,
    settings: Settings,
    sources: str | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    force: bool = False,
    batch_items: int | None = None,
    refetch_content: bool = False,
    catalog: Sequence[Source] | None = None,
) -> IngestSummary:
    """Fetch, parse, dedupe and store the catalog's sources (`sources`: another location;
    `catalog`: these sources of it); `force` ignores backoff and Cache-Control schedules;
    `refetch_content` fetches the pages of full-text sources again, even those done."""
    return handle(warehouse, settings).ingest(
        catalog if catalog is not None else sources,
        force=force,
        refetch_content=refetch_content,
        batch_items=batch_items,
        on_progress=on_progress,
    )
