"""The handle's reading: stored items and labels, analyst SQL, the reading room's backfill.

Every read is a short read-only connection, so an analyst's `duckdb` session and the
runs get in between.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacebrief.classifiers.types import Classification
    from spacebrief.core import ProgressCallback, Spacebrief
    from spacebrief.ingest.types import Item
    from spacebrief.warehouse.query import QueryResult
    from spacebrief.warehouse.stories import BackfillReport

log = logging.getLogger(__name__)


def items(
    sb: Spacebrief, item_ids: Sequence[str] | None, since: datetime | None, limit: int | None
) -> list[Item]:
    from spacebrief.warehouse.items import stored_items

    with sb.warehouse.read() as con:
        return stored_items(con, item_ids=item_ids, since=since, limit=limit)


def classifications(sb: Spacebrief, item_ids: Sequence[str] | None) -> list[Classification]:
    from spacebrief.warehouse.labels import latest_classifications

    with sb.warehouse.read() as con:
        return latest_classifications(con, item_ids)


def query(sb: Spacebrief, sql: str, limit: int | None) -> QueryResult:
    from spacebrief.warehouse.query import run_query

    settings = sb.settings
    with sb.warehouse.read() as con:
        return run_query(
            con,
            sql,
            limit,
            memory_limit_bytes=settings.query_memory_limit_bytes,
            memory_limit_name=f"the query memory limit ({settings.query_memory_limit})",
            memory_limit_setting="query_memory_limit",
        )


def items_waiting(sb: Spacebrief) -> bool:
    """Whether stored items wait for a classifier, whoever stored them; False when the
    warehouse is busy or absent."""
    from spacebrief.warehouse import Warehouse
    from spacebrief.warehouse.exceptions import WarehouseError
    from spacebrief.warehouse.items import count_unclassified

    if not sb.path.exists():
        return False
    try:
        with Warehouse(sb.path, lock_wait_seconds=1).read() as con:
            return count_unclassified(con) > 0
    except WarehouseError:
        return False  # busy (a run is writing) or not migrated yet: look again soon


def oldest_published(sb: Spacebrief) -> datetime | None:
    from spacebrief.warehouse.items import earliest_published_at

    with sb.warehouse.read() as con:
        return earliest_published_at(con)


def newest_day(sb: Spacebrief) -> date | None:
    from datetime import UTC

    from spacebrief.warehouse.items import latest_published_at

    with sb.warehouse.read() as con:
        latest = latest_published_at(con)
    return latest.astimezone(UTC).date() if latest else None


def backfill(
    sb: Spacebrief, *, reread_actors: bool, on_progress: ProgressCallback | None
) -> BackfillReport:
    """Read the stored items the classify step has not read for actors and stories (every
    classified item with `reread_actors`, after the gazetteer changed), in publication
    order, a chunk per transaction; and record which items the editions written before
    citations were kept cite. Re-running does only what is left."""
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

    warehouse = sb.warehouse
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
