"""Bench: every reading-room page on a warehouse of 1,000,000 items, over real HTTP.

The warehouse is bench/digest.py's generator (a year of items, ~40 % on-theme, clusters
of 1-4), plus what the reading room reads: each item's latest classification
(`refresh_current_classifications`, the migration's own step), the actors its text
names (the generator's eight sentences read once by the real normaliser, then joined in
SQL), one story per cluster with its first report independent and the rest echoes,
alerts on two thousand stories, 40 sources and an edition. The items are stored in
publication order, as ingest appends them; `--scattered` keeps the generator's random
order (the worst case for DuckDB's zone maps), `--both` times both layouts.

Each page is served by the real app on 127.0.0.1 (uvicorn in a thread) and fetched with
httpx: the time is the whole request (query, template, HTTP). Two columns: pages read
through the room's held read-only instance (as an analyst clicking from page to page
gets them; `warehouse/reader.py`), and each page from a fresh DuckDB instance (the first
page after a pause). Median of 5 after a warm-up; the aim is under 200 ms each. Baselines
from the same run: what the same reading costs without the room's tables and keyset (the
analyst view `v_items`, OFFSET paging, a regex over the text for "countries named this
month", search over every item).

    python bench/web.py [--items 1000000] [--repeat 5] [--scattered | --both]
                        [--keep PATH | --reuse PATH]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import spacebrief  # noqa: E402
from spacebrief.classifiers.actors import named_actors  # noqa: E402
from spacebrief.digest.build import build_edition  # noqa: E402
from spacebrief.digest.render import render_html  # noqa: E402
from spacebrief.warehouse import Warehouse  # noqa: E402
from spacebrief.warehouse.editions import EditionRecord, load_window, record_edition  # noqa: E402
from spacebrief.warehouse.labels import refresh_current_classifications  # noqa: E402
from spacebrief.warehouse.stories import refresh_actor_months  # noqa: E402
from spacebrief.web.config import RoomConfig  # noqa: E402
from tests.web.conftest import serving  # noqa: E402


def _generator():  # bench/digest.py's, loaded by path (its module name is the folder's)
    spec = importlib.util.spec_from_file_location("bench_digest", REPO / "bench" / "digest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _generator()
EDITION_DATE: date = BENCH.EDITION_DATE


def generate(path: Path, items: int, chronological: bool) -> float:
    warehouse = Warehouse(path)
    seconds = BENCH.generate(warehouse, items)
    started = time.perf_counter()
    sentence_actors = [
        [(n.actor.name, n.actor.kind) for n in named_actors(s)] for s in BENCH.SENTENCES
    ]
    with warehouse.write() as con:
        con.execute("SET TimeZone = 'UTC'")
        if chronological:
            con.execute("CREATE TEMP TABLE ordered AS SELECT * FROM items ORDER BY published_at")
            con.execute("DELETE FROM items")
            con.execute("INSERT INTO items SELECT * FROM ordered")
            con.execute("DROP TABLE ordered")
        refresh_current_classifications(con)
        # each item's summary is sentences i % 8, (i // 8) % 8 and (i // 64) % 8
        con.execute(
            "CREATE TEMP TABLE sentence_actors AS SELECT s.n - 1 AS n, a.actor, a.kind "
            "FROM (SELECT unnest(?) AS actors, generate_subscripts(?, 1) AS n) AS s, "
            "unnest(s.actors) AS t(a)",
            [
                [[{"actor": a, "kind": k} for a, k in found] for found in sentence_actors],
                sentence_actors,
            ],
        )
        con.execute(
            """
            INSERT INTO story_reports
            SELECT item_id, cluster_id,
                   CASE WHEN row_number() OVER (
                       PARTITION BY cluster_id ORDER BY published_at, item_id) = 1
                   THEN 'independent' ELSE 'echo' END,
                   NULL, NULL, now()
            FROM items
            """
        )
        con.execute(
            """
            INSERT INTO item_actors
            SELECT item_id, actor, any_value(kind), count(*), false, any_value(published_at),
                   any_value(cluster_id), any_value(trends)
            FROM (
                SELECT i.item_id, i.published_at, i.cluster_id, c.trends,
                       CAST(substr(i.item_id, 2) AS BIGINT) AS k
                FROM items AS i LEFT JOIN current_classifications AS c USING (item_id)
            ) AS i
            JOIN sentence_actors AS s
              ON s.n IN (i.k % 8, (i.k // 8) % 8, (i.k // 64) % 8)
            GROUP BY item_id, actor
            ORDER BY any_value(published_at), item_id
            """
        )
        refresh_actor_months(con)
        con.execute(
            "UPDATE story_reports SET reason = 'near-copy', echo_of = story_id WHERE role = 'echo'"
        )
        con.execute(
            """
            INSERT INTO alerts (alert_id, cluster_id, trend_id, destination, item_id, score,
                                status, attempts, created_at, updated_at, sent_at)
            SELECT 'al' || l.item_id || l.trend_id, i.cluster_id, l.trend_id, 'outbox',
                   l.item_id, l.score, 'sent', 1, i.published_at, i.published_at,
                   i.published_at
            FROM labels AS l JOIN items AS i USING (item_id)
            WHERE l.trend_id LIKE 'W%' AND l.score > 0.98
            LIMIT 2000
            """
        )
        con.execute(
            "INSERT INTO sources (source_id, name, url) SELECT 'src' || n, 'Outlet ' || n, "
            "'https://outlet' || n || '.example/feed' FROM range(40) AS r(n)"
        )
        window = load_window(con, EDITION_DATE, 7)
    edition = build_edition(window, top_stories=12)
    html = path.with_suffix(".edition.html")
    html.write_text(render_html(edition), encoding="utf-8")
    with warehouse.write() as con:
        record_edition(
            con,
            EditionRecord(
                edition.edition_id,
                EDITION_DATE,
                datetime.fromisoformat(edition.window_start),
                datetime.fromisoformat(edition.window_end),
                7,
                edition.items_relevant,
                None,
                str(html),
                None,
                tuple((c.number, c.item_id) for c in edition.citations),
            ),
        )
        con.execute("CHECKPOINT")
    return seconds + time.perf_counter() - started


def pages(warehouse: Warehouse) -> list[tuple[str, str]]:
    with warehouse.read() as con:
        newest = con.execute(
            "SELECT item_id, published_at FROM items ORDER BY published_at DESC, item_id DESC "
            "LIMIT 1 OFFSET 49"
        ).fetchone()
        item = con.execute("SELECT item_id FROM alerts ORDER BY created_at DESC LIMIT 1").fetchone()
        edition = con.execute("SELECT edition_id FROM editions LIMIT 1").fetchone()
    assert newest and item and edition
    cursor = f"{newest[1].astimezone(UTC).isoformat()}~{newest[0]}"
    month = EDITION_DATE.strftime("%Y-%m")
    since = (EDITION_DATE - timedelta(days=30)).isoformat()
    return [
        ("editions archive", "/"),
        ("an edition", f"/editions/{edition[0]}"),
        ("items, newest 50", "/items"),
        ("items, page 2 (keyset)", "/items?" + httpx.QueryParams({"before": cursor}).__str__()),
        ("items, trend W3", "/items?trend=W3"),
        ("items, family watch", "/items?family=watch"),
        ("items, stance against", "/items?stance=against"),
        ("items, on-theme >= 0.8", "/items?relevance=on-theme&min_relevance=0.8"),
        ("items, language zh (none)", "/items?language=zh"),
        ("items, source src7", "/items?source=src7"),
        ("items, actor Kenya", "/items?actor=Kenya"),
        ("items, alerted", "/items?alerted=yes"),
        ("items, 30 days + Kenya + W3", f"/items?since={since}&actor=Kenya&trend=W3"),
        ("an item", f"/items/{item[0]}"),
        ("search 'Kenya', 30 days", "/search?q=Kenya"),
        ("search phrase, 30 days", "/search?q=%22joint+lunar+station%22"),
        ("search regex, 30 days", "/search?q=%2Fsanction%5Cw%2A%2F+AND+Roscosmos"),
        ("search 'Kenya', 90 days", "/search?q=Kenya&within=90"),
        ("entities: countries, this month", "/entities?kind=country"),
        ("entities: countries, all time", "/entities?kind=country&period=all"),
        ("entity: Kenya, a month", f"/entities/Kenya?month={month}"),
        ("entity: China, a month", f"/entities/China?month={month}"),
    ]


def time_pages(warehouse: Warehouse, repeat: int, idle: float) -> list[tuple[str, float, float]]:
    """(page, median ms, max ms); `idle` 0 opens a fresh DuckDB instance for every page."""
    config = RoomConfig(
        handle=spacebrief.open(warehouse.path), today=lambda: EDITION_DATE, reader_idle_seconds=idle
    )
    results = []
    with serving(config) as base, httpx.Client(base_url=base, timeout=60) as client:
        for name, path in pages(warehouse):
            assert client.get(path).status_code == 200, path  # warm-up
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, path
            results.append((name, statistics.median(times) * 1000, max(times) * 1000))
    return results


def baselines(warehouse: Warehouse, repeat: int) -> list[tuple[str, float]]:
    """The same readings without the room's tables: one DuckDB query each, no HTTP."""
    month = datetime.combine(EDITION_DATE.replace(day=1), datetime.min.time(), tzinfo=UTC)
    countries = "kenya|india|china|russia|egypt|pakistan|nigeria|brazil"
    queries = [
        ("items via v_items, newest 50",
         "SELECT * FROM v_items ORDER BY published_at DESC, item_id DESC LIMIT 50", []),
        ("items page 200 by OFFSET",
         "SELECT item_id, title FROM items ORDER BY published_at DESC, item_id DESC "
         "LIMIT 50 OFFSET 10000", []),
        ("trend W3 via v_labels, newest 50",
         "SELECT i.item_id FROM items AS i WHERE i.item_id IN (SELECT item_id FROM v_labels "
         "WHERE trend_id = 'W3') ORDER BY i.published_at DESC LIMIT 50", []),
        ("countries this month by regex",
         "SELECT m, count(DISTINCT cluster_id) FROM (SELECT cluster_id, unnest(regexp_extract_all("
         "lower(title || ' ' || summary), ?)) AS m FROM items WHERE published_at >= ?) "
         "GROUP BY m ORDER BY 2 DESC", [countries, month]),
        ("search 'Kenya' over every item",
         "SELECT item_id FROM items AS i WHERE regexp_matches(lower(strip_accents("
         "coalesce(i.title, '') || ' ' || coalesce(i.summary, ''))), "
         "'(?:^|[^\\pL\\pN])kenya(?:[^\\pL\\pN]|$)') ORDER BY published_at DESC LIMIT 50", []),
    ]  # fmt: skip
    out = []
    for name, sql, params in queries:
        times = []
        for _ in range(repeat):
            with warehouse.read() as con:
                started = time.perf_counter()
                con.execute(sql, params).fetchall()
                times.append(time.perf_counter() - started)
        out.append((name, statistics.median(times) * 1000))
    return out


def run(path: Path, items: int, repeat: int, chronological: bool, reuse: bool = False) -> None:
    if reuse:
        seconds = 0.0
    else:
        path.unlink(missing_ok=True)
        seconds = generate(path, items, chronological)
    layout = "publication order" if chronological else "scattered (the generator's)"
    warehouse = Warehouse(path)
    with warehouse.read() as con:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM item_actors), "
            "(SELECT count(*) FROM story_reports), (SELECT count(*) FROM alerts)"
        ).fetchone()
    assert counts
    print(
        f"generated {counts[0]:,} items ({counts[1]:,} actor rows, {counts[2]:,} story rows, "
        f"{counts[3]:,} alerts) in {seconds:.1f} s; rows in {layout}; "
        f"{path.stat().st_size / 1e6:.0f} MB"
    )
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load average {load:.1f}; median of {repeat} requests per page")
    warm = time_pages(warehouse, repeat, idle=1.0)
    cold = time_pages(warehouse, repeat, idle=0.0)
    print(f"  {'page':34s} {'held instance':>14s} {'fresh instance':>15s}")
    slow = []
    for (name, held, _), (_, fresh, _) in zip(warm, cold, strict=True):
        mark = "" if held < 200 else "  <-- over 200 ms"
        slow += [name] if held >= 200 else []
        print(f"  {name:34s} {held:11.1f} ms {fresh:12.1f} ms{mark}")
    print("baseline (the same reading without the room's tables or keyset; query only):")
    for name, median in baselines(warehouse, repeat):
        print(f"  {name:34s} {median:7.1f} ms median")
    print(f"pages over 200 ms (held instance): {', '.join(slow) if slow else 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scattered", action="store_true", help="Rows in the generator's order.")
    parser.add_argument("--both", action="store_true", help="Publication order, then scattered.")
    parser.add_argument("--keep", type=Path, default=None, help="Keep the warehouse here.")
    parser.add_argument("--reuse", type=Path, default=None, help="Time a kept warehouse again.")
    args = parser.parse_args()
    if args.reuse:
        run(args.reuse, args.items, args.repeat, not args.scattered, reuse=True)
        return
    layouts = [True, False] if args.both else [not args.scattered]
    with tempfile.TemporaryDirectory() as tmp:
        for chronological in layouts:
            path = args.keep or Path(tmp) / "web.duckdb"
            run(path, args.items, args.repeat, chronological)


if __name__ == "__main__":
    main()
