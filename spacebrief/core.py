"""The public API's functions: each step of a cycle in one call, with plain arguments.

The folders keep their pure cores (`digest.build.build_edition(WindowData)`,
`alerts.delivery.deliver()` with its Transport and Ledger protocols, the warehouse's
per-table SQL); what a caller would otherwise wire by hand (which connection, which
transaction, which rows first) is done once here. The CLI and the flows' steps call these
too, so there is one way to run each step: the steps only turn `Settings` into the
arguments below. Nothing here reads settings or the environment, and nothing imports
Prefect or `spacebrief.flows`.

A cycle, from Python:

    warehouse = open_warehouse("spacebrief.duckdb")
    ingest_feeds(warehouse, "seeds/sources.yaml")
    classify_pending(warehouse)
    edition = build_edition(warehouse, day=date(2025, 3, 24))
    deliver_pending_alerts(warehouse)        # the JSON-lines outbox beside the warehouse
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from spacebrief.alerts.config import OUTBOX, SLACK_PREFIX, WEBHOOK
from spacebrief.classifiers.types import Classification, TextItem

# The folders are imported where they are used: `import spacebrief` and the CLI's
# start-up stay cheap (duckdb, the encoder, slack_sdk and jinja2 load on first use).
if TYPE_CHECKING:
    from spacebrief.alerts.delivery import DeliveryReport, Limits
    from spacebrief.alerts.transports import Transport
    from spacebrief.alerts.types import AlertCandidate
    from spacebrief.classifiers.classifier import Classifier
    from spacebrief.classifiers.pending import PendingItems
    from spacebrief.classifiers.types import Taxonomy
    from spacebrief.digest.llm import LlmEndpoint
    from spacebrief.digest.types import Edition
    from spacebrief.ingest import FetchPolicy
    from spacebrief.ingest.engine import IngestSummary
    from spacebrief.ingest.types import Item, Source
    from spacebrief.warehouse import Warehouse
    from spacebrief.warehouse.stories import BackfillReport

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
# No bar for every trend at once: each watch trend's own, chosen on held-out folds of our
# examples and shipped with the classifier (docs/classifier.md, Slack bars).
DEFAULT_ALERT_THRESHOLD: float | None = None


def slack_bars(
    classifier_bars: Mapping[str, float],
    alert_thresholds: Mapping[str, float] | None,
    default_alert_threshold: float | None,
) -> dict[str, float]:
    """Each trend's Slack bar: its own setting, else the default setting for all trends,
    else the classifier's bar for it."""
    bars = dict(classifier_bars) if default_alert_threshold is None else {}
    bars.update(alert_thresholds or {})
    return bars


CLASSIFY_CHUNK = 256  # items classified, then written in one transaction
HISTORY_WINDOWS = 4  # earlier windows of the same length the edition's momentum compares


def open_warehouse(path: str | PathLike[str], *, lock_wait_seconds: float = 10.0) -> Warehouse:
    """The DuckDB warehouse at `path`. Nothing is opened yet: each read or write opens
    its own short connection (so an analyst's session can get in between), and the first
    write creates the file and applies the migrations. A busy file is waited for up to
    `lock_wait_seconds`, then `WarehouseLocked` names the process holding it."""
    from spacebrief.warehouse import Warehouse

    return Warehouse(Path(path), lock_wait_seconds=lock_wait_seconds)


