"""Serve's wake-up loop asks `feeds_due` each minute: it reads the stored schedules within
today's poll bounds, so lowered bounds wake it for a feed planned under the old ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spacebrief.flows.serve import feeds_due
from spacebrief.flows.settings import Settings
from tests.ingest.conftest import ingest, write_catalog
from tests.ingest.feed_server import entry, rss_feed


def test_lowered_poll_bounds_wake_serve_for_a_feed_planned_at_the_old_maximum(
    home, feed_server, tmp_path
):
    """The issue's `SPACEBRIEF_POLL_MAX_SECONDS=60 spacebrief serve` said "not due yet"."""
    now = datetime.now(UTC)
    quiet = [entry(1000 + n, published=now - timedelta(days=9 * n)) for n in (1, 2)]
    feed_server.serve("/quiet.xml", rss_feed("Quiet", quiet), etag='"q1"')
    catalog = str(write_catalog(tmp_path, feed_server, ["/quiet.xml"]))
    # planned at the default maximum, 2 h, in the warehouse serve's wake-up reads
    assert ingest(Settings().warehouse(), catalog, clock=lambda: now).fetched == 1

    later = now + timedelta(seconds=3)
    assert feeds_due(Settings(poll_min_seconds=1, poll_max_seconds=2), catalog, later)
    assert not feeds_due(Settings(), catalog, later)  # the default minimum: 5 min
    assert not feeds_due(Settings(poll_min_seconds=1, poll_max_seconds=2), catalog, now)
