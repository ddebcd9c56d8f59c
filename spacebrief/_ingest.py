"""The handle's feeds: ingest with the poll rules, and the catalog like a feed reader's.

The engine (`ingest.engine.ingest_sources`) knows neither the settings nor the warehouse;
this module turns the settings into its fetch policy and poll rules and hands it the
warehouse as its store. The catalog operations edit the sources.yaml the settings name
(or the one given), keeping its comments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from spacebrief.ingest.exceptions import IngestError

if TYPE_CHECKING:
    from spacebrief.core import ProgressCallback, Spacebrief
    from spacebrief.ingest import FetchPolicy, Source
    from spacebrief.ingest.engine import IngestSummary
    from spacebrief.ingest.schedule import PollRules
    from spacebrief.settings import Settings
    from spacebrief.warehouse.sources import SourceHealth

# The ingest folder (feedparser, httpx, trafilatura) loads when a feed is read, not when
# the handle is opened (`spacebrief query` starts in about a second): its names are
# imported where they are used.


@dataclass(frozen=True)
class CatalogEdit:
    """What an edit of the catalog did: `action` is added, present (the feed was there
    already), removed or imported."""

    catalog: Path
    action: str
    name: str = ""  # the source added or removed
    url: str = ""
    entries: int = 0  # entries the added feed holds now
    added: int = 0  # sources an import added
    already: int = 0  # sources an import found there already
    refused: tuple[str, ...] = ()  # one sentence per OPML outline refused

    def describe(self) -> str:
        if self.action == "present":
            return f"{self.url} is already in {self.catalog}."
        if self.action == "removed":
            return f"Removed {self.name} from {self.catalog}."
        if self.action == "imported":
            refused = f"; {len(self.refused)} refused" if self.refused else ""
            return (
                f"Imported {self.added} source(s) into {self.catalog}; "
                f"{self.already} already there{refused}."
            )
        return f"Added {self.name} ({self.url}, {self.entries} entries now) to {self.catalog}."


def fetch_policy(settings: Settings) -> FetchPolicy:
    from spacebrief.ingest import FetchPolicy

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


def poll_rules(settings: Settings) -> PollRules:
    from spacebrief.ingest.schedule import PollRules

    return PollRules(
        min_interval=timedelta(seconds=settings.poll_min_seconds),
        max_interval=timedelta(seconds=settings.poll_max_seconds),
    )


def catalog_of(
    settings: Settings, sources: str | PathLike[str] | Sequence[Source] | None
) -> list[Source]:
    """The sources a location names (default: the configured catalog), or these ones."""
    from spacebrief.ingest import load_sources

    if sources is None:
        return load_sources(settings.sources_location)
    if isinstance(sources, str | PathLike):
        return load_sources(str(sources))
    return list(sources)


def ingest(
    sb: Spacebrief,
    sources: str | PathLike[str] | Sequence[Source] | None,
    *,
    force: bool,
    refetch_content: bool,
    policy: FetchPolicy | None,
    batch_items: int | None = None,
    on_progress: ProgressCallback | None,
) -> IngestSummary:
    from spacebrief.ingest.engine import BATCH_ITEMS, ingest_sources
    from spacebrief.warehouse.ingest_store import WarehouseIngestStore

    chosen = catalog_of(sb.settings, sources)
    with sb.warehouse.exclusive("ingest"):  # one ingest at a time: no feed fetched twice
        return ingest_sources(
            chosen,
            WarehouseIngestStore(sb.warehouse),
            fetch_policy=policy or fetch_policy(sb.settings),
            poll_rules=poll_rules(sb.settings),
            force=force,
            batch_items=batch_items or BATCH_ITEMS,
            refetch_content=refetch_content,
            progress=on_progress,
        )


def named_sources(catalog: Sequence[Source], names: Sequence[str], where: str) -> list[Source]:
    """The catalog's sources these names (a name, an id or a URL each) stand for."""
    from spacebrief.ingest import source_key

    chosen = []
    for wanted in names:
        text = wanted.strip()
        for source in catalog:
            if text.casefold() in (source.name.casefold(), source.source_id) or (
                source_key(text) == source_key(source.url)
            ):
                chosen.append(source)
                break
        else:
            raise IngestError(
                f"There is no source {text!r} in {where}: the sources list names them.",
                source=text,
                parameter="name",
            )
    return chosen


def fetch_now(
    sb: Spacebrief, names: Sequence[str], location: str | None, on_progress: ProgressCallback | None
) -> IngestSummary:
    from spacebrief.ingest import load_sources

    where = location or sb.settings.sources_location
    catalog = load_sources(where)
    chosen = named_sources(catalog, names, where) if names else catalog
    return ingest(
        sb,
        chosen,
        force=True,
        refetch_content=False,
        policy=None,
        on_progress=on_progress,
    )