def ingest_feeds(
    warehouse: Warehouse,
    sources: str | PathLike[str] | Sequence[Source],
    *,
    policy: FetchPolicy | None = None,
    force: bool = False,
    on_progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Fetch, parse, deduplicate, cluster and store the items of these sources: a
    catalogue file (sources.yaml, OPML), a feed URL, a feed file, a folder of feed files,
    or `Source` records. Re-running adds only what is new (item ids are stable), and a
    feed is fetched again only when its schedule says so (`force`: now). `policy` sets
    concurrency, timeouts and size caps; private and loopback addresses are fetched only
    for sources or a policy that allow them."""
    from spacebrief.ingest import load_sources
    from spacebrief.ingest.engine import ingest_sources
    from spacebrief.warehouse.ingest_store import WarehouseIngestStore

    catalog = load_sources(str(sources)) if isinstance(sources, str | PathLike) else list(sources)
    with warehouse.exclusive("ingest"):  # one ingest at a time: no feed fetched twice
        return ingest_sources(
            catalog,
            WarehouseIngestStore(warehouse),
            fetch_policy=policy,
            force=force,
            progress=on_progress,
        )


def read_items(
    warehouse: Warehouse,
    *,
    item_ids: Sequence[str] | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[Item]:
    """Stored items, newest first: these ids (all when None), published at or after
    `since`, at most `limit`. The SQL views (`spacebrief query`) show the same rows."""
    from spacebrief.warehouse.items import stored_items

    with warehouse.read() as con:
        return stored_items(con, item_ids=item_ids, since=since, limit=limit)


def read_classifications(
    warehouse: Warehouse, item_ids: Sequence[str] | None = None
) -> list[Classification]:
    """Each item's latest classification, its trend labels best first (what editions and
    the views count), for these items (every classified one when None), by item id."""
    from spacebrief.warehouse.labels import latest_classifications

    with warehouse.read() as con:
        return latest_classifications(con, item_ids)


def load_classifier(
    taxonomy_path: str | PathLike[str] | None = None,
    head_path: str | PathLike[str] | None = None,
) -> Classifier:
    """The classifier for this taxonomy and fitted head (default: the packaged ones, and
    the packaged head too when `head_path` does not exist yet). Loading takes seconds:
    keep the result for more than one call."""
    from spacebrief.classifiers.classifier import Classifier

    return Classifier.load(
        Path(taxonomy_path) if taxonomy_path is not None else None,
        Path(head_path) if head_path is not None else None,
    )


@functools.cache
def _packaged_classifier() -> Classifier:
    return load_classifier()


def classify_texts(
    texts: Sequence[str | TextItem], *, classifier: Classifier | None = None
) -> list[Classification]:
    """Relevance, every trend's score and the labels with their evidence, one per text.

    A plain string is read as an item's title and gets its position as its id; a
    `TextItem` keeps its own id, summary, language and article text. The packaged
    classifier is loaded once per process when none is given.
    """
    items = [
        TextItem(id=str(index), title=text) if isinstance(text, str) else text
        for index, text in enumerate(texts)
    ]
    return (classifier or _packaged_classifier()).classify(items, with_embeddings=False)


@dataclass(frozen=True)
class ClassifySummary:
    """What `classify_pending` did: counts, and the alerts it left owed in the ledger."""

    classified: int
    relevant: int
    labels: int
    new_alerts: tuple[AlertCandidate, ...]
    duration_seconds: float
    classifier_version: str = ""
    taxonomy_version: str = ""
    relabel: bool = False
    held_alerts: tuple[AlertCandidate, ...] = ()  # owed to nobody: not news, alerted already

    def describe(self) -> str:
        """One sentence for a person."""
        if not self.classified:
            return (
                f"Nothing to classify: no stored item is waiting for classifier "
                f"{self.classifier_version} (taxonomy {self.taxonomy_version})."
            )
        verb = "Re-labelled" if self.relabel else "Classified"
        held = ""
        if self.held_alerts:
            held = (
                f", {len(self.held_alerts)} held back (not news, or the story was alerted "
                "already: `spacebrief alerts --dry-run` says which)"
            )
        return (
            f"{verb} {self.classified} item(s) in {self.duration_seconds:.1f} s: "
            f"{self.relevant} on-theme, {self.labels} trend label(s), "
            f"{len(self.new_alerts)} new watch-list alert(s) owed{held}."
        )


class WarehouseClassificationStore:
    """The warehouse as the classify loop's store (`classifiers.pending.label_pending`).

    Each batch's classifications, labels and the alert-ledger rows they owe are written
    in ONE transaction, so a label never exists without the alert it owes; the actors its
    items name and the stories they join (`warehouse.stories`) go in it too. Only news
    pings: a story published (first seen, when undated) before `news_since` owes a
    `held` row, never a message. The new alerts owed are kept in `new_alerts`, the held
    ones in `held_alerts`, for the caller to report.
    """

    def __init__(
        self,
        warehouse: Warehouse,
        *,
        destination: str = OUTBOX,
        alert_thresholds: Mapping[str, float] | None = None,
        default_alert_threshold: float | None = DEFAULT_ALERT_THRESHOLD,
        news_since: datetime | None = None,
    ) -> None:
        from spacebrief.alerts.news import DEFAULT_NEWS_HORIZON

        self.warehouse = warehouse
        self.destination = destination
        self.thresholds = dict(alert_thresholds or {})
        self.default_threshold = default_alert_threshold
        self.news_since = news_since or datetime.now(UTC) - DEFAULT_NEWS_HORIZON
        self.new_alerts: list[AlertCandidate] = []
        self.held_alerts: list[AlertCandidate] = []

    def pending_items(
        self, taxonomy: Taxonomy, classifier_version: str, *, relabel: bool
    ) -> PendingItems:
        from spacebrief.warehouse.labels import pending_items, store_trends

        with self.warehouse.write() as con:
            store_trends(con, taxonomy)
            return pending_items(con, classifier_version, taxonomy.version, relabel=relabel)

    def store_classifications(
        self, classifications: Sequence[Classification], clusters: Mapping[str, str]
    ) -> int:
        from spacebrief.alerts.news import hold_what_is_not_news
        from spacebrief.alerts.rules import apply_rules, select_candidates
        from spacebrief.warehouse import transaction
        from spacebrief.warehouse.alerts import insert_pending_alerts
        from spacebrief.warehouse.items import news_times
        from spacebrief.warehouse.labels import first_classified_at, store_classifications
        from spacebrief.warehouse.stories import read_for_the_room
        from spacebrief.warehouse.watch_rules import rule_hits

        destination = self.destination
        ids = [c.item_id for c in classifications]
        candidates = select_candidates(
            classifications, clusters, self.thresholds, self.default_threshold, destination
        )
        with self.warehouse.write() as con, transaction(con):
            classified_before = first_classified_at(con, ids)
            labels = store_classifications(con, classifications)
            read_for_the_room(con, [c.item_id for c in classifications])
            hits = rule_hits(
                con,
                ids,
                destination.startswith(SLACK_PREFIX),
                classified_before=classified_before,
            )
            ruled = apply_rules(candidates, classifications, clusters, hits, destination)
            ruled = hold_what_is_not_news(ruled, news_times(con, ids), self.news_since)
            inserted = insert_pending_alerts(con, ruled)
        self.new_alerts.extend(c for c in inserted if c.owed)
        self.held_alerts.extend(c for c in inserted if c.held)
        return labels


def classify_pending(
    warehouse: Warehouse,
    *,
    classifier: Classifier | None = None,
    destination: str = OUTBOX,
    alert_thresholds: Mapping[str, float] | None = None,
    default_alert_threshold: float | None = DEFAULT_ALERT_THRESHOLD,
    relabel: bool = False,
    news_since: datetime | None = None,
    on_progress: ProgressCallback | None = None,
) -> ClassifySummary:
    """Label the stored items this classifier has not labelled (all of them with
    `relabel`), and owe `destination` an alert for each watch-list story over its bar
    that is news: published (first seen, when undated) at or after `news_since`, by
    default 48 hours ago. Older stories get a `held` ledger row instead (a new feed's
    backlog, a relabel after a new model or taxonomy), and a story the classifier has
    alerted already is not alerted again for another trend.

    Items are classified in chunks with no connection open (the model is the slow part);
    each chunk's classifications, labels and alert-ledger rows are then written in ONE
    transaction, so a label never exists without the alert it owes, and a crash loses at
    most the chunk in flight. `destination` is "outbox", "webhook" or "slack:<channel>",
    the key `deliver_pending_alerts` delivers by; watch rules' own channels apply only to
    a Slack destination. A trend's bar is `alert_thresholds[trend]`, else the default,
    else the classifier's own bar for it (`slack_bars`).
    """
    from spacebrief.classifiers.pending import label_pending

    started = time.monotonic()
    classifier = classifier or _packaged_classifier()
    store = WarehouseClassificationStore(
        warehouse,
        destination=destination,
        alert_thresholds=slack_bars(
            classifier.alert_bars, alert_thresholds, default_alert_threshold
        ),
        default_alert_threshold=default_alert_threshold,
        news_since=news_since,
    )
    with warehouse.exclusive("classify"):  # one at a time: no item classified twice
        run = label_pending(
            classifier,
            store,
            relabel=relabel,
            batch_size=CLASSIFY_CHUNK,
            progress=on_progress,
        )
    summary = ClassifySummary(
        classified=run.classified,
        relevant=run.relevant,
        labels=run.labels,
        new_alerts=tuple(store.new_alerts),
        held_alerts=tuple(store.held_alerts),
        duration_seconds=time.monotonic() - started,
        classifier_version=run.classifier_version,
        taxonomy_version=run.taxonomy_version,
        relabel=relabel,
    )
    log.info(summary.describe())
    return summary


def build_edition(
    warehouse: Warehouse,
    *,
    day: date | None = None,
    days: int = 7,
    top_stories: int = 12,
    llm: LlmEndpoint | None = None,
) -> Edition:
    """The edition of the `days`-day window ending with `day` (default today, UTC), from
    what the warehouse holds; the same data always gives the same edition. Render it
    with `spacebrief.digest.render` (Markdown, HTML, JSON). `llm`: an OpenAI-compatible
    endpoint that may word the Expert's View and the Outlook (checked against sources)."""
    from spacebrief.digest.build import build_edition as build_from_window
    from spacebrief.digest.exceptions import DigestError
    from spacebrief.warehouse.editions import load_window

    day = day or datetime.now(UTC).date()
    if days < 1:
        raise DigestError(
            f"An edition needs a window of at least one day, not {days}: use --days 1 or more."
        )
    if top_stories < 1:
        raise DigestError("SPACEBRIEF_DIGEST_TOP_STORIES must be at least 1.")
    try:  # the window and its history windows must be real days
        day - timedelta(days=days * (HISTORY_WINDOWS + 1) + 1)
        day + timedelta(days=1)
    except OverflowError:
        raise DigestError(
            f"--date {day.isoformat()} with a {days}-day window (and the windows "
            "before it that momentum compares) reaches past the calendar's first or last day."
        ) from None
    with warehouse.read() as con:
        window = load_window(con, day, days, history_windows=HISTORY_WINDOWS)
    if not window.trends:
        log.warning("No taxonomy in the warehouse yet: the edition will list no trends.")
    return build_from_window(window, top_stories=top_stories, llm=llm)


