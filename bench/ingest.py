"""Bench: ingest 500 feeds of 20 entries each from local servers that answer in 200 ms.

Prints, in one run:
  * the first run (every feed downloaded, parsed, normalised, deduped, stored),
  * a second run where every feed answers 304 Not Modified,
  * the naive baseline: `httpx.get` + `feedparser.parse`, one feed after the other
    (timed on a subset and extrapolated, which the output says),
  * peak RSS of an ingest of 100 feeds vs 500 feeds.

The feeds are spread over several origins (ports on 127.0.0.1), as a real catalog spreads
over outlets, so the per-host politeness limit (4) does not serialise the whole catalog
onto one server; the global limit (32) is what binds. Each ingest runs in a fresh child
process so its memory is measured alone (the servers live in this parent process), and
the timings exclude interpreter start-up.

    python bench/ingest.py [--feeds 500] [--entries 20] [--latency 0.2] [--origins 20]
                           [--baseline-feeds 50] [--repeat 3] [--concurrency 64]

The machine this was written on is shared, so each first/304 pair is repeated and the
best and median are printed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from spacebrief.ingest import FetchPolicy  # noqa: E402
from tests.ingest.feed_server import FeedServer, entry, rss_feed  # noqa: E402

_VOCABULARY = [
    f"{a}{b}{c}"
    for a in ("lun", "orb", "sat", "rock", "stat", "miss", "lab", "agen", "part", "pay")
    for b in ("a", "e", "i", "o", "u", "ar", "en", "is", "or", "ul")
    for c in ("", "s", "ed", "ing", "er", "ion", "al", "ity", "ic", "ous")
]


def story(feed: int, n: int, words: int) -> str:
    """Distinct text per entry (a seeded word salad), so stories do not cluster."""
    rng = random.Random(feed * 100_003 + n)
    return " ".join(rng.choice(_VOCABULARY) for _ in range(words))


def feed_document(feed: int, entries: int) -> bytes:
    start = datetime(2026, 11, 21, tzinfo=UTC)
    return rss_feed(
        f"Outlet {feed}",
        [
            entry(
                n,
                title=story(feed, n, 9).capitalize(),
                summary=f"<p>{story(feed, n + 1000, 70)}.</p>",
                link=f"https://outlet{feed}.example.org/stories/{n}",
                published=start + timedelta(minutes=feed * entries + n),
            )
            for n in range(entries)
        ],
    )


def write_catalog(urls: list[str], path: Path) -> Path:
    lines = [f"  - {{name: 'Outlet {i}', url: '{url}'}}" for i, url in enumerate(urls)]
    path.write_text("sources:\n" + "\n".join(lines) + "\n")
    return path


def child(catalog: str, home: str) -> None:
    """One ingest in this process; print its figures as JSON."""
    os.environ["SPACEBRIEF_HOME"] = home
    os.environ["SPACEBRIEF_FETCH_ALLOW_PRIVATE"] = "true"  # the bench's servers are on 127.0.0.1
    from spacebrief.flows.settings import Settings
    from spacebrief.flows.steps.ingest_step import ingest
    from spacebrief.warehouse import Warehouse

    settings = Settings(home=Path(home))
    warehouse = Warehouse(settings.warehouse_path)
    warehouse.initialise()
    started = time.perf_counter()
    summary = ingest(warehouse, settings, catalog, force=True)  # every run fetches every feed
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "cpu_seconds": time.process_time(),
                "summary": summary.describe(),
                "new_items": summary.new_items,
                "unchanged": summary.unchanged,
                "failed": summary.failed,
            }
        )
    )


def run_child(catalog: Path, home: Path, concurrency: int) -> dict[str, object]:
    env = {**os.environ, "SPACEBRIEF_FETCH_CONCURRENCY": str(concurrency)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(catalog), str(home)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline(urls: list[str]) -> tuple[float, int]:
    import feedparser
    import httpx

    started = time.perf_counter()
    entries = 0
    for url in urls:
        response = httpx.get(url)
        entries += len(feedparser.parse(io.BytesIO(response.content)).entries)
    return time.perf_counter() - started, entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--origins", type=int, default=20)
    parser.add_argument("--baseline-feeds", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="first/304 run pairs to time")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=FetchPolicy().concurrency,
        help="global fetch limit (SPACEBRIEF_FETCH_CONCURRENCY) for the ingest runs",
    )
    parser.add_argument("--small", type=int, default=100, help="feeds for the memory comparison")
    parser.add_argument("--child", nargs=2, metavar=("CATALOG", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    servers = [FeedServer() for _ in range(args.origins)]
    for server in servers:
        server.start()
    try:
        urls = []
        for feed in range(args.feeds):
            server = servers[feed % args.origins]
            path = f"/feeds/{feed}.xml"
            server.serve(
                path, feed_document(feed, args.entries), etag=f'"{feed}-v1"', delay=args.latency
            )
            urls.append(server.url(path))
        work = Path(tempfile.mkdtemp(prefix="spacebrief-bench-"))
        full = write_catalog(urls, work / "all.yaml")
        small = write_catalog(urls[: args.small], work / "small.yaml")
        size = len(feed_document(0, args.entries))

        print(
            f"{args.feeds} feeds x {args.entries} entries ({size / 1024:.1f} KiB each), "
            f"{args.latency * 1000:.0f} ms latency per response, {args.origins} origins on "
            f"127.0.0.1; {args.concurrency} concurrent fetches, "
            f"{FetchPolicy().per_host} per origin; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        firsts, seconds_304 = [], []
        server_cpu = time.process_time()
        for attempt in range(args.repeat):
            home = work / f"home-full-{attempt}"
            firsts.append(run_child(full, home, args.concurrency))
            seconds_304.append(run_child(full, home, args.concurrency))
        server_cpu = (time.process_time() - server_cpu) / args.repeat
        first = min(firsts, key=lambda run: run["seconds"])
        second = min(seconds_304, key=lambda run: run["seconds"])
        print(f"first run  : {first['summary']}")
        print(
            f"             best {first['seconds']:.2f} s, median "
            f"{statistics.median(r['seconds'] for r in firsts):.2f} s of {args.repeat}; "
            f"CPU: ingest main process {first['cpu_seconds']:.1f} s, "
            f"feed servers {server_cpu:.1f} s"
        )
        print(f"304 run    : {second['summary']}")
        print(
            f"             best {second['seconds']:.2f} s, median "
            f"{statistics.median(r['seconds'] for r in seconds_304):.2f} s of {args.repeat}; "
            f"peak RSS {second['max_rss_mib']:.0f} MiB"
        )

        subset = urls[: args.baseline_feeds]
        seconds, entries = baseline(subset)
        estimate = seconds * args.feeds / len(subset)
        print(
            f"baseline   : {estimate:6.2f} s  (sequential httpx.get + feedparser.parse, timed on "
            f"{len(subset)} feeds: {seconds:.2f} s, {entries} entries; extrapolated x"
            f"{args.feeds / len(subset):g})"
        )
        median_first = statistics.median(r["seconds"] for r in firsts)
        print(
            f"speed-up   : {estimate / first['seconds']:.1f} x (best first run), "
            f"{estimate / median_first:.1f} x (median) vs baseline"
        )

        small_run = run_child(small, work / "home-small", args.concurrency)
        print(
            f"peak RSS   : {small_run['max_rss_mib']:.0f} MiB at {args.small} feeds, "
            f"{first['max_rss_mib']:.0f} MiB at {args.feeds} feeds (whole ingest process)"
        )
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
