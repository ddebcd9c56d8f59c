"""Bench: from a feed gaining a watch-list story to the alert recorded, under `spacebrief serve`.

Starts a local feed server and `spacebrief serve --sources <feed> --port <free>` in a
temporary SPACEBRIEF_HOME (its own local Prefect server), waits for the start-up ingest,
then, N times: adds a new watch-list story to the feed and waits until its alert is in the
outbox. Nothing triggers a fetch by hand: serve's wake-up loop fetches the feed when the
adaptive schedule says it is due, the ingest flow run hands the new items to the task
worker (`flows/background.py`), which classifies with its warm model and delivers.

The clock is compressed so that ten stories fit in a few minutes: the feed publishes about
70 stories an hour (so the schedule polls it at the minimum interval), the minimum is
`--min-interval` (10 s) instead of 300 s and serve wakes every `--wake` (2 s) instead of
60 s. So the "feed changed -> fetched" part here is the compressed schedule's; at the
defaults it is what `bench/schedule.py` simulates (minutes). "Fetched -> alert recorded"
is independent of the schedule and is the figure to compare with the 15.2 s of the
event-chain design (a fresh flow-run process per hop, 1 December 2026).

    python bench/latency.py [--items 10] [--timeout 120] [--min-interval 10] [--wake 2]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.ingest.feed_server import FeedServer, entry, rss_feed

SPACEBRIEF = str(Path(sys.executable).with_name("spacebrief"))

STORIES = [
    (
        "US sanctions Roscosmos electronics suppliers",
        "Washington added sanctions on firms supplying Roscosmos with satellite electronics, "
        "cutting Russia's space industry off from Western components.",
    ),
    (
        "Egypt's space agency joins China's International Lunar Research Station",
        "The Egyptian Space Agency signed an agreement with CNSA to join the ILRS lunar base "
        "project, another Global South partner for China's Moon programme.",
    ),
    (
        "EU export ban hits Russian launch vehicle makers",
        "A new European Union sanctions package bans exports of aerospace parts to Russian "
        "rocket builders, hurting Soyuz and Angara production for Roscosmos.",
    ),
    (
        "Thailand's GISTDA signs on to the ILRS lunar station",
        "Thailand became a partner of the China-led International Lunar Research Station, "
        "agreeing to contribute instruments to Chang'e-8.",
    ),
    (
        "Sanctions push Roscosmos to buy Chinese satellite chips",
        "Cut off by Western export controls, Russian satellite makers turn to Chinese "
        "suppliers for radiation-hardened chips, Roscosmos officials said.",
    ),
    (
        "Senegal joins China's lunar research station partnership",
        "Senegal signed a memorandum with the China National Space Administration to take part "
        "in the ILRS, the Chinese-Russian lunar base effort.",
    ),
    (
        "Glonass upgrade delayed by sanctions on Western components",
        "Russia's Glonass navigation satellites face delays because sanctions blocked imports "
        "of Western electronics needed by Roscosmos contractors.",
    ),
    (
        "Nicaragua and Azerbaijan sign ILRS cooperation deals with CNSA",
        "Two more countries joined the International Lunar Research Station led by China, "
        "expanding the ILRS partnership among Global South states.",
    ),
    (
        "UK sanctions Russian satellite operator over war in Ukraine",
        "Britain froze assets of a Russian state satellite operator linked to Roscosmos, "
        "citing support for the war in Ukraine.",
    ),
    (
        "Bolivia becomes an International Lunar Research Station partner",
        "Bolivia's space agency agreed with CNSA to join the China-led ILRS and host training "
        "for lunar scientists.",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait(predicate, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--min-interval", type=float, default=10.0)
    parser.add_argument("--wake", type=float, default=2.0)
    parser.add_argument("--keep-log", type=Path, help="Copy serve's output here at the end.")
    args = parser.parse_args()
    stories = (STORIES * (args.items // len(STORIES) + 1))[: args.items]
    phase = random.Random(1)

    with tempfile.TemporaryDirectory() as tmp, FeedServer() as feeds:
        home = Path(tmp) / "home"
        base = datetime.now(UTC) - timedelta(hours=1)
        entries = [
            entry(
                1000 + n,
                title=f"Town bakery wins regional bread prize number {n}",
                summary="A bakery in the town centre won a prize for its loaf.",
                link=f"https://bench.example/bakery-{n}",
                published=base + timedelta(seconds=50 * n),
            )
            for n in range(70)
        ]
        feeds.serve("/feed.xml", rss_feed("Bench desk", entries), etag='"0"')
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(
            SPACEBRIEF_HOME=str(home),
            SPACEBRIEF_FETCH_ALLOW_PRIVATE="true",  # the feed server is on 127.0.0.1
            SPACEBRIEF_CONFIG=str(Path(tmp) / "none.toml"),
            SPACEBRIEF_POLL_MIN_SECONDS=str(args.min_interval),
            SPACEBRIEF_POLL_WAKE_SECONDS=str(args.wake),
            PYTHONUNBUFFERED="1",
        )
        log = Path(tmp) / "serve.log"
        started = time.monotonic()
        with log.open("ab") as out:
            serve = subprocess.Popen(
                [SPACEBRIEF, "serve", "--sources", feeds.url("/feed.xml"), "--port", str(port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )
        outbox = home / "outbox" / "slack.jsonl"
        try:
            if not wait(lambda: "Prefect UI:" in log.read_text(errors="replace"), 180, 0.5):
                sys.exit(f"serve did not start:\n{log.read_text(errors='replace')[-2000:]}")
            print(f"serve ready in {time.monotonic() - started:.1f} s (server + deployments)")
            wait(lambda: feeds.hits("/feed.xml") >= 1, 60)
            time.sleep(15)  # let the start-up ingest -> classify settle

            totals, from_fetch, to_fetch = [], [], []
            for n, (title, summary) in enumerate(stories, start=1):
                title = f"{title} ({n})" if n > len(STORIES) else title
                entries.append(
                    entry(
                        100 + n,
                        title=title,
                        summary=summary,
                        link=f"https://bench.example/story-{n}",
                        published=datetime.now(UTC),
                    )
                )
                # A story appears at a random moment of the poll cycle, not right after
                # the fetch that carried the previous one (the worst case).
                time.sleep(phase.uniform(0, args.min_interval))
                t0 = time.monotonic()
                feeds.serve("/feed.xml", rss_feed("Bench desk", entries), etag=f'"{n}"')
                seen = wait(
                    lambda t=title: outbox.exists() and t in outbox.read_text("utf-8"), args.timeout
                )
                t1 = time.monotonic()
                if not seen:
                    print(f"item {n:2d}: no alert within {args.timeout:.0f} s  ({title})")
                    continue
                fetched_at = [r.at for r in feeds.requests_to("/feed.xml") if r.at >= t0]
                totals.append(t1 - t0)
                # The fetch that carried the story: the last one before the alert.
                before = [at for at in fetched_at if at <= t1]
                fetch = t1 - before[-1] if before else float("nan")
                from_fetch.append(fetch)
                to_fetch.append(t1 - t0 - fetch)
                print(
                    f"item {n:2d}: {t1 - t0:5.1f} s feed changed -> alert; "
                    f"{t1 - t0 - fetch:5.1f} s waiting for the schedule; "
                    f"{fetch:5.1f} s fetch -> alert  ({title})"
                )
        finally:
            serve.send_signal(signal.SIGTERM)
            code = serve.wait(timeout=90)
        print(f"serve stopped with exit code {code}")
        if args.keep_log:
            args.keep_log.write_text(log.read_text(errors="replace"))
        if totals:
            print(f"alerts seen: {len(totals)}/{len(stories)}")
            print(
                f"median feed changed -> alert recorded: {statistics.median(totals):.1f} s "
                f"(min {min(totals):.1f}, max {max(totals):.1f}), no manual trigger, "
                f"schedule compressed to {args.min_interval:g} s / wake {args.wake:g} s"
            )
            print(
                "median feed changed -> fetched (the schedule): "
                f"{statistics.median(to_fetch):.1f} s"
            )
            print(
                f"median feed fetched -> alert recorded: {statistics.median(from_fetch):.1f} s "
                f"(min {min(from_fetch):.1f}, max {max(from_fetch):.1f}); aim < 5 s"
            )
        print(
            "baseline: event chain of fresh flow-run processes, 15.2 s fetch -> alert "
            "(1 Dec 2026); fixed schedule, next ingest within 30 min, 15 min on average"
        )


if __name__ == "__main__":
    main()
