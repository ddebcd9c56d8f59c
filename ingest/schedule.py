"""When to fetch each feed next: its publishing rate, what the server asks, its failures.

Pure functions of plain values (the clock is an argument, nothing is read or written), so
the policy is tested table by table and simulated in `bench/schedule.py` with a fake clock.

The rules, in order of precedence:

1. A failing source backs off: 15 minutes doubling with each consecutive failure, capped at
   a day, and never sooner than the server's `Retry-After` (read by `spacebrief.retry`).
2. Otherwise the interval follows the feed's publishing rate. A feed polled every I minutes
   waits I/2 on average between a story's publication and its fetch, so a feed is polled
   `polls_per_entry` (7.5) times per entry it publishes: an hourly feed every 8 minutes
   (4 minutes' median delay), a feed of three stories a day every 64 minutes, within the
   bounds (`SPACEBRIEF_POLL_MIN_SECONDS`, `SPACEBRIEF_POLL_MAX_SECONDS`). Quiet feeds
   cost little, so busy ones can be polled often within the requests of a fixed
   15-minute schedule. The rate is entries per day over the last week of the feed's dated
   items; until there is one, the feed's own `sy:updatePeriod` / `sy:updateFrequency` (a
   statement of how often it updates) stands in, else `unknown_interval`. Undated items
   (the feed gave no date, so we stored the fetch time) say nothing about a rate.
3. What the server says about how long a copy stays fresh (`Cache-Control: max-age`,
   `Expires`, RSS `<ttl>`) is a floor: we do not come back sooner, up to the max bound
   (the analyst's freshness promise wins over a cache lifetime of a day).

A stored next fetch was planned under the bounds of its day; `within_bounds` moves it
inside today's, so lowering `SPACEBRIEF_POLL_MAX_SECONDS` applies at serve's next wake,
not after the intervals planned under the old bound have run out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from spacebrief.ingest.types import SourceState
from spacebrief.retry import parse_http_date, parse_retry_after

DAY = timedelta(days=1)
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\b", re.IGNORECASE)
_PERIODS = {
    "hourly": timedelta(hours=1),
    "daily": DAY,
    "weekly": timedelta(weeks=1),
    "monthly": timedelta(days=30),
    "yearly": timedelta(days=365),
}


@dataclass(frozen=True)
class PollRules:
    """The knobs of the schedule; the bounds come from the settings."""

    min_interval: timedelta = timedelta(seconds=300)
    max_interval: timedelta = timedelta(seconds=7200)
    polls_per_entry: float = 7.5
    unknown_interval: timedelta = timedelta(minutes=30)
    rate_window: timedelta = timedelta(days=7)
    # A burst of stories in the first minutes we follow a feed is not a rate of thousands.
    min_rate_span: timedelta = timedelta(hours=1)
    failure_backoff: timedelta = timedelta(minutes=15)
    failure_backoff_max: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class FreshnessHints:
    """What the server and the feed said about when to come back (None: said nothing)."""

    max_age: float | None = None  # Cache-Control max-age, seconds
    expires: datetime | None = None  # Expires
    ttl: float | None = None  # RSS <ttl>, seconds
    update_period: float | None = None  # sy:updatePeriod / sy:updateFrequency, seconds
    retry_after: float | None = None  # Retry-After, seconds


@dataclass(frozen=True)
class Schedule:
    """The next fetch, the interval it comes from, and why (for `spacebrief sources`)."""

    next_fetch_at: datetime
    interval: timedelta
    reason: str


def max_age_seconds(cache_control: str | None) -> int | None:
    if not cache_control or _NO_CACHE.search(cache_control):
        return None
    match = _MAX_AGE.search(cache_control)
    return int(match[1]) if match else None


def ttl_seconds(ttl: str | None) -> float | None:
    """RSS `<ttl>` is in minutes; nonsense is ignored."""
    text = (ttl or "").strip()
    return float(text) * 60 if text.isdigit() and int(text) > 0 else None


def update_period_seconds(period: str | None, frequency: str | None) -> float | None:
    """`sy:updatePeriod` (hourly, daily...) divided by `sy:updateFrequency` (default 1)."""
    span = _PERIODS.get((period or "").strip().lower())
    if span is None:
        return None
    text = (frequency or "1").strip()
    times = int(text) if text.isdigit() and int(text) > 0 else 1
    return span.total_seconds() / times


def hints_from_headers(
    headers: Mapping[str, str],
    now: datetime,
    *,
    ttl: float | None = None,
    update_period: float | None = None,
) -> FreshnessHints:
    """The hints of one response (header names lower-case), plus the feed's own."""
    cache_control = headers.get("cache-control")
    forbidden = bool(cache_control and _NO_CACHE.search(cache_control))
    return FreshnessHints(
        max_age=max_age_seconds(cache_control),
        expires=None if forbidden else parse_http_date(headers.get("expires")),
        ttl=ttl,
        update_period=update_period,
        retry_after=parse_retry_after(headers.get("retry-after"), now),
    )


