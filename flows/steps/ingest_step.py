"""The ingest step: the ingest engine with the configured catalogue, policy and warehouse.

The engine (downloads, worker processes for parsing, the batch writer, clustering, the
poll schedule, full text) is the library's, `ingest.engine.ingest_sources`, and knows
neither the settings nor the warehouse; this step turns the settings into its arguments
and hands it the warehouse as its store (`warehouse.ingest_store.WarehouseIngestStore`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from spacebrief.flows.settings import Settings
from spacebrief.flows.steps import ProgressCallback
from spacebrief.ingest import FetchPolicy, Source, load_sources
from spacebrief.ingest.engine import BATCH_ITEMS, IngestSummary, ingest_sources
from spacebrief.ingest.schedule import PollRules
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.ingest_store import WarehouseIngestStore

__all__ = ["IngestSummary", "ingest", "policy_from", "poll_rules_from"]


def policy_from(settings: Settings) -> FetchPolicy:
    timeout = settings.fetch_timeout_seconds
    return FetchPolicy(
        concurrency=settings.fetch_concurrency,
        per_host=settings.fetch_per_host,
        connect_timeout=min(10.0, timeout),
        read_timeout=timeout,
        total_timeout=timeout * 3,
        max_bytes=settings.fetch_max_bytes,
        allow_private=settings.fetch_allow_private,
    )


def poll_rules_from(settings: Settings) -> PollRules:
    return PollRules(
        min_interval=timedelta(seconds=settings.poll_min_seconds),
        max_interval=timedelta(seconds=settings.poll_max_seconds),
    )


def ingest(
    warehouse: Warehouse,
    settings: Settings,
    sources: str | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    force: bool = False,
    batch_items: int = BATCH_ITEMS,
    refetch_content: bool = False,
    catalog: Sequence[Source] | None = None,
) -> IngestSummary:
    """Fetch, parse, dedupe and store the catalogue's sources (`sources`: another location;
    `catalog`: these sources of it); `force` ignores backoff and Cache-Control schedules;
    `refetch_content` fetches the pages of full-text sources again, even those done."""
    chosen = catalog if catalog is not None else load_sources(sources or settings.sources_location)
    with warehouse.exclusive("ingest"):  # one ingest at a time: no feed fetched twice
        return ingest_sources(
            chosen,
            WarehouseIngestStore(warehouse),
            fetch_policy=policy_from(settings),
            poll_rules=poll_rules_from(settings),
            force=force,
            batch_items=batch_items,
            refetch_content=refetch_content,
            progress=on_progress,
        )
