"""What the ingest engine needs of a store, as a protocol: ingest/ never imports warehouse/.

`warehouse.ingest_store.WarehouseIngestStore` satisfies it with DuckDB; any object with
these methods does (structural typing), e.g. an in-memory store in a test.

The engine opens a store briefly: once to register the sources and read their state,
then one `batch()` per batch of finished feeds (a transaction: everything read and
written inside it commits together or not at all), then once for full-text pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from spacebrief.ingest.types import (
    FetchRecord,
    Item,
    PageResult,
    PublishingHistory,
    Source,
    SourceState,
    StoredStory,
)


class IngestBatch(Protocol):
    """One open transaction of the store, for one batch of finished feeds."""

    def known_identity_keys(self, items: Sequence[Item]) -> set[str]:
        """Identity keys of these items already stored (the form `identity_keys` gives)."""
        ...

    def recent_stories(self, since: datetime) -> Sequence[StoredStory]:
        """Stored items published since `since`: what new items are clustered against."""
        ...

    def insert_items(self, items: Iterable[Item]) -> list[str]:
        """Store the items not stored yet; the ids that were new, in input order."""
        ...

    def record_fetches(self, records: Sequence[FetchRecord], run_id: str) -> None:
        """One row per attempt to read a source."""
        ...

    def publishing_history(
        self, source_ids: Iterable[str], since: datetime
    ) -> Mapping[str, PublishingHistory]:
        """Per source, what its stored items say of its publishing rate."""
        ...

    def save_source_states(
        self,
        states: Sequence[SourceState],
        last_errors: Mapping[str, str | None],
        fetched_at: datetime,
    ) -> None:
        """The state each attempted source ends the run with."""
        ...


class IngestStore(Protocol):
    """Where sources, items and fetch outcomes are kept between runs."""

    def register_sources(
        self, sources: Sequence[Source]
    ) -> tuple[list[Source], dict[str, SourceState]]:
        """Add or update these sources, each known by its URL; return them as the store
        knows them (a URL stored under another id keeps that id) and their remembered
        state (validators, backoff)."""
        ...

    def batch(self) -> AbstractContextManager[IngestBatch]:
        """A transaction for one batch of feeds: committed on exit, rolled back on error."""
        ...

    def items_needing_content(
        self, source_ids: Iterable[str], *, refetch: bool = False
    ) -> list[tuple[str, str, str]]:
        """(item_id, source_id, url) of these sources' items whose page was never fetched
        (every one with `refetch`)."""
        ...

    def store_contents(self, results: Sequence[PageResult], fetched_at: datetime) -> None:
        """Record each page attempt and the article text it found."""
        ...
