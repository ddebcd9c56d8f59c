"""The ingest tests' fixtures: a feed server on 127.0.0.1, catalogs naming its feeds, and
the ingest library run on a real warehouse through its own API (`ingest_sources` with the
warehouse's store), as every caller of the library runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacebrief.ingest import FetchPolicy, IngestSummary, ingest_sources, load_sources
from spacebrief.ingest._fetch import utc_now
from spacebrief.ingest.engine import BATCH_ITEMS
from spacebrief.ingest.schedule import PollRules
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.ingest_store import WarehouseIngestStore
from tests.ingest.feed_server import FeedServer

FIXTURES = Path(__file__).parent / "fixtures"

# The feed servers listen on 127.0.0.1 and answer at once: short timeouts, loopback allowed.
LOCAL = FetchPolicy(connect_timeout=2.0, read_timeout=2.0, total_timeout=6.0, allow_private=True)


def ingest(
    warehouse: Warehouse,
    location: str,
    *,
    policy: FetchPolicy = LOCAL,
    rules: PollRules | None = None,
    force: bool = False,
    batch_items: int = BATCH_ITEMS,
    refetch_content: bool = False,
    progress: Callable[[int, int], None] | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> IngestSummary:
    """One ingest run of the catalog at `location` (a sources.yaml, a folder, a feed URL)."""
    return ingest_sources(
        load_sources(location),
        WarehouseIngestStore(warehouse),
        fetch_policy=policy,
        poll_rules=rules,
        force=force,
        batch_items=batch_items,
        refetch_content=refetch_content,
        progress=progress,
        clock=clock,
    )


def write_catalog(folder: Path, server: FeedServer, paths: list[str]) -> Path:
    """A sources.yaml naming the server's feeds at `paths`, one source each."""
    lines = [f"  - {{name: 'Feed {p}', url: '{server.url(p)}'}}" for p in paths]
    catalog = folder / "sources.yaml"
    catalog.write_text("sources:\n" + "\n".join(lines) + "\n")
    return catalog


def stored_ids(warehouse: Warehouse) -> set[str]:
    with warehouse.read() as con:
        return {row[0] for row in con.execute("SELECT item_id FROM items").fetchall()}


def fetch_rows(warehouse: Warehouse) -> list[tuple]:
    with warehouse.read() as con:
        return con.execute(
            "SELECT source_id, status, http_status, bytes, entries, new_items, error "
            "FROM fetches ORDER BY fetch_id"
        ).fetchall()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def cli(home: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI in a fresh SPACEBRIEF_HOME, 200 columns wide."""
    # COLUMNS, not console.width: setting the width pins it for every later test.
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()
