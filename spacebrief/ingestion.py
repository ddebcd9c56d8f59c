"""Ingesting: read every source, store the new items, remember each source's state.

The warehouse is opened briefly: once to register the sources and read their validators
and backoff, then once per batch of finished feeds to write their items, fetch rows and
states in one transaction. Downloads and parsing happen with no connection held, so an
analyst's `spacebrief query` is never locked out for the length of a slow feed.

Batches keep the items a run holds flat in the number of feeds: a first run of a large
catalog holds at most about two batches of new items (one being written by a writer
thread while the next fills), not the whole run. What grows is the clustering index,
each story of the window shingled once per run (bench/ingest.py: about 2.6 KB a story).
A crash loses no stored batch; the re-run fetches the feeds of the lost batch again
(their validators were never saved) and stores their items once, since item ids are
stable.

Parsing is CPU work (feedparser takes ~10 ms for a 20-entry feed); on a run of many
feeds it goes to worker processes as each download lands, so it overlaps the downloads
still in flight and uses every core. Small runs parse inline.

Sources marked `full_text: true` then have the page of each item never tried before
fetched (same fetch machinery, robots.txt obeyed) and its article text stored beside the
feed's; this runs after the feeds are stored, so a crash here loses no item, and the
re-run picks up the pages still untried.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from spacebrief.ingest import (
    FeedReading,
    Fetched,
    FetchPolicy,
    FetchRecord,
    FetchStatus,
    Item,
    PageRequest,
    PageResult,
    Source,
    SourceState,
    StoryIndex,
    drop_exact_duplicates,
    fetch_all,
    fetch_pages,
    read_feed,
)
from spacebrief.ingest._fetch import is_remote
from spacebrief.ingest.schedule import PollRules, entries_per_day, hints_from_headers, next_fetch_at
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse.items import (
    insert_items,
    items_needing_content,
    known_identity_keys,
    recent_items_for_clustering,
    store_contents,
)
from spacebrief.warehouse.sources import (
    PublishingHistory,
    publishing_history,
    record_fetches,
    save_source_states,
    source_states,
    upsert_sources,
)

log = logging.getLogger(__name__)
ProgressCallback = Callable[[int, int], None]
CLUSTER_WINDOW = timedelta(days=14)
PARALLEL_PARSE_MIN_SOURCES = 64
# New items held before their feeds are written (about 9 KB each in memory).
BATCH_ITEMS = 2000


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest run did: feeds read, unchanged, failed or not due, and new items."""

    feeds: int
    fetched: int
    unchanged: int
    failed: int
    skipped: int
    new_items: int
    new_item_ids: tuple[str, ...]
    duration_seconds: float
    empty: int = 0
    entries: int = 0
    clustered: int = 0
    pages_ok: int = 0
    pages_failed: int = 0

    def describe(self) -> str:
        pages = ""
        if self.pages_ok or self.pages_failed:
            pages = (
                f" Full text: {self.pages_ok} page(s) extracted, {self.pages_failed} kept "
                "the feed's text (see `spacebrief sources`)."
            )
        return (
            f"Read {self.feeds} feeds in {self.duration_seconds:.1f} s: "
            f"{self.fetched} fetched, {self.unchanged} unchanged, {self.failed} failed, "
            f"{self.skipped} not due yet; "
            f"{self.new_items} new items"
            + (f", {self.clustered} joining a story told by another item" if self.clustered else "")
            + "."
            + pages
        )


@dataclass
class _Outcome:
    fetched: Fetched
    status: FetchStatus
    entries: int
    error: str | None
    items: list[Item]
    size: int | None = None
    ttl_seconds: float | None = None
    update_seconds: float | None = None


def _outcome(result: Fetched, reading: FeedReading) -> _Outcome:
    status: FetchStatus = "ok" if reading.items else "empty"
    return _Outcome(
        result,
        status,
        reading.entries,
        reading.problem,
        list(reading.items),
        reading.size,
        reading.ttl_seconds,
        reading.update_seconds,
    )


