"""Bench (a simulation): requests per hour and publication -> fetch delay of the poll schedule.

200 simulated feeds publish as Poisson processes at different rates (wires every half hour,
hourly desks, agencies a few times a day, quiet blogs a few times a week; five dead feeds
that always fail, ten hourly feeds whose `<ttl>` asks for 60 minutes). The clock is
simulated: nothing is fetched, no HTTP is involved. What is real is the policy: every
poll time comes from `ingest.schedule.next_fetch_at` with the default bounds
(300 s .. 7200 s), the rate from `entries_per_day` over what the feed has shown so far, and
`serve`'s one-minute wake-up (a feed is fetched at the first wake-up at or after its
next fetch). Against it: fixed 30-minute and 15-minute schedules (each feed at a random
phase). The first 7 simulated days warm the history; the figures cover the next 7.

    python bench/schedule.py [--feeds 200] [--days 7] [--seed 1]
"""

from __future__ import annotations

import argparse
import bisect
import random
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spacebrief.ingest.schedule import FreshnessHints, PollRules, entries_per_day, next_fetch_at

START = datetime(2026, 11, 1, tzinfo=UTC)
WAKE = timedelta(seconds=60)
WARM_UP = timedelta(days=7)
# (share of the catalog, entries per day, label)
MIX = [
    (0.10, 48.0, "every 30 min"),
    (0.15, 24.0, "hourly"),
    (0.25, 6.0, "6 a day"),
    (0.25, 2.0, "2 a day"),
    (0.25, 0.3, "2 a week"),
]


@dataclass
class Feed:
    rate: float
    label: str
    published: list[datetime]
    ttl: float | None = None
    dead: bool = False
    fetches: list[datetime] = field(default_factory=list)
    first_shown: int = 0


def make_feeds(n: int, rng: random.Random, end: datetime) -> list[Feed]:
    feeds = []
    for share, rate, label in MIX:
        for _ in range(round(n * share)):
            times, t = [], START - timedelta(days=30)
            while t < end:
                t += timedelta(days=rng.expovariate(rate))
                times.append(t)
            feeds.append(Feed(rate, label, times))
    hourly = [f for f in feeds if f.label == "hourly"]
    for feed in hourly[:10]:
        feed.ttl, feed.label = 3600.0, "hourly, <ttl> 60 min"
    for feed in [f for f in feeds if f.label == "2 a day"][:5]:
        feed.dead, feed.label = True, "dead (always fails)"
    return feeds[:n]


def simulate_adaptive(feed: Feed, end: datetime, rules: PollRules, rng: random.Random) -> None:
    now = START + timedelta(seconds=rng.uniform(0, 60))
    failures = 0
    following_since = now
    while now < end:
        feed.fetches.append(now)
        if feed.dead:
            failures += 1
            plan = next_fetch_at(now, entries_per_day=None, failures=failures, rules=rules)
        else:
            # What the warehouse holds: what the feed showed (its 20 newest) at each fetch.
            shown = bisect.bisect_right(feed.published, now)
            first_shown = shown - 20 if len(feed.fetches) == 1 else None
            if first_shown is not None:
                feed.first_shown = max(0, first_shown)
            window = bisect.bisect_left(feed.published, now - rules.rate_window)
            start = max(window, feed.first_shown)
            recent = shown - start
            oldest = feed.published[start] if recent > 0 else None
            rate = entries_per_day(recent, oldest, following_since, now, rules)
            plan = next_fetch_at(
                now, entries_per_day=rate, hints=FreshnessHints(ttl=feed.ttl), rules=rules
            )
        ticks = -(-(plan.next_fetch_at - START) // WAKE)  # the first wake-up at or after it
        now = START + ticks * WAKE


def simulate_fixed(feed: Feed, end: datetime, every: timedelta, rng: random.Random) -> None:
    now = START + timedelta(seconds=rng.uniform(0, every.total_seconds()))
    while now < end:
        feed.fetches.append(now)
        now += every


def delays(feed: Feed, since: datetime, end: datetime) -> list[float]:
    """Minutes from each publication in [since, end) to the first fetch at or after it."""
    out = []
    for published in feed.published:
        if since <= published < end - timedelta(hours=3):
            i = bisect.bisect_left(feed.fetches, published)
            if i < len(feed.fetches):
                out.append((feed.fetches[i] - published).total_seconds() / 60)
    return out


def run(
    name: str, feeds: list[Feed], simulate: Callable[[Feed], None], since: datetime, end: datetime
) -> dict[str, object]:
    for feed in feeds:
        feed.fetches = []
        simulate(feed)
    hours = (end - since) / timedelta(hours=1)
    requests = sum(sum(1 for t in f.fetches if t >= since) for f in feeds) / hours
    by_label: dict[str, list[float]] = {}
    for feed in feeds:
        if not feed.dead:
            by_label.setdefault(feed.label, []).extend(delays(feed, since, end))
    fast = [d for f in feeds if f.rate >= 24 and f.ttl is None for d in delays(f, since, end)]
    everything = [d for values in by_label.values() for d in values]
    return {
        "name": name,
        "requests": requests,
        "fast": statistics.median(fast),
        "all": statistics.median(everything),
        "by_label": {k: statistics.median(v) for k, v in by_label.items() if v},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    since = START + WARM_UP
    end = since + timedelta(days=args.days)
    feeds = make_feeds(args.feeds, rng, end)
    rules = PollRules()
    results = [
        run("adaptive", feeds, lambda f: simulate_adaptive(f, end, rules, rng), since, end),
        run(
            "fixed 15 min",
            feeds,
            lambda f: simulate_fixed(f, end, timedelta(minutes=15), rng),
            since,
            end,
        ),
        run(
            "fixed 30 min",
            feeds,
            lambda f: simulate_fixed(f, end, timedelta(minutes=30), rng),
            since,
            end,
        ),
    ]
    counts: dict[str, int] = {}
    for feed in feeds:
        counts[feed.label] = counts.get(feed.label, 0) + 1
    print(
        f"SIMULATION: {len(feeds)} feeds, {args.days:g} simulated days after a 7-day warm-up, "
        f"seed {args.seed}; bounds {rules.min_interval.total_seconds():.0f}-"
        f"{rules.max_interval.total_seconds():.0f} s, serve wakes every 60 s"
    )
    print(f"mix: {', '.join(f'{n} {label}' for label, n in counts.items())}")
    print(
        f"{'schedule':<14}{'requests/h':>11}{'median delay, feeds >= hourly':>32}"
        f"{'median delay, all stories':>28}"
    )
    for r in results:
        print(f"{r['name']:<14}{r['requests']:>11.0f}{r['fast']:>28.1f} min{r['all']:>24.1f} min")
    print("median publication -> fetch delay by kind of feed (min):")
    for label in counts:
        if label.startswith("dead"):
            continue
        cells = "  ".join(
            f"{r['name']} {r['by_label'].get(label, float('nan')):6.1f}" for r in results
        )
        print(f"  {label:<22} {cells}")
    adaptive, fixed15 = results[0], results[1]
    verdict = "yes" if adaptive["requests"] <= fixed15["requests"] else "NO"
    print(
        f"adaptive requests/h <= fixed 15 min: {verdict} "
        f"({adaptive['requests']:.0f} vs {fixed15['requests']:.0f}); "
        f"feeds >= hourly under 5 min: {'yes' if adaptive['fast'] < 5 else 'NO'} "
        f"({adaptive['fast']:.1f} min)"
    )


if __name__ == "__main__":
    main()
