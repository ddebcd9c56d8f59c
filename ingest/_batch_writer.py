"""The ingest engine's writer: finished feeds stored in batches, on one writer thread.

Each batch is one store transaction: its items deduplicated against the store, clustered
with the stories of the last two weeks (the near-duplicate index is read from the store
once a run, then grown batch by batch: about 2.6 KB a story), inserted, and its fetch
rows and source states (with the next fetch the schedule chose) written alongside. A
crash loses no stored batch; the re-run fetches the feeds of the lost batch again (their
validators were never saved) and stores their items once, since item ids are stable.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from spacebrief.ingest._dedupe import StoryIndex, drop_exact_duplicates
from spacebrief.ingest._fetch import Clock, Fetched, is_remote, utc_now
from spacebrief.ingest.schedule import PollRules, entries_per_day, hints_from_headers, next_fetch_at
from spacebrief.ingest.store import IngestStore
from spacebrief.ingest.types import FetchRecord, FetchStatus, Item, PublishingHistory, SourceState

log = logging.getLogger(__name__)
CLUSTER_WINDOW = timedelta(days=14)
STATUSES: tuple[FetchStatus, ...] = ("ok", "empty", "not_modified", "failed", "skipped")


@dataclass
class FeedOutcome:
    """How reading one source ended: what the writer stores for it."""

    fetched: Fetched
    status: FetchStatus
    entries: int
    error: str | None
    items: list[Item] = field(default_factory=list)
    size: int | None = None
    ttl_seconds: float | None = None
    update_seconds: float | None = None
    bugs: int = 0  # entries lost to a bug of ours (logged where it happened)


class BatchWriter:
    """Writes finished feeds in batches, each in one transaction, on one writer thread.

    The writer thread overlaps the writes with the downloads still in flight; at most one
    batch waits for it, so a slow disk slows the run rather than filling memory.
    """

    def __init__(
        self, store: IngestStore, batch_items: int, rules: PollRules, clock: Clock = utc_now
    ) -> None:
        self.clock = clock
        self.store = store
        self.rules = rules
        self.batch_items = max(1, batch_items)
        self.run_id = uuid.uuid4().hex[:12]
        self.buffer: list[FeedOutcome] = []
        self.held = 0
        self.batches = 0
        self.new_ids: list[str] = []
        self.clustered = 0
        self.entries = 0
        self.counts: dict[FetchStatus, int] = {s: 0 for s in STATUSES}
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="ingest-writer")
        self._writing: Future[None] | None = None
        self.failure: Exception | None = None
        # Stories to cluster against: read from the store once, then grown batch by batch.
        self._index: StoryIndex | None = None
        self._index_since = datetime.max.replace(tzinfo=UTC)

    def add(self, outcome: FeedOutcome) -> None:
        if self.failure is not None:
            return  # nothing more is written; the re-run fetches these feeds again
        self.buffer.append(outcome)
        self.held += len(outcome.items)
        if self.held >= self.batch_items:
            self._hand_over()

    def close(self) -> None:
        """Write what is left and wait for every batch; a failed write raises here."""
        self._hand_over()
        self._wait()
        self._writer.shutdown()
        if self.failure is not None:
            raise self.failure

    def abandon(self) -> None:
        self._writer.shutdown(wait=True, cancel_futures=True)

    def _hand_over(self) -> None:
        self._wait()
        if self.buffer and self.failure is None:
            batch, self.buffer, self.held = self.buffer, [], 0
            self._writing = self._writer.submit(self._write, batch)

    def _wait(self) -> None:
        if self._writing is not None:
            writing, self._writing = self._writing, None
            try:
                writing.result()
            except Exception as exc:  # raised by close(), once downloads have stopped
                self.failure = exc
                self.buffer, self.held = [], 0

    def _write(self, outcomes: list[FeedOutcome]) -> None:
        candidates = drop_exact_duplicates(item for o in outcomes for item in o.items)
        now = self.clock()
        with self.store.batch() as batch:
            fresh = drop_exact_duplicates(candidates, batch.known_identity_keys(candidates))
            clustered = []
            if fresh:
                since = min(max(i.published_at for i in fresh), now) - CLUSTER_WINDOW
                if self._index is None or since < self._index_since:
                    self._index = StoryIndex(batch.recent_stories(since))
                    self._index_since = since
                clustered = self._index.assign(fresh)
            new_ids = batch.insert_items(clustered)
            new_per_source: dict[str, int] = {}
            for item in clustered:
                new_per_source[item.source_id] = new_per_source.get(item.source_id, 0) + 1
            # A source that was not due leaves no row: serve looks every minute.
            attempted = [o for o in outcomes if o.status != "skipped"]
            batch.record_fetches([_record(o, new_per_source) for o in attempted], self.run_id)
            rates = batch.publishing_history(
                [o.fetched.source.source_id for o in attempted], now - self.rules.rate_window
            )
            batch.save_source_states(
                [_scheduled_state(o, rates, now, self.rules) for o in attempted],
                {o.fetched.source.source_id: o.error for o in attempted},
                now,
            )
        self.batches += 1
        self.new_ids.extend(new_ids)
        self.clustered += sum(1 for item in clustered if item.cluster_id != item.item_id)
        for outcome in outcomes:
            self.counts[outcome.status] += 1
            self.entries += outcome.entries
            if outcome.status == "failed":
                log.warning("Feed %s failed: %s", outcome.fetched.source.url, outcome.error)


def _scheduled_state(
    outcome: FeedOutcome,
    rates: Mapping[str, PublishingHistory],
    now: datetime,
    rules: PollRules,
) -> SourceState:
    """The state to remember, with the next fetch the schedule chose (local files: none)."""
    fetched = outcome.fetched
    state: SourceState = replace(fetched.state, last_status=outcome.status)
    if not is_remote(fetched.source.url):
        return state
    ttl, update = state.feed_ttl_seconds, state.feed_update_seconds
    if outcome.status in ("ok", "empty"):
        ttl, update = outcome.ttl_seconds, outcome.update_seconds
    rate = state.entries_per_day
    if outcome.status != "failed":
        history = rates.get(fetched.source.source_id)
        rate = None
        if history is not None and history.dated:
            rate = entries_per_day(
                history.recent, history.oldest_recent, history.following_since, now, rules
            )
    hints = hints_from_headers(fetched.headers, now, ttl=ttl, update_period=update)
    if outcome.status == "failed":
        hints = replace(hints, retry_after=fetched.retry_after)
    plan = next_fetch_at(
        now,
        entries_per_day=rate,
        hints=hints,
        failures=state.consecutive_failures,
        rules=rules,
    )
    return replace(
        state,
        next_fetch_at=plan.next_fetch_at,
        poll_interval_seconds=plan.interval.total_seconds(),
        entries_per_day=rate,
        schedule_reason=plan.reason,
        feed_ttl_seconds=ttl,
        feed_update_seconds=update,
    )


def _record(outcome: FeedOutcome, new_per_source: dict[str, int]) -> FetchRecord:
    result = outcome.fetched
    return FetchRecord(
        source_id=result.source.source_id,
        url=result.final_url or result.source.url,
        started_at=result.started_at,
        duration_ms=result.duration_ms,
        status=outcome.status,
        http_status=result.http_status,
        bytes=outcome.size,
        entries=outcome.entries if outcome.status in ("ok", "empty") else None,
        new_items=new_per_source.get(result.source.source_id, 0),
        error=outcome.error,
    )