def _read_inline(result: Fetched) -> _Outcome:
    assert result.body is not None
    reading = read_feed(
        result.body, result.headers, result.final_url, result.source, result.started_at
    )
    return _outcome(replace(result, body=None), reading)


def _parse_workers(sources: int) -> int:
    """Worker processes for parsing: none for small runs (start-up would cost more)."""
    cpus = os.cpu_count() or 1
    return min(cpus, 4) if cpus > 1 and sources >= PARALLEL_PARSE_MIN_SOURCES else 0


def ingest_sources(
    warehouse: Warehouse,
    catalog: Sequence[Source],
    *,
    policy: FetchPolicy | None = None,
    poll_rules: PollRules | None = None,
    on_progress: ProgressCallback | None = None,
    force: bool = False,
    batch_items: int = BATCH_ITEMS,
    refetch_content: bool = False,
) -> IngestSummary:
    """Fetch, parse, dedupe and store; `force` ignores backoff and Cache-Control schedules;
    `refetch_content` fetches the pages of full-text sources again, even those done."""
    clock = time.perf_counter()
    policy = policy or FetchPolicy()
    catalog = list(catalog)
    with warehouse.write() as con:
        upsert_sources(con, catalog)
        states = source_states(con, [s.source_id for s in catalog])

    store = _BatchWriter(warehouse, batch_items, poll_rules or PollRules())
    pending: list[tuple[Fetched, Future[FeedReading]]] = []
    done = 0
    total = len(catalog)
    if on_progress:
        on_progress(0, total)
    workers = _parse_workers(total)
    pool = (
        ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"))
        if workers
        else None
    )

    def collect(wait: bool) -> None:
        """Hand the parsed feeds to the writer (all of them when `wait`)."""
        still = []
        for result, job in pending:
            if wait or job.done():
                store.add(_parsed(result, job))
            else:
                still.append((result, job))
        pending[:] = still

    def on_result(result: Fetched) -> None:
        nonlocal done
        outcome: _Outcome | None = None
        try:
            if result.status != "ok" or result.body is None:
                outcome = _Outcome(result, result.status, 0, result.error, [])
            elif pool is not None:
                job = pool.submit(
                    read_feed,
                    result.body,
                    dict(result.headers),
                    result.final_url,
                    result.source,
                    result.started_at,
                )
                pending.append((replace(result, body=None), job))
            else:
                outcome = _read_inline(result)
        except Exception as exc:  # a bug on one feed must not lose the others' items
            log.exception("Could not read the feed %s", result.source.url)
            outcome = _Outcome(result, "failed", 0, f"internal error: {exc!r}", [])
        if outcome is not None:
            store.add(outcome)
        collect(wait=False)
        done += 1
        if on_progress:
            on_progress(done, total)

    try:
        asyncio.run(fetch_all(catalog, states, on_result, policy, force=force))
        fetched_after = time.perf_counter() - clock
        collect(wait=True)
        store.close()
        pages = fill_contents(warehouse, catalog, policy, refetch=refetch_content)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        store.abandon()

    log.info(
        "Downloads finished after %.1f s, parsing and storing after %.1f s "
        "(%d worker processes, %d batches).",
        fetched_after,
        time.perf_counter() - clock,
        workers,
        store.batches,
    )
    counts = store.counts
    summary = IngestSummary(
        feeds=total,
        fetched=counts["ok"] + counts["empty"],
        unchanged=counts["not_modified"],
        failed=counts["failed"],
        skipped=counts["skipped"],
        new_items=len(store.new_ids),
        new_item_ids=tuple(store.new_ids),
        duration_seconds=time.perf_counter() - clock,
        empty=counts["empty"],
        entries=store.entries,
        clustered=store.clustered,
        pages_ok=sum(1 for p in pages if p.status == "ok"),
        pages_failed=sum(1 for p in pages if p.status != "ok"),
    )
    log.info("Stored after %.1f s. %s", summary.duration_seconds, summary.describe())
    return summary


