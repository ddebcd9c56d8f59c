"""The ingest engine: read every source, store the new items, remember each source's state.

`ingest_sources(sources, store, ...)` is the whole run, with no scheduler in it: flows/
wires it to the settings and the warehouse, a test or a script can call it directly.

The store (`ingest.store.IngestStore`) is opened briefly: once to register the sources
and read their validators and backoff, then once per batch of finished feeds to write
their items, fetch rows and states in one transaction (`_batch_writer`). Downloads and
parsing happen with no store transaction open, so an analyst's query of the warehouse is
never locked out for the length of a slow feed.

Batches keep the items a run holds flat in the number of feeds: a first run of a large
catalog holds at most about two batches of new items (one being written by the writer
thread while the next fills), not the whole run. What grows is the clustering index,
each story of the window shingled once per run (bench/ingest.py: about 2.6 KB a story).

Parsing is CPU work (feedparser takes ~10 ms for a 20-entry feed); on a run of many
feeds it goes to worker processes as each download lands, so it overlaps the downloads
still in flight and uses every core. Small runs parse inline.

Sources marked `full_text: true` then have the page of each item never tried before
fetched (same fetch machinery, robots.txt obeyed) and its article text stored beside the
feed's; this runs after the feeds are stored, so a crash here loses no item, and the
re-run picks up the pages still untried.

A feed's or a page's own trouble (a timeout, a 404, a malformed document) is that
source's result. An exception from our own code is a bug: it is logged with its
traceback where it happens, counted in `IngestSummary.bugs` and said in `describe()`,
and the source keeps the state it had (no fetch row, no "failed" status), so a bug never
passes for a sick feed and the next run reads that source again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace

from spacebrief._async import run as run_coroutine
from spacebrief.ingest._batch_writer import BatchWriter, FeedOutcome
from spacebrief.ingest._fetch import Clock, Fetched, FetchPolicy, fetch_all, utc_now
from spacebrief.ingest._pages import PageRequest, fetch_pages
from spacebrief.ingest._read import FeedReading, read_feed
from spacebrief.ingest.schedule import PollRules, within_bounds
from spacebrief.ingest.store import IngestStore
from spacebrief.ingest.types import FetchStatus, PageResult, Source

log = logging.getLogger(__name__)
PARALLEL_PARSE_MIN_SOURCES = 64
# New items held before their feeds are written (about 9 KB each in memory).
BATCH_ITEMS = 2000
Progress = Callable[[int, int], None]


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
    bugs: int = 0  # sources, entries and pages lost to a bug of ours (logged with tracebacks)

    @property
    def all_failed(self) -> bool:
        """Every feed this run tried failed (none read, none unchanged): a cron job's error."""
        return self.failed > 0 and self.fetched + self.unchanged == 0

    def failure_sentence(self) -> str:
        tried = self.feeds - self.skipped
        not_due = f"; {self.skipped} were not due" if self.skipped else ""
        return (
            f"Every feed tried failed ({self.failed} of {tried}{not_due}): nothing was read; "
            "`spacebrief sources` says why."
        )

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
            + (
                f" {self.bugs} source(s), entries or pages were not read because of a bug in "
                "spacebrief; the log has each traceback: please report it."
                if self.bugs
                else ""
            )
        )