def source_rows(sb: Spacebrief, location: str | None, every: bool) -> list[SourceHealth]:
    """Each source's health (the catalog's, in health order, those never fetched last;
    every source ever seen with `every`), its next fetch moved within today's bounds."""
    from spacebrief.ingest import load_sources
    from spacebrief.ingest.schedule import within_bounds
    from spacebrief.ingest.types import SourceState
    from spacebrief.warehouse.sources import SourceHealth, resolve_sources, source_health

    catalog = [] if every else load_sources(location or sb.settings.sources_location)
    rows: list[SourceHealth] = []
    if sb.path.exists():
        with sb.warehouse.read() as con:
            if not every:
                catalog = resolve_sources(con, catalog)
            rows = source_health(con, None if every else [s.source_id for s in catalog])
    seen = {row.source_id for row in rows}
    rows += [
        SourceHealth(s.source_id, s.name, s.url, None, None, None, 0, 0, None, None)
        for s in catalog
        if s.source_id not in seen
    ]
    rules = poll_rules(sb.settings)

    def bounded(row: SourceHealth) -> SourceHealth:
        state = SourceState(
            row.source_id,
            consecutive_failures=row.consecutive_failures,
            next_fetch_at=row.next_fetch_at,
            poll_interval_seconds=row.poll_interval_seconds,
            schedule_reason=row.schedule_reason,
        )
        moved = within_bounds(state, rules)
        return replace(
            row,
            next_fetch_at=moved.next_fetch_at,
            poll_interval_seconds=moved.poll_interval_seconds,
            schedule_reason=moved.schedule_reason,
        )

    return [bounded(row) for row in rows]


def feeds_due(sb: Spacebrief, location: str | None, now: datetime | None) -> bool:
    """Whether a feed of the catalog is due (new in the catalog counts), its stored next
    fetch moved within today's poll bounds; False when the warehouse is busy."""
    from spacebrief.ingest import load_sources
    from spacebrief.ingest.schedule import is_due, within_bounds
    from spacebrief.warehouse import Warehouse
    from spacebrief.warehouse.exceptions import WarehouseError, WarehouseLocked
    from spacebrief.warehouse.sources import resolve_sources, source_states

    try:
        catalog = load_sources(location or sb.settings.sources_location)
    except IngestError:
        return False  # the next backstop run says what is wrong with the catalog
    if not sb.path.exists():
        return True
    try:
        with Warehouse(sb.path, lock_wait_seconds=1).read() as con:
            ids = [source.source_id for source in resolve_sources(con, catalog)]
            states = source_states(con, ids)
    except WarehouseLocked:
        return False  # a run is writing (here or in another process); look again soon
    except WarehouseError:
        return True
    rules, moment = poll_rules(sb.settings), now or datetime.now(UTC)
    return any(
        source_id not in states
        or is_due(within_bounds(states[source_id], rules).next_fetch_at, moment)
        for source_id in ids
    )


def catalog_path(settings: Settings, catalog: str | PathLike[str] | None) -> Path:
    """The sources.yaml an edit goes to (default: the configured catalog)."""
    path = Path(catalog) if catalog is not None else Path(settings.sources_location)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise IngestError(
            f"{path} is not a sources.yaml (a folder or a URL cannot be edited); name the "
            "sources.yaml to edit.",
            path=path,
            parameter="catalog",
        )
    return path.expanduser()


def add_source(
    sb: Spacebrief,
    url: str,
    *,
    name: str | None,
    catalog: str | PathLike[str] | None,
    full_text: bool,
    tags: Sequence[str],
) -> CatalogEdit:
    from spacebrief.ingest import CatalogFile, discover_feed

    path = catalog_path(sb.settings, catalog)
    edited = CatalogFile(path)
    found = discover_feed(url.strip(), policy=fetch_policy(sb.settings))
    entry: dict[str, object] = {"name": name or found.title or found.url, "url": found.url}
    if found.site:
        entry["site"] = found.site
    if full_text:
        entry["full_text"] = True
    if tags:
        entry["tags"] = list(tags)
    if not edited.add(entry):
        return CatalogEdit(path, "present", url=found.url)
    edited.save()
    added = str(edited.entries[-1]["name"])
    return CatalogEdit(path, "added", name=added, url=found.url, entries=found.entries)


def remove_source(sb: Spacebrief, name: str, catalog: str | PathLike[str] | None) -> CatalogEdit:
    from spacebrief.ingest import CatalogFile

    path = catalog_path(sb.settings, catalog)
    edited = CatalogFile(path)
    removed = edited.remove(name)
    edited.save()
    shown = str(removed.get("name") or removed.get("url"))
    return CatalogEdit(path, "removed", name=shown, url=str(removed.get("url") or ""))


def import_opml(
    sb: Spacebrief,
    opml: str | PathLike[str],
    *,
    catalog: str | PathLike[str] | None,
    full_text: bool,
) -> CatalogEdit:
    from spacebrief.ingest import MAX_OPML_BYTES, CatalogFile, read_opml

    path = catalog_path(sb.settings, catalog)
    with Path(opml).open("rb") as file:  # no more than the cap (and a byte to see it passed)
        document = file.read(MAX_OPML_BYTES + 1)
    found = read_opml(document, str(opml), allow_private=sb.settings.fetch_allow_private)
    entries = []
    for feed in found.feeds:
        entry = feed.catalog_entry()
        if full_text:
            entry["full_text"] = True
        entries.append(entry)
    edited = CatalogFile(path)
    added, skipped = edited.add_all(entries)
    edited.save()
    return CatalogEdit(path, "imported", added=added, already=skipped, refused=tuple(found.refused))


def export_opml(sb: Spacebrief, location: str | PathLike[str] | None) -> str:
    from spacebrief.ingest import write_opml

    return write_opml(catalog_of(sb.settings, location))
