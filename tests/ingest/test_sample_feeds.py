"""The recorded sample feeds read as an analyst expects: outlets by name, languages per item."""

from __future__ import annotations

from datetime import UTC, datetime

from spacebrief.ingest._read import read_feed
from spacebrief.ingest.sources import load_sources
from spacebrief.settings import seeds_dir


def _read_samples() -> dict[str, list]:
    readings = {}
    for source in load_sources(str(seeds_dir() / "samples")):
        with open(source.url, "rb") as feed:
            reading = read_feed(feed.read(), {}, None, source, datetime.now(UTC))
        readings[source.source_id] = list(reading.items)
    return readings


def test_a_feed_file_is_named_by_its_own_title_not_its_file_name() -> None:
    items = _read_samples()["launchpad-lab-roundup"]
    assert {item.source_name for item in items} == {"Launchpad & Lab Roundup"}
    assert {item.source_id for item in items} == {"launchpad-lab-roundup"}


def test_an_items_own_dc_language_wins_over_the_channels() -> None:
    readings = _read_samples()
    assert "ru" in {item.language for item in readings["eurasia-orbit-digest"]}
    assert "es" in {item.language for item in readings["southern-cone-space-review"]}
    assert "fr" in {item.language for item in readings["africa-space-desk"]}
