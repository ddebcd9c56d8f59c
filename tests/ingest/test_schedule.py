"""The poll schedule: publishing rate, the server's hints, failures, and the bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spacebrief.ingest.schedule import (
    FreshnessHints,
    PollRules,
    entries_per_day,
    hints_from_headers,
    is_due,
    next_fetch_at,
    ttl_seconds,
    update_period_seconds,
)

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
RULES = PollRules()  # 300 s .. 7200 s, 7.5 polls per published entry
MIN = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("rate", "interval", "reason"),
    [
        (24.0, timedelta(minutes=8), "publishes 24.0/day"),  # hourly: 4 min median delay
        (3.0, timedelta(minutes=64), "publishes 3.0/day"),
        (100.0, timedelta(minutes=5), "publishes 100.0/day"),  # the min bound
        (0.5, timedelta(hours=2), "publishes 0.5/day"),  # the max bound
        (0.0, timedelta(hours=2), "publishes 0.0/day"),  # silent for a week
        (None, timedelta(minutes=30), "rate not known yet"),
    ],
)
def test_the_interval_follows_the_publishing_rate_within_the_bounds(rate, interval, reason):
    plan = next_fetch_at(NOW, entries_per_day=rate, rules=RULES)
    assert plan.interval == interval
    assert plan.next_fetch_at == NOW + interval
    assert plan.reason == reason


@pytest.mark.parametrize(
    ("hints", "interval", "reason"),
    [
        (FreshnessHints(max_age=1800), timedelta(minutes=30), "Cache-Control max-age"),
        (FreshnessHints(max_age=60), timedelta(minutes=8), "publishes 24.0/day"),  # no faster
        (FreshnessHints(max_age=86400), timedelta(hours=2), "Cache-Control max-age"),  # capped
        (FreshnessHints(expires=NOW + timedelta(minutes=45)), timedelta(minutes=45), "Expires"),
        (FreshnessHints(expires=NOW - timedelta(hours=1)), timedelta(minutes=8), "publishes"),
        (  # max-age wins over Expires
            FreshnessHints(max_age=600, expires=NOW + timedelta(hours=1)),
            timedelta(minutes=10),
            "Cache-Control max-age",
        ),
        (FreshnessHints(ttl=3600), timedelta(hours=1), "RSS ttl"),
        (FreshnessHints(retry_after=1200), timedelta(minutes=20), "the server's Retry-After"),
        # sy:updatePeriod is a rate, used only until the feed's own dates give one
        (FreshnessHints(update_period=3600), timedelta(minutes=8), "publishes 24.0/day"),
    ],
)
def test_what_the_server_says_is_a_floor_up_to_the_max_bound(hints, interval, reason):
    plan = next_fetch_at(NOW, entries_per_day=24.0, hints=hints, rules=RULES)
    assert plan.interval == interval
    assert plan.reason.startswith(reason)


@pytest.mark.parametrize(
    ("period", "interval"),
    [(3600.0, timedelta(minutes=8)), (86400.0, timedelta(hours=2)), (600.0, timedelta(minutes=5))],
)
def test_sy_update_period_stands_in_for_the_rate_of_a_feed_without_dates(period, interval):
    plan = next_fetch_at(NOW, entries_per_day=None, hints=FreshnessHints(update_period=period))
    assert plan.interval == interval
    assert plan.reason == "sy:updatePeriod (no dated items yet)"


@pytest.mark.parametrize(
    ("failures", "retry_after", "delay", "reason"),
    [
        (1, None, timedelta(minutes=15), "backing off after 1 failure(s)"),
        (3, None, timedelta(hours=1), "backing off after 3 failure(s)"),
        (12, None, timedelta(hours=24), "backing off after 12 failure(s)"),  # capped at a day
        (1, 7200.0, timedelta(hours=2), "the server's Retry-After"),
        (3, 60.0, timedelta(hours=1), "backing off after 3 failure(s)"),  # backoff is longer
        (1, 10 * 86400.0, timedelta(hours=24), "the server's Retry-After"),  # capped too
    ],
)
def test_a_failing_feed_backs_off_and_honours_retry_after(failures, retry_after, delay, reason):
    plan = next_fetch_at(
        NOW,
        entries_per_day=100.0,
        hints=FreshnessHints(retry_after=retry_after),
        failures=failures,
    )
    assert (plan.interval, plan.reason) == (delay, reason)


def test_the_bounds_come_from_the_rules():
    tight = PollRules(min_interval=timedelta(seconds=30), max_interval=timedelta(minutes=10))
    assert next_fetch_at(NOW, entries_per_day=1000.0, rules=tight).interval == timedelta(seconds=30)
    assert next_fetch_at(NOW, entries_per_day=0.1, rules=tight).interval == timedelta(minutes=10)
    assert next_fetch_at(
        NOW, entries_per_day=0.1, hints=FreshnessHints(ttl=3600), rules=tight
    ).interval == timedelta(minutes=10)


WEEKS_AGO = NOW - timedelta(days=30)


@pytest.mark.parametrize(
    ("recent", "oldest_recent", "following_since", "rate"),
    [
        (70, NOW - timedelta(days=6), WEEKS_AGO, 10.0),  # followed for long: over the week
        (20, NOW - timedelta(hours=5), NOW, 96.0),  # first fetch showed 5 hours of stories
        (20, NOW - timedelta(hours=5), WEEKS_AGO, 20 / 7),  # followed for weeks: the week
        (5, NOW - timedelta(minutes=2), NOW, 120.0),  # a burst counts over at least an hour
        (0, None, WEEKS_AGO, 0.0),  # silent for a week
        (0, None, NOW, 0.0),  # first fetch, nothing this week
        (24, NOW - timedelta(days=1), NOW - timedelta(days=1), 24.0),
    ],
)
def test_the_rate_is_entries_per_day_over_the_recent_window(
    recent, oldest_recent, following_since, rate
):
    assert entries_per_day(recent, oldest_recent, following_since, NOW) == pytest.approx(rate)


def test_headers_give_max_age_expires_and_retry_after_and_no_cache_voids_them():
    headers = {
        "cache-control": "public, max-age=900",
        "expires": "Wed, 02 Dec 2026 13:00:00 GMT",
        "retry-after": "120",
    }
    hints = hints_from_headers(headers, NOW, ttl=600.0, update_period=3600.0)
    assert hints == FreshnessHints(
        max_age=900,
        expires=datetime(2026, 12, 2, 13, 0, tzinfo=UTC),
        ttl=600.0,
        update_period=3600.0,
        retry_after=120.0,
    )
    voided = hints_from_headers({"cache-control": "no-cache", "expires": headers["expires"]}, NOW)
    assert (voided.max_age, voided.expires) == (None, None)
    assert hints_from_headers({"expires": "0"}, NOW).expires is None


@pytest.mark.parametrize(
    ("ttl", "seconds"), [("60", 3600.0), ("0", None), ("soon", None), (None, None), (" 5 ", 300.0)]
)
def test_rss_ttl_is_minutes(ttl, seconds):
    assert ttl_seconds(ttl) == seconds


@pytest.mark.parametrize(
    ("period", "frequency", "seconds"),
    [
        ("hourly", "1", 3600.0),
        ("hourly", "2", 1800.0),
        ("daily", None, 86400.0),
        ("Weekly", "7", 86400.0),
        ("daily", "zero", 86400.0),
        ("fortnightly", "1", None),
        (None, "4", None),
    ],
)
def test_sy_update_period_and_frequency(period, frequency, seconds):
    assert update_period_seconds(period, frequency) == seconds


def test_a_source_never_scheduled_or_past_its_time_is_due():
    assert is_due(None, NOW)
    assert is_due(NOW, NOW)
    assert is_due(NOW - MIN, NOW)
    assert not is_due(NOW + MIN, NOW)
