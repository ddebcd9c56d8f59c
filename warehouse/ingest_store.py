"""The warehouse as the ingest engine's store (`ingest.store.IngestStore`).

A thin adapter: each method opens a connection for one unit of work and calls the
per-table functions of `warehouse.items` and `warehouse.sources`; `batch()` holds one
read-write connection and one transaction for a batch of feeds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from spacebrief.ingest.types import (
    FetchRecord,
    Item,
    PageResult,
    PublishingHistory,
    Source,
    SourceState,
    StoredStory,
)
from spacebrief.warehouse import items as item_table
from spacebrief.warehouse import sources as source_table
from spacebrief.warehouse.db import Connection, Warehouse, transaction


@dataclass(frozen=True)
class WarehouseIngestBatch:
    """One batch's transaction on an open connection (`ingest.store.IngestBatch`)."""

    con: Connection

    def known_identity_keys(self, items: Sequence[Item]) -> set[str]:
        return item_table.known_identity_keys(self.con, items)

    def recent_stories(self, since: datetime) -> list[StoredStory]:
        return item_table.recent_items_for_clustering(self.con, since)

    def insert_items(self, items: Iterable[Item]) -> list[str]:
        return item_table.insert_items(self.con, items)

    def record_fetches(self, records: Sequence[FetchRecord], run_id: str) -> None:
        source_table.record_fetches(self.con, records, run_id)

    def publishing_history(
        self, source_ids: Iterable[str], since: datetime
    ) -> dict[str, PublishingHistory]:
        return source_table.publishing_history(self.con, source_ids, since)

    def save_source_states(
        self,
        states: Sequence[SourceState],
        last_errors: Mapping[str, str | None],
        fetched_at: datetime,
    ) -> None:
        source_table.save_source_states(self.con, states, last_errors, fetched_at)


@dataclass(frozen=True)
class WarehouseIngestStore:
    """`ingest.store.IngestStore` on a warehouse file; connections only while in use."""

    warehouse: Warehouse

    def register_sources(
        self, sources: Sequence[Source]
    ) -> tuple[list[Source], dict[str, SourceState]]:
        with self.warehouse.write() as con:
            resolved = source_table.resolve_sources(con, sources)
            source_table.forget_other_urls(con, resolved)
            source_table.upsert_sources(con, resolved)
            return resolved, source_table.source_states(con, [s.source_id for s in resolved])

    @contextmanager
    def batch(self) -> Iterator[WarehouseIngestBatch]:
        with self.warehouse.write() as con, transaction(con):
            yield WarehouseIngestBatch(con)

    def items_needing_content(
        self, source_ids: Iterable[str], *, refetch: bool = False
    ) -> list[tuple[str, str, str]]:
        with self.warehouse.read() as con:
            return item_table.items_needing_content(con, source_ids, refetch=refetch)

    def store_contents(self, results: Sequence[PageResult], fetched_at: datetime) -> None:
        with self.warehouse.write() as con, transaction(con):
            item_table.store_contents(con, results, fetched_at)
