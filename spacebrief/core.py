"""The API: `open()` gives one `Spacebrief` handle with every operation on it.

As reader's `make_reader` gives one `Reader`, `spacebrief.open(path)` gives one handle
for a warehouse and its settings: ingest, classify, editions, alerts, sources, watch
rules, feedback, training, queries. The CLI and the flows call nothing else, so there is
one way to run each step, and a notebook runs it the same way. The operations live in
the private `spacebrief._<area>` modules; this module is the door.

Each call opens its own short connection to the DuckDB file (an analyst's session gets
in between), so the handle holds no file between calls. Every call is synchronous and
safe inside a running event loop (a notebook, an async web handler): async work under
it runs on a worker thread's own loop there (`spacebrief._async`).

    import spacebrief

    with spacebrief.open("spacebrief.duckdb") as sb:
        sb.ingest("seeds/sources.yaml")
        sb.classify()
        edition = sb.build_edition(day=date(2025, 3, 24))
        sb.deliver_alerts()          # the JSON-lines outbox beside the file by default
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from spacebrief import _alerts, _classify, _editions, _ingest, _learning, _reading
from spacebrief._alerts import AlertsSummary, SearchResult
from spacebrief._classify import ClassifySummary
from spacebrief._editions import EditionSummary, EmailSummary, Format
from spacebrief._ingest import CatalogEdit
from spacebrief._learning import Feedback, PromotionSummary, TrainSummary
from spacebrief.settings import Settings, load_settings

if TYPE_CHECKING:
    from spacebrief.alerts.feedback import Click, ClickOutcome
    from spacebrief.alerts.socket_listener import FeedbackListener
    from spacebrief.alerts.transports import Transport
    from spacebrief.classifiers.batch import EvalReport
    from spacebrief.classifiers.classifier import Classifier
    from spacebrief.classifiers.pending import BatchMap
    from spacebrief.classifiers.types import Classification, TextItem
    from spacebrief.digest.types import Edition
    from spacebrief.ingest import FetchPolicy
    from spacebrief.ingest.engine import IngestSummary
    from spacebrief.ingest.types import Item, Source
    from spacebrief.warehouse import Warehouse
    from spacebrief.warehouse.query import QueryResult
    from spacebrief.warehouse.sources import SourceHealth
    from spacebrief.warehouse.stories import BackfillReport
    from spacebrief.warehouse.train_attempts import TrainAttemptRow
    from spacebrief.warehouse.watch_rules import WatchRule

ProgressCallback = Callable[[int, int], None]
"""`on_progress(done, total)`: long work says how far it is (the CLI draws a bar)."""

PathArgument = str | PathLike[str]


def open(path: PathArgument | None = None, *, settings: Settings | None = None) -> Spacebrief:
    """The handle for the warehouse at `path` (default: the configured one).

    `settings` default to the environment and spacebrief.toml (`load_settings()`); when
    only a `path` is given, the files that belong with the warehouse (editions, outbox,
    e-mail journal, a refitted head) live in its folder. Nothing is opened yet: the first
    write creates the file and applies the migrations.
    """
    if settings is None:
        settings = (
            load_settings(home=Path(path).expanduser().absolute().parent)
            if path is not None
            else load_settings()
        )
    return Spacebrief(Path(path) if path is not None else settings.warehouse_path, settings)


def load_classifier(
    taxonomy_path: PathArgument | None = None, head_path: PathArgument | None = None
) -> Classifier:
    """The classifier for this taxonomy and fitted head (default: the packaged ones, and
    the packaged head too while `head_path` does not exist), loaded once per process and
    model: a promoted head or a new taxonomy version is loaded afresh."""
    return _classify.cached_classifier(taxonomy_path, head_path)


class Spacebrief:
    """One warehouse with its settings, and every operation on it.

    Get one from `spacebrief.open()`; use it as a context manager or call `close()`.
    """

    def __init__(self, path: Path, settings: Settings) -> None:
        from spacebrief.warehouse import Warehouse

        self.settings = settings
        self.warehouse: Warehouse = Warehouse(path, lock_wait_seconds=settings.lock_wait_seconds)
        self._room: Any = None  # the reading room's held reader, while it serves

    @property
    def path(self) -> Path:
        """The DuckDB file."""
        return self.warehouse.path

    def __repr__(self) -> str:
        return f"<Spacebrief {self.path}>"

    def __enter__(self) -> Spacebrief:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Let go of what the handle holds (the reading room's read-only instance); safe
        to call twice, and the handle may be used again afterwards."""
        room, self._room = self._room, None
        if room is not None:
            room.close()

    @contextmanager
    def writing_as(self, purpose: str) -> Iterator[None]:
        """Name the writes made inside (e.g. "spacebrief classify"): a process that finds
        the warehouse busy reads the name, with the process id, in the holder file."""
        from spacebrief.warehouse.write_lock import writing_as

        with writing_as(purpose):
            yield

    def initialise(self) -> list[int]:
        """Create the warehouse if needed and bring its schema current; the migrations
        applied (a damaged file is one sentence here, before any work)."""
        return self.warehouse.initialise()

    # --- feeds ---------------------------------------------------------------------

    def ingest(
        self,
        sources: str | PathLike[str] | Sequence[Source] | None = None,
        *,
        force: bool = False,
        refetch_content: bool = False,
        policy: FetchPolicy | None = None,
        batch_items: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> IngestSummary:
        """Fetch, parse, deduplicate, cluster and store the items of the feeds that are
        due: the configured catalog, or a catalog file (sources.yaml, OPML), a feed URL,
        a feed file, a folder of feed files, or `Source` records. A feed is fetched again
        only when its schedule says so (`force`: now); re-running adds only what is new.
        `refetch_content` extracts again the article pages of full-text sources.
        `policy` replaces the configured concurrency, timeouts and size caps;
        `batch_items` the new items held before they are written (2,000)."""
        return _ingest.ingest(
            self,
            sources,
            force=force,
            refetch_content=refetch_content,
            policy=policy,
            batch_items=batch_items,
            on_progress=on_progress,
        )

    def fetch_now(
        self,
        *names: str,
        location: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> IngestSummary:
        """Fetch these sources of the catalog (a name, an id or a URL each; none: all of
        them) now, whatever their schedule or backoff."""
        return _ingest.fetch_now(self, names, location, on_progress)

    def sources(self, location: str | None = None, *, every: bool = False) -> list[SourceHealth]:
        """The catalog's sources (`location`, default the configured one) as the
        warehouse knows them: health, schedule (the next fetch moved within today's
        poll bounds) and full-text extraction; with `every`, every source ever seen."""
        return _ingest.source_rows(self, location, every)

    def add_source(
        self,
        url: str,
        *,
        name: str | None = None,
        catalog: PathArgument | None = None,
        full_text: bool = False,
        tags: Sequence[str] = (),
    ) -> CatalogEdit:
        """Find a site's feed (`<link rel="alternate">`), check it parses, and append it
        to the catalog file (default: the configured sources.yaml), keeping its comments."""
        return _ingest.add_source(
            self, url, name=name, catalog=catalog, full_text=full_text, tags=tags
        )

    def remove_source(self, name: str, *, catalog: PathArgument | None = None) -> CatalogEdit:
        """Take a source (its name, id or URL) out of the catalog file; its stored items
        stay in the warehouse."""
        return _ingest.remove_source(self, name, catalog)

    def import_opml(
        self, opml: PathArgument, *, catalog: PathArgument | None = None, full_text: bool = False
    ) -> CatalogEdit:
        """Add an OPML file's http(s) feeds to the catalog file (folders become tags);
        known feeds are left as they are, the refused outlines said in one sentence each."""
        return _ingest.import_opml(self, opml, catalog=catalog, full_text=full_text)

    def export_opml(self, location: PathArgument | None = None) -> str:
        """The catalog (default: the configured one) as OPML 2.0, our fields as attributes."""
        return _ingest.export_opml(self, location)

    def feeds_due(self, location: str | None = None, now: datetime | None = None) -> bool:
        """Whether a feed of the catalog is due now (a new one counts); False while the
        warehouse is busy."""
        return _ingest.feeds_due(self, location, now)

    # --- classify ------------------------------------------------------------------

    @property
    def head_path(self) -> Path:
        """Where a head refitted on feedback lives (until one does, the packaged head
        decides)."""
        return _classify.head_path(self.settings)

    def classifier(self) -> Classifier:
        """The configured classifier (taxonomy, and the refitted head once there is one),
        loaded once per process and model (`load_classifier`)."""
        return _classify.configured_classifier(self.settings)

    def classify(
        self,
        *,
        relabel: bool = False,
        news_since: datetime | None = None,
        batches: int | None = None,
        map_batches: BatchMap | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> ClassifySummary:
        """Label the stored items the classifier has not labelled (every item with
        `relabel`), owe an alert for each watch-list story over its bar that is news
        (published after `news_since`, by default the configured horizon), then store an
        English reading of each new story not in English. Each chunk's labels and the
        alerts they owe are written in one transaction. `map_batches` runs the model
        elsewhere (a Dask cluster) on `batches` parts."""
        return _classify.classify(
            self,
            relabel=relabel,
            news_start=news_since,
            batches=batches,
            map_batches=map_batches,
            on_progress=on_progress,
        )

    def classify_texts(self, texts: Sequence[str | TextItem]) -> list[Classification]:
        """Classify texts without the warehouse: a string is a title and gets its
        position as its id; a `TextItem` keeps its own id, summary, language and text."""
        return _classify.classify_texts(self.classifier(), texts)

    def classify_records(self, input: PathArgument) -> Iterator[Mapping[str, object]]:
        """Classify a JSON-lines file of `{id, title, summary}`, yielding one result
        record per line, in chunks (memory stays flat on a large file)."""
        return _classify.classify_lines(self.classifier(), Path(input))

    def classify_file(
        self,
        input: PathArgument,
        output: PathArgument,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> tuple[int, int]:
        """Classify a JSON-lines file into another; returns (items, on-theme items)."""
        from spacebrief.classifiers.batch import classify_file

        return classify_file(self.classifier(), Path(input), Path(output), on_progress)

    def evaluate(
        self,
        input: PathArgument,
        *,
        feeds: PathArgument | None = None,
        head: PathArgument | None = None,
    ) -> EvalReport:
        """Per-trend F1, relevance accuracy, and what a stream feels (false-positive rate,
        false Slack alerts per 1,000 items at the configured bar, calibration), on a
        labelled JSON-lines file, or on feed labels with `feeds` (a folder of feed
        files), for the configured classifier or the head at `head`."""
        return _learning.evaluate(self, input, feeds=feeds, head=head)

    # --- learning ------------------------------------------------------------------

    def feedback(
        self, item_id: str, trend_id: str, supports: bool, *, analyst: str | None = None
    ) -> Feedback:
        """Record an analyst's verdict on an item for a trend; `train` learns from it."""
        return _learning.record_feedback(self, item_id, trend_id, supports, analyst)

    def train(
        self,
        *,
        tune_on: PathArgument | None = None,
        output: PathArgument | None = None,
        use_feedback: bool = True,
    ) -> TrainSummary:
        """Refit the classifier head on the written examples, the taxonomy and the
        analysts' feedback (thresholds tuned on `tune_on` when given); the head goes
        where the classifier is loaded from, or to `output`."""
        return _learning.train(self, tune_on=tune_on, output=output, use_feedback=use_feedback)

    def train_and_promote(
        self, *, force: bool = False, eval_paths: Sequence[Path] | None = None
    ) -> PromotionSummary:
        """Refit on feedback newer than the last attempt (any with `force`) and promote
        the new head only when it is no worse; every attempt is recorded."""
        return _learning.train_and_promote(self, eval_paths=eval_paths, force=force)

    def train_status(self) -> list[TrainAttemptRow]:
        """Every refit attempt, newest first: versions, figures, decision and why."""
        return _learning.train_status(self)

    # --- editions ------------------------------------------------------------------

    def build_edition(
        self, day: date | None = None, days: int | None = None, *, top_stories: int | None = None
    ) -> Edition:
        """The edition of the `days`-day window ending with `day` (default: today, UTC,
        and the configured window), from what the warehouse holds; the same data always
        gives the same edition."""
        return _editions.build(self, day, days, top_stories)

    def render_edition(self, edition: Edition, format: Format = "markdown") -> str:
        """An edition as Markdown, HTML (a self-contained page), plain text or JSON."""
        return _editions.render(edition, format)

    def write_edition(
        self,
        day: date | None = None,
        days: int | None = None,
        *,
        out_dir: PathArgument | None = None,
    ) -> EditionSummary:
        """Build the edition and write it (.md, .html, .txt, .json) to the editions
        folder (or `out_dir`), and record it in the warehouse."""
        return _editions.write(self, day, days, out_dir)

    def email_edition(self, edition: EditionSummary) -> EmailSummary:
        """E-mail a written edition to the configured recipients, once per recipient
        across crashes."""
        return _editions.email(self, edition)

    def post_edition(self, edition: EditionSummary) -> bool:
        """Announce a written edition to Slack (or the outbox) once, when the settings
        ask for edition posts; whether it was posted now."""
        return _editions.post(self, edition)

    # --- alerts and watch rules ----------------------------------------------------

    def deliver_alerts(
        self,
        *,
        dry_run: bool = False,
        retry_failed: bool = False,
        transport: Transport | None = None,
        destination: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> AlertsSummary:
        """Deliver every alert the ledger owes, at most once each: to the configured
        Slack channel, webhook or outbox, or through `transport`. Interrupted attempts
        are reconciled before anything is posted, so running this twice sends nothing
        the second time. `retry_failed` first returns the alerts that gave up to
        pending; `dry_run` plans the messages, says why the others ping nobody, and
        sends nothing."""
        return _alerts.deliver(
            self,
            transport=transport,
            where=destination,
            dry_run=dry_run,
            retry_failed=retry_failed,
            on_progress=on_progress,
        )

    def add_watch_rule(
        self,
        name: str,
        query: str,
        *,
        mute: bool = False,
        channels: Sequence[str] = (),
        analyst: str | None = None,
    ) -> bool:
        """Add (or replace: True) a watch rule, always alerting on matching stories, or
        with `mute` a mute rule, never alerting on them; it decides the alerts of stories
        classified from now on."""
        return _alerts.add_watch_rule(
            self, name, query, mute=mute, channels=channels, analyst=analyst
        )

    def watch_rules(self) -> list[WatchRule]:
        """The rules in force."""
        return _alerts.watch_rules(self)

    def watch_rule_history(self) -> list[tuple]:
        """Every add, replace and remove: (when, rule, action, kind, query, by)."""
        return _alerts.watch_rule_history(self)

    def remove_watch_rule(self, name: str, *, analyst: str | None = None) -> WatchRule:
        """Remove a rule (its history stays)."""
        return _alerts.remove_watch_rule(self, name, analyst)

    def search(self, query: str, *, days: int = 30) -> SearchResult:
        """What a query in the watch rules' language matches among the last `days` days'
        items (what a rule would have matched): alerts nobody."""
        return _alerts.search(self, query, days)

    def record_click(
        self,
        click: Click,
        *,
        item_id: str | None = None,
        trend_id: str | None = None,
        lock_wait_seconds: float | None = None,
    ) -> ClickOutcome:
        """A feedback button's click, in one write: on an alert (Slack's buttons), or on
        an item's label (`item_id`, `trend_id`: the reading room's, where no alert was
        sent). `lock_wait_seconds` bounds the wait for a busy file (a Slack click must be
        acknowledged within 3 s)."""
        return _alerts.record_click(
            self, click, item_id=item_id, trend_id=trend_id, lock_wait_seconds=lock_wait_seconds
        )

    def feedback_listener(self, **options: object) -> FeedbackListener:
        """The Slack Socket Mode listener that records the feedback buttons' clicks."""
        return _alerts.feedback_listener(self, **options)

    # --- reading -------------------------------------------------------------------

    def items(
        self,
        *,
        item_ids: Sequence[str] | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[Item]:
        """Stored items, newest first: these ids (all when None), published at or after
        `since`, at most `limit`. The SQL views show the same rows."""
        return _reading.items(self, item_ids, since, limit)

    def classifications(self, item_ids: Sequence[str] | None = None) -> list[Classification]:
        """Each item's latest classification, its trend labels best first, for these
        items (every classified one when None), by item id."""
        return _reading.classifications(self, item_ids)

    def query(self, sql: str, *, limit: int | None = None) -> QueryResult:
        """Run SQL that reads the warehouse (SELECT, EXPLAIN, PRAGMA only), on a
        read-only connection without access to other files, extensions or the network,
        within the configured memory limit."""
        return _reading.query(self, sql, limit)

    def backfill(
        self, *, reread_actors: bool = False, on_progress: ProgressCallback | None = None
    ) -> BackfillReport:
        """Read stored items for the actors they name and the stories they join, and
        record which items older editions cite (re-running does only what is left)."""
        return _reading.backfill(self, reread_actors=reread_actors, on_progress=on_progress)

    def items_waiting(self) -> bool:
        """Whether stored items wait for the classifier; False while the file is busy."""
        return _reading.items_waiting(self)

    def oldest_published(self) -> datetime | None:
        """When the oldest stored item was published (where a recorded set's news starts)."""
        return _reading.oldest_published(self)

    def newest_day(self) -> date | None:
        """The day (UTC) of the newest stored item."""
        return _reading.newest_day(self)

    # --- the reading room ----------------------------------------------------------

    def serve_reading_room(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8700,
        on_ready: Callable[[str], None] | None = None,
    ) -> None:
        """Serve the reading room until Ctrl-C; the configured token lets analysts teach
        (without it the room is read-only and stays on this machine). `on_ready` hears a
        sentence saying where, once it can listen there."""
        from spacebrief.web.server import serve

        serve(self, host=host, port=port, on_ready=on_ready)