def destination_of(transport: Transport) -> str:
    """The ledger key a transport delivers for: "slack:<channel>", "webhook" or "outbox"."""
    from spacebrief.alerts.transports import OutboxTransport, SlackBotTransport, WebhookTransport

    if isinstance(transport, SlackBotTransport):
        return f"{SLACK_PREFIX}{transport.channel}"
    if isinstance(transport, WebhookTransport):
        return WEBHOOK
    if isinstance(transport, OutboxTransport):
        return OUTBOX
    raise TypeError(
        f"Say which destination a {type(transport).__name__} delivers for: pass destination=."
    )


def deliver_pending_alerts(
    warehouse: Warehouse,
    transport: Transport | None = None,
    *,
    destination: str | None = None,
    limits: Limits | None = None,
    retry_failed: bool = False,
    dry_run: bool = False,
    on_progress: ProgressCallback | None = None,
) -> DeliveryReport:
    """Deliver every alert the ledger owes `destination`, at most once each.

    `transport` defaults to the JSON-lines outbox `outbox/slack.jsonl` beside the
    warehouse, and `destination` to the one the transport serves (`destination_of`).
    Interrupted attempts are reconciled against the transport before anything is posted,
    so running this twice sends nothing the second time. One delivery runs at a time
    (`Warehouse.delivering`): another process's run is waited for, not raced.
    `retry_failed` first returns the alerts that gave up to pending; `dry_run` plans the
    messages and sends none.
    """
    from spacebrief.alerts.delivery import Limits, deliver
    from spacebrief.alerts.transports import OutboxTransport
    from spacebrief.warehouse import alerts as ledger_sql
    from spacebrief.warehouse.ledger import WarehouseLedger

    transport = transport or OutboxTransport(warehouse.path.parent / "outbox" / "slack.jsonl")
    destination = destination or destination_of(transport)
    with ExitStack() as stack:
        if not dry_run:  # one delivery at a time: rows left `sending` are a dead run's
            stack.enter_context(warehouse.delivering())
        hour_ago = datetime.now(UTC) - timedelta(hours=1)
        opener = warehouse.read if dry_run else warehouse.write
        retried = 0
        with opener() as con:
            if retry_failed and not dry_run:
                retried = ledger_sql.retry_failed(con, destination)
            owed = ledger_sql.owed_alerts(con, destination, include_failed=retry_failed and dry_run)
            roots = ledger_sql.story_roots(con, destination)
            recent = ledger_sql.messages_sent_since(con, destination, hour_ago)
        ledger = WarehouseLedger(warehouse)
        if isinstance(transport, OutboxTransport) and not dry_run:
            stack.enter_context(ledger.held())  # a local file: one connection for the run
        report = deliver(
            owed,
            roots,
            sent_last_hour=recent,
            limits=limits or Limits(),
            transport=transport,
            ledger=ledger,
            dry_run=dry_run,
            on_progress=on_progress,
        )
    report.retried = retried
    return report