def fill_contents(
    warehouse: Warehouse, catalog: Sequence[Source], policy: FetchPolicy, *, refetch: bool = False
) -> list[PageResult]:
    """Fetch and extract the untried pages of full-text sources; store every outcome."""
    full_text = {s.source_id: s for s in catalog if s.full_text}
    if not full_text:
        return []
    with warehouse.read() as con:
        wanted = items_needing_content(con, full_text, refetch=refetch)
    if not wanted:
        return []
    log.info("Fetching %d article page(s) of full-text sources.", len(wanted))
    requests = [PageRequest(item_id, url, full_text[source]) for item_id, source, url in wanted]
    results: list[PageResult] = []
    asyncio.run(fetch_pages(requests, results.append, policy))
    with warehouse.write() as con, transaction(con):
        store_contents(con, results, datetime.now(UTC))
    for result in results:
        if result.status != "ok":
            log.warning("No full text for item %s: %s", result.item_id, result.error)
    return results


def _parsed(result: Fetched, job: Future[FeedReading]) -> _Outcome:
    try:
        return _outcome(result, job.result())
    except Exception as exc:
        log.exception("Could not read the feed %s", result.source.url)
        return _Outcome(result, "failed", 0, f"internal error: {exc!r}", [])


class _BatchWriter:
    """Writes finished feeds in batches, each in one transaction, on one writer thread.

    The writer thread overlaps the writes with the downloads still in flight; at most one
    batch waits for it, so a slow disk slows the run rather than filling memory.
    """

    def __init__(self, warehouse: Warehouse, batch_items: int, rules: PollRules) -> None:
        self.warehouse = warehouse
        self.rules = rules
        self.batch_items = max(1, batch_items)
        self.run_id = uuid.uuid4().hex[:12]
        self.buffer: list[_Outcome] = []
        self.held = 0
        self.batches = 0
        self.new_ids: list[str] = []
        self.clustered = 0
        self.entries = 0
        self.counts = {s: 0 for s in ("ok", "empty", "not_modified", "failed", "skipped")}
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="ingest-writer")
        self._writing: Future[None] | None = None
        self.failure: Exception | None = None
        # Stories to cluster against: read from the warehouse once, then grown batch by batch.
        self._index: StoryIndex | None = None
        self._index_since = datetime.max.replace(tzinfo=UTC)

    def add(self, outcome: _Outcome) -> None:
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

    def _write(self, outcomes: list[_Outcome]) -> None:
        candidates = drop_exact_duplicates(item for o in outcomes for item in o.items)
        now = datetime.now(UTC)
        with self.warehouse.write() as con, transaction(con):
            fresh = drop_exact_duplicates(candidates, known_identity_keys(con, candidates))
            clustered = []
            if fresh:
                since = min(max(i.published_at for i in fresh), now) - CLUSTER_WINDOW
                if self._index is None or since < self._index_since:
                    self._index = StoryIndex(recent_items_for_clustering(con, since))
                    self._index_since = since
                clustered = self._index.assign(fresh)
            new_ids = insert_items(con, clustered)
            new_per_source: dict[str, int] = {}
            for item in clustered:
                new_per_source[item.source_id] = new_per_source.get(item.source_id, 0) + 1
            # A source that was not due leaves no row: serve looks every minute.
            attempted = [o for o in outcomes if o.status != "skipped"]
            record_fetches(con, [_record(o, new_per_source) for o in attempted], self.run_id)
            rates = publishing_history(
                con, [o.fetched.source.source_id for o in attempted], now - self.rules.rate_window
            )
            save_source_states(
                con,
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
    outcome: _Outcome,
    rates: dict[str, PublishingHistory],
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


def _record(outcome: _Outcome, new_per_source: dict[str, int]) -> FetchRecord:
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