def ingest_sources(
    sources: Sequence[Source],
    store: IngestStore,
    *,
    fetch_policy: FetchPolicy | None = None,
    poll_rules: PollRules | None = None,
    force: bool = False,
    batch_items: int = BATCH_ITEMS,
    refetch_content: bool = False,
    progress: Progress | None = None,
    clock: Clock = utc_now,
) -> IngestSummary:
    """Fetch, parse, dedupe, cluster and store; `force` ignores backoff and Cache-Control
    schedules; `refetch_content` fetches the pages of full-text sources again, even those
    done. `progress(done, total)` hears of each source read. `clock` is "now" for the
    poll schedules (which feeds are due, when each is next), so a schedule is tested or
    simulated without waiting for it."""
    started = time.perf_counter()
    policy = fetch_policy or FetchPolicy()
    rules = poll_rules or PollRules()
    catalog, stored = store.register_sources(list(sources))
    states = {source_id: within_bounds(state, rules) for source_id, state in stored.items()}

    writer = BatchWriter(store, batch_items, rules, clock)
    pending: list[tuple[Fetched, Future[FeedReading]]] = []
    done = 0
    total = len(catalog)
    if progress:
        progress(0, total)
    workers = _parse_workers(total)
    pool = (
        ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"))
        if workers
        else None
    )

    bugs = 0

    def add(outcome: FeedOutcome | None) -> None:
        """Hand one feed to the writer; None is a feed lost to a bug (already logged)."""
        nonlocal bugs
        if outcome is None:
            bugs += 1
            return
        bugs += outcome.bugs
        writer.add(outcome)

    def collect(wait: bool) -> None:
        """Hand the parsed feeds to the writer (all of them when `wait`)."""
        still = []
        for result, job in pending:
            if wait or job.done():
                add(_parsed(result, job))
            else:
                still.append((result, job))
        pending[:] = still

    def advance() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    def on_bug(source: Source) -> None:
        nonlocal bugs
        bugs += 1
        advance()

    def on_result(result: Fetched) -> None:
        outcome: FeedOutcome | None = None
        try:
            if result.status != "ok" or result.body is None:
                outcome = FeedOutcome(result, result.status, 0, result.error, [])
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
            if outcome is not None:
                add(outcome)
        except Exception:  # a bug on one feed must not lose the others' items
            log.exception("A bug in spacebrief stopped the reading of %s", result.source.url)
            add(None)
        collect(wait=False)
        advance()

    try:
        run_coroutine(
            fetch_all(catalog, states, on_result, policy, force=force, on_bug=on_bug, clock=clock)
        )
        fetched_after = time.perf_counter() - started
        collect(wait=True)
        writer.close()
        pages, page_bugs = fetch_full_text(
            store, catalog, policy, refetch=refetch_content, clock=clock
        )
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        writer.abandon()

    log.info(
        "Downloads finished after %.1f s, parsing and storing after %.1f s "
        "(%d worker processes, %d batches).",
        fetched_after,
        time.perf_counter() - started,
        workers,
        writer.batches,
    )
    counts = writer.counts
    report = IngestSummary(
        feeds=total,
        fetched=counts["ok"] + counts["empty"],
        unchanged=counts["not_modified"],
        failed=counts["failed"],
        skipped=counts["skipped"],
        new_items=len(writer.new_ids),
        new_item_ids=tuple(writer.new_ids),
        duration_seconds=time.perf_counter() - started,
        empty=counts["empty"],
        entries=writer.entries,
        clustered=writer.clustered,
        pages_ok=sum(1 for p in pages if p.status == "ok"),
        pages_failed=sum(1 for p in pages if p.status != "ok"),
        bugs=bugs + page_bugs,
    )
    log.info("Stored after %.1f s. %s", report.duration_seconds, report.describe())
    return report


def fetch_full_text(
    store: IngestStore,
    catalog: Sequence[Source],
    policy: FetchPolicy,
    *,
    refetch: bool = False,
    clock: Clock = utc_now,
) -> tuple[list[PageResult], int]:
    """Fetch and extract the untried pages of full-text sources; store every outcome.

    Returns the results and how many pages a bug of ours stopped (logged, not stored).
    """
    full_text = {s.source_id: s for s in catalog if s.full_text}
    if not full_text:
        return [], 0
    wanted = store.items_needing_content(full_text, refetch=refetch)
    if not wanted:
        return [], 0
    log.info("Fetching %d article page(s) of full-text sources.", len(wanted))
    requests = [PageRequest(item_id, url, full_text[source]) for item_id, source, url in wanted]
    results: list[PageResult] = []
    bugs: list[PageRequest] = []
    run_coroutine(fetch_pages(requests, results.append, policy, on_bug=bugs.append))
    store.store_contents(results, clock())
    for result in results:
        if result.status != "ok":
            log.warning("No full text for item %s: %s", result.item_id, result.error)
    return results, len(bugs)


def _outcome(result: Fetched, reading: FeedReading) -> FeedOutcome:
    status: FetchStatus = "ok" if reading.items else "empty"
    return FeedOutcome(
        result,
        status,
        reading.entries,
        reading.problem,
        list(reading.items),
        reading.size,
        reading.ttl_seconds,
        reading.update_seconds,
        reading.bugs,
    )


def _read_inline(result: Fetched) -> FeedOutcome:
    assert result.body is not None
    reading = read_feed(
        result.body, result.headers, result.final_url, result.source, result.started_at
    )
    return _outcome(replace(result, body=None), reading)


def _parsed(result: Fetched, job: Future[FeedReading]) -> FeedOutcome | None:
    """The parsed feed's outcome, or None for a feed a bug stopped (logged here)."""
    try:
        return _outcome(result, job.result())
    except Exception:
        log.exception("A bug in spacebrief stopped the reading of %s", result.source.url)
        return None


def _parse_workers(sources: int) -> int:
    """Worker processes for parsing: none for small runs (start-up would cost more)."""
    cpus = os.cpu_count() or 1
    return min(cpus, 4) if cpus > 1 and sources >= PARALLEL_PARSE_MIN_SOURCES else 0
