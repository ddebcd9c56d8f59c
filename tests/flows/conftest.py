"""Feeds and environment shared by the flow tests.

The watch-list story is written so the real classifier tags it W2 (sanctions on Russia's
space sector); the other item is plainly off-theme.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.ingest.feed_server import FeedServer, entry, rss_feed

WATCHLIST_TITLE = "Treasury sanctions Roscosmos suppliers over satellite electronics"
WATCHLIST_STORY = entry(
    1,
    title=WATCHLIST_TITLE,
    summary=(
        "Washington added sanctions on Russian space-sector firms that supply Roscosmos and "
        "the Glonass programme, banning exports of satellite electronics to Russia's space "
        "industry."
    ),
    link="https://orbit-desk.example/2026/11/roscosmos-suppliers-sanctioned",
    published=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
)
OFF_THEME_STORY = entry(
    2,
    title="Town bakery wins a regional bread prize",
    summary="A bakery in the town centre won a regional prize for its sourdough loaf.",
    link="https://orbit-desk.example/2026/11/bakery-prize",
    published=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
)
ILRS_STORY = entry(
    3,
    title="Pakistan's SUPARCO joins China's International Lunar Research Station",
    summary=(
        "Pakistan signed an agreement with the China National Space Administration to join "
        "the ILRS lunar base project, adding another Global South partner."
    ),
    link="https://orbit-desk.example/2026/11/suparco-joins-ilrs",
    published=datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
)


def feed(*stories: dict[str, object]) -> bytes:
    return rss_feed("Orbit desk", stories)


@pytest.fixture(autouse=True)
def recorded_stories_are_news(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stories above are dated November 2026: the flow tests count them as news (a
    ten-year horizon); tests/alerts/test_news.py covers the 48-hour default."""
    monkeypatch.setenv("SPACEBRIEF_ALERT_NEWS_HORIZON_HOURS", str(24 * 3650))


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture
def restored_environ() -> Iterator[None]:
    """Commands set Prefect defaults in os.environ; put the environment back afterwards."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
