"""The reading room under test: the sample feeds' warehouse, served by a real uvicorn
server on 127.0.0.1, read with httpx (and Chromium, in test_browser.py)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn

import spacebrief
from spacebrief import Settings
from spacebrief.warehouse import Warehouse
from spacebrief.web.app import create_app
from spacebrief.web.config import RoomConfig

EDITION_DATE = date(2025, 3, 24)  # the sample feeds' last day
TOKEN = "test-feedback-token-0123456789"


@pytest.fixture(scope="session")
def sample_room(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The demo's warehouse, built once: the samples ingested, classified (actors and
    stories with them), alerts delivered to the outbox, the 28-day edition written."""
    home = tmp_path_factory.mktemp("room-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPACEBRIEF_HOME", str(home))
        patch.setenv("SPACEBRIEF_CONFIG", str(home / "absent.toml"))
        settings = Settings()
        with spacebrief.open(settings=settings) as sb:
            sb.ingest(settings.samples_dir)
            # the demo's horizon: news as of the recordings' last day, as `spacebrief demo`
            news_since = datetime.combine(EDITION_DATE, datetime.min.time(), UTC)
            sb.classify(news_since=news_since - timedelta(days=60))
            sb.deliver_alerts()
            sb.write_edition(EDITION_DATE, 28)
    return Warehouse(settings.warehouse_path)


@pytest.fixture
def room_warehouse(sample_room: Warehouse, tmp_path: Path) -> Warehouse:
    """A copy of the sample warehouse this test may write to."""
    copy = tmp_path / "room.duckdb"
    shutil.copyfile(sample_room.path, copy)
    return Warehouse(copy, lock_wait_seconds=5)


@contextmanager
def serving(config: RoomConfig) -> Iterator[str]:
    """The room on a free port of 127.0.0.1 until the block ends; yields its base URL."""
    # proto IPPROTO_TCP, as uvicorn's own sockets have: asyncio then sets TCP_NODELAY on
    # each connection (with proto 0 it does not, and keep-alive requests wait 40 ms for
    # delayed ACKs)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


RoomFactory = Callable[..., RoomConfig]


@pytest.fixture
def room_config(room_warehouse: Warehouse) -> RoomFactory:
    def make(**overrides: object) -> RoomConfig:
        values: dict[str, object] = {
            "handle": spacebrief.open(room_warehouse.path),
            "token": None,
            "today": lambda: EDITION_DATE,
            "page_size": 10,
        }
        values.update(overrides)
        return RoomConfig(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def read_only_room(room_config: RoomFactory) -> Iterator[httpx.Client]:
    with serving(room_config()) as base, httpx.Client(base_url=base, timeout=20) as client:
        yield client


@pytest.fixture
def teaching_room(room_config: RoomFactory) -> Iterator[httpx.Client]:
    with (
        serving(room_config(token=TOKEN)) as base,
        httpx.Client(base_url=base, timeout=20) as client,
    ):
        yield client