def backfill_reading_room(
    warehouse: Warehouse,
    *,
    reread_actors: bool = False,
    on_progress: ProgressCallback | None = None,
) -> BackfillReport:
    """Read the stored items the classify step has not read for actors and stories (every
    classified item with `reread_actors`, after the gazetteer changed), in publication
    order, a chunk per transaction; and record which items the editions written before
    citations were kept cite. Re-running does only what is left."""
    import json

    from spacebrief.warehouse import transaction
    from spacebrief.warehouse.editions import record_edition_citations
    from spacebrief.warehouse.labels import refresh_current_classifications
    from spacebrief.warehouse.stories import (
        BackfillReport,
        backfill_chunks,
        editions_without_citations,
        items_to_backfill,
        refresh_actor_months,
        store_actors,
        store_stories,
    )

    with warehouse.write() as con, transaction(con):
        refresh_current_classifications(con)
        item_ids = items_to_backfill(con, reread=reread_actors)
        editions = editions_without_citations(con)
    done = actors = 0
    if on_progress:
        on_progress(0, len(item_ids))
    for chunk in backfill_chunks(item_ids):
        with warehouse.write() as con, transaction(con):
            actors += store_actors(con, chunk, replace=reread_actors)
            store_stories(con, chunk)
        done += len(chunk)
        if on_progress:
            on_progress(done, len(item_ids))
    if reread_actors:  # placed items keep their stories, so recount their actors' months
        with warehouse.write() as con, transaction(con):
            refresh_actor_months(con)
    recorded = 0
    for edition_id, json_path in editions:
        try:
            citations = json.loads(Path(json_path or "").read_text(encoding="utf-8"))["citations"]
            pairs = [(int(c["number"]), str(c["item_id"])) for c in citations]
        except (OSError, ValueError, KeyError, TypeError):
            log.warning(
                "The edition %s has no readable JSON file; its citations are skipped.", edition_id
            )
            continue
        with warehouse.write() as con, transaction(con):
            record_edition_citations(con, edition_id, pairs)
        recorded += 1
    return BackfillReport(items=len(item_ids), actors=actors, editions=recorded)
