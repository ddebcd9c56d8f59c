"""Specifications for the seed data: the recorded sample feeds, their intended labels and
the real-feed catalog. The offline demo and other parts of the suite rely on these."""

from __future__ import annotations

import calendar
import html
import io
import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
import yaml

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SAMPLES = SEEDS / "samples"
FEED_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in {".xml", ".atom", ".rdf"})
TREND_IDS = (
    [f"R{n}" for n in range(1, 7)] + [f"D{n}" for n in range(1, 7)] + [f"W{n}" for n in range(1, 8)]
)
EDITION_DAY = date(2025, 3, 24)
WINDOW_START = date(2025, 1, 27)


def _parse(path: Path) -> Any:
    return feedparser.parse(io.BytesIO(path.read_bytes()))


@pytest.fixture(scope="module")
def parsed() -> dict[str, Any]:
    return {path.name: _parse(path) for path in FEED_FILES}


@pytest.fixture(scope="module")
def entries(parsed: dict[str, Any]) -> list[Any]:
    return [entry for feed in parsed.values() for entry in feed.entries]


@pytest.fixture(scope="module")
def labels() -> dict[str, list[str]]:
    return yaml.safe_load((SAMPLES / "labels.yaml").read_text("utf-8"))


def _key(entry: Any) -> str:
    return entry.get("id") or entry.link


def _day(entry: Any) -> date:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC).date()


def _words(entry: Any) -> int:
    return len(html.unescape(re.sub(r"<[^>]+>", " ", entry.summary)).split())


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: p.name)
def test_every_sample_feed_parses_cleanly(path: Path) -> None:
    feed = _parse(path)
    assert feed.bozo is False, feed.get("bozo_exception")
    assert feed.feed.get("title")
    assert len(feed.entries) >= 5


def test_there_are_five_to_seven_sample_feeds_holding_at_least_72_entries(
    parsed: dict[str, Any], entries: list[Any]
) -> None:
    assert 5 <= len(parsed) <= 7
    assert len(entries) >= 72


def test_rss2_atom_and_rdf_formats_are_all_present(parsed: dict[str, Any]) -> None:
    versions = {feed.version for feed in parsed.values()}
    assert {"rss20", "atom10", "rss10"} <= versions


def test_every_entry_has_title_link_date_and_a_short_plain_summary(entries: list[Any]) -> None:
    for entry in entries:
        assert entry.get("title"), entry
        assert entry.get("published_parsed") or entry.get("updated_parsed"), entry.title
        assert 50 <= _words(entry) <= 90, entry.title


def test_links_point_at_reserved_example_domains_only(entries: list[Any]) -> None:
    for entry in entries:
        parts = urlsplit(entry.link)
        assert parts.scheme == "https"
        assert parts.hostname and parts.hostname.endswith(".example"), entry.link


def test_some_summaries_carry_html_markup_and_entities_for_cleaning(entries: list[Any]) -> None:
    marked_up = [e for e in entries if "<a " in e.summary and "<p>" in e.summary]
    with_entity = [e for e in entries if "&amp;" in e.summary]
    assert len(marked_up) >= 3
    assert len(with_entity) >= 3


def test_one_story_appears_in_two_feeds_under_the_same_link(parsed: dict[str, Any]) -> None:
    feeds_per_link: Counter[str] = Counter()
    for feed in parsed.values():
        for link in {entry.link for entry in feed.entries}:
            feeds_per_link[link] += 1
    assert [link for link, count in feeds_per_link.items() if count > 1]


def test_some_feeds_omit_guids_so_links_must_serve_as_keys(parsed: dict[str, Any]) -> None:
    assert any(all("id" not in e for e in feed.entries) for feed in parsed.values())


def test_newest_item_is_dated_on_or_just_before_the_sample_edition(entries: list[Any]) -> None:
    newest = max(_day(entry) for entry in entries)
    assert newest in {EDITION_DAY, date(2025, 3, 23)}


def test_labels_cover_every_entry_and_name_only_known_trends(
    entries: list[Any], labels: dict[str, list[str]]
) -> None:
    keys = {_key(entry) for entry in entries} | {entry.link for entry in entries}
    assert set(labels) <= keys, set(labels) - keys
    assert {_key(entry) for entry in entries} <= set(labels)
    for trend_ids in labels.values():
        assert set(trend_ids) <= set(TREND_IDS)
        assert len(trend_ids) == len(set(trend_ids))


def test_every_trend_has_at_least_two_intended_items(labels: dict[str, list[str]]) -> None:
    counts = Counter(trend for trend_ids in labels.values() for trend in trend_ids)
    assert {trend: counts[trend] for trend in TREND_IDS if counts[trend] < 2} == {}


def test_at_least_25_items_are_off_theme_distractors(labels: dict[str, list[str]]) -> None:
    assert sum(1 for trend_ids in labels.values() if not trend_ids) >= 25


def test_the_eight_weeks_before_the_edition_hold_at_least_30_on_theme_items(
    entries: list[Any], labels: dict[str, list[str]]
) -> None:
    in_window = {
        _key(entry)
        for entry in entries
        if labels[_key(entry)] and WINDOW_START <= _day(entry) <= EDITION_DAY
    }
    assert len(in_window) >= 30


def test_sources_catalog_lists_named_http_feeds() -> None:
    document = yaml.safe_load((SEEDS / "sources.yaml").read_text("utf-8"))
    sources = document["sources"]
    assert 30 <= len(sources) <= 40
    names = [source["name"] for source in sources]
    assert len(set(names)) == len(names)
    for source in sources:
        assert source["name"].strip()
        assert urlsplit(source["url"]).scheme in {"http", "https"}, source["url"]
        assert isinstance(source.get("tags", []), list)
        assert isinstance(source.get("unsure", False), bool)