def entries_per_day(
    recent: int,
    oldest_recent: datetime | None,
    following_since: datetime | None,
    now: datetime,
    rules: PollRules = PollRules(),
) -> float:
    """The publishing rate over the last `rate_window` of what the feed has shown.

    `recent` counts its dated items published within the window, `oldest_recent` is the
    oldest of them, `following_since` our first fetch. The span runs from the earlier of
    the two (so a feed followed for a day, whose first fetch showed five hours of stories,
    is measured over those five hours and not a week, and one stale item from last year
    does not dilute an hour of news) to now, at least `min_rate_span`.
    """
    starts = [t for t in (oldest_recent, following_since) if t is not None]
    start = max(min(starts, default=now), now - rules.rate_window)
    span = max(now - start, rules.min_rate_span)
    return recent / (span / DAY)


def failure_delay(failures: int, rules: PollRules = PollRules()) -> timedelta:
    """Backoff after `failures` consecutive failures: doubling from the base, capped."""
    exponent = min(max(failures - 1, 0), 20)
    return min(rules.failure_backoff * (2**exponent), rules.failure_backoff_max)


def _clamp(interval: timedelta, rules: PollRules) -> timedelta:
    return min(max(interval, rules.min_interval), rules.max_interval)


def _rate_interval(
    rate: float | None, hints: FreshnessHints, rules: PollRules
) -> tuple[timedelta, str]:
    if rate is not None:
        raw = DAY / (rate * rules.polls_per_entry) if rate > 0 else rules.max_interval
        return _clamp(raw, rules), f"publishes {rate:.1f}/day"
    if hints.update_period:
        raw = timedelta(seconds=hints.update_period) / rules.polls_per_entry
        return _clamp(raw, rules), "sy:updatePeriod (no dated items yet)"
    return _clamp(rules.unknown_interval, rules), "rate not known yet"


def next_fetch_at(
    now: datetime,
    *,
    entries_per_day: float | None,
    hints: FreshnessHints = FreshnessHints(),
    failures: int = 0,
    rules: PollRules = PollRules(),
) -> Schedule:
    """When to fetch a source next, after a fetch that ended at `now`."""
    if failures > 0:
        delay = failure_delay(failures, rules)
        reason = f"backing off after {failures} failure(s)"
        if hints.retry_after is not None:
            asked = min(timedelta(seconds=hints.retry_after), rules.failure_backoff_max)
            if asked > delay:
                delay, reason = asked, "the server's Retry-After"
        return Schedule(now + delay, delay, reason)
    interval, reason = _rate_interval(entries_per_day, hints, rules)
    floors = [
        (hints.max_age, "Cache-Control max-age"),
        (hints.expires and (hints.expires - now).total_seconds(), "Expires"),
        (hints.ttl, "RSS ttl"),
        (hints.retry_after, "the server's Retry-After"),
    ]
    if hints.max_age is not None:
        floors.pop(1)  # max-age overrides Expires (RFC 9111)
    for seconds, why in floors:
        if seconds and timedelta(seconds=seconds) > interval:
            interval, reason = timedelta(seconds=seconds), why
    interval = min(interval, rules.max_interval)
    return Schedule(now + interval, interval, reason)


def is_due(next_fetch: datetime | None, now: datetime) -> bool:
    """A source never scheduled, or scheduled at or before `now`, is due."""
    return next_fetch is None or next_fetch <= now


def within_bounds(state: SourceState, rules: PollRules = PollRules()) -> SourceState:
    """The state with its next fetch moved inside today's bounds.

    The fetch it was planned from ended `poll_interval_seconds` before it. A healthy
    source is due at most `max_interval` after that fetch and never sooner than
    `min_interval`; a failing one keeps its backoff (failures may wait longer), floored
    by the minimum too. A state with no planned interval is left as it is.
    """
    if state.next_fetch_at is None or state.poll_interval_seconds is None:
        return state
    fetched = state.next_fetch_at - timedelta(seconds=state.poll_interval_seconds)
    moved = max(state.next_fetch_at, fetched + rules.min_interval)
    if state.consecutive_failures == 0:
        moved = min(moved, fetched + rules.max_interval)
    if moved == state.next_fetch_at:
        return state
    interval = (moved - fetched).total_seconds()
    bound = (
        "the longest poll interval" if moved < state.next_fetch_at else "the shortest poll interval"
    )
    return replace(
        state,
        next_fetch_at=moved,
        poll_interval_seconds=interval,
        schedule_reason=f"{state.schedule_reason or 'planned'}, moved within {bound}",
    )
