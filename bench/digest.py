"""Bench: build an edition over a generated warehouse of 1,000,000 items.

The warehouse is generated inside DuckDB (range() + random()), so generation is fast
and nothing but the edition's few candidate rows ever crosses into Python. Items spread
over a year; ~40 % are on-theme with one or two labels; story clusters hold 1-4 items;
embeddings (384-d, like the classifier's) are generated for the five weeks the digest
reads, NULL before that, to keep the file small.

Reported beside it, in the same run: the naive baseline that fetches the whole window
(edition window + 4 earlier windows, joined with classifications and labels) into
Python and aggregates there.

    python bench/digest.py [--items 1000000] [--repeat 3] [--keep PATH]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spacebrief.digest.build import build_edition
from spacebrief.digest.render import render_html, render_json, render_markdown
from spacebrief.digest.summaries import SourcedSentence, expert_sentences, item_sentences
from spacebrief.digest.text import tfidf_matrix
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.editions import load_window, window_bounds

EDITION_DATE = date(2025, 3, 24)
FAMILIES = ["rising"] * 6 + ["declining"] * 6 + ["watch"] * 7
TREND_IDS = (
    [f"R{i}" for i in range(1, 7)] + [f"D{i}" for i in range(1, 7)] + [f"W{i}" for i in range(1, 8)]
)
SENTENCES = [
    "China will train engineers from three African states at a new centre in Beijing.",
    "Russia and China plan to complete a joint lunar station by 2035.",
    "The agency said the satellite is scheduled to launch next year from Jiuquan.",
    "Delegates at the committee called for fair access to orbital resources.",
    "Kenya's agency signed a data-sharing agreement with a commercial operator.",
    "Officials expect the agreement to be signed during the summit in June.",
    "Sanctions have cut Roscosmos off from several Western suppliers.",
    "India offered launch services to neighbouring states at reduced prices.",
]


def generate(warehouse: Warehouse, items: int) -> float:
    started = time.perf_counter()
    end = f"{(EDITION_DATE + timedelta(days=1)).isoformat()} 00:00:00+00"
    recent = f"{(EDITION_DATE - timedelta(days=34)).isoformat()} 00:00:00+00"
    with warehouse.write() as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(
            "INSERT INTO trends SELECT t.id, 'bench', t.family, lower(t.id) || '-name', "
            "'Statement of trend ' || t.id, NULL, t.pos FROM (SELECT unnest(?) AS id, "
            "unnest(?) AS family, unnest(range(19)) AS pos) AS t",
            [TREND_IDS, FAMILIES],
        )
        con.execute(
            f"""
            CREATE TEMP TABLE gen AS
            SELECT i,
                   'i' || i AS item_id,
                   'c' || (i // (1 + (hash(i // 4) % 4))) AS cluster_id,
                   TIMESTAMPTZ '{end}' - to_microseconds(
                       CAST(random() * 365 * 86400 * 1e6 AS BIGINT)) AS published_at,
                   random() AS r_rel, random() AS r_label, random() AS r_second
            FROM range({items}) AS r(i)
            """
        )
        sentences = "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in SENTENCES) + "]"
        con.execute(
            f"""
            INSERT INTO items (item_id, url, guid, title, summary, language, source_id,
                               source_name, published_at, fetched_at, content_hash, cluster_id)
            SELECT item_id, 'https://news.example.org/' || item_id, NULL,
                   'Generated headline number ' || i,
                   {sentences}[1 + i % 8] || ' ' || {sentences}[1 + (i // 8) % 8] || ' '
                     || {sentences}[1 + (i // 64) % 8],
                   'en', 'src' || (i % 40), 'Outlet ' || (i % 40), published_at,
                   published_at + INTERVAL 1 HOUR, md5(item_id), cluster_id
            FROM gen
            """
        )
        con.execute(
            f"""
            INSERT INTO classifications
            SELECT item_id, 'bench-clf', 'bench', r_rel < 0.4, CASE WHEN r_rel < 0.4
                   THEN 0.5 + r_rel ELSE r_rel / 4 END,
                   MAP(['R1', 'W3'], [r_label, r_second]),
                   CASE WHEN published_at >= TIMESTAMPTZ '{recent}'
                        THEN list_transform(range(384), lambda x: CAST(random() - 0.5 AS FLOAT))
                   END,
                   published_at + INTERVAL 2 HOUR
            FROM gen
            """
        )
        con.execute(
            """
            INSERT INTO labels (item_id, trend_id, score, evidence, classifier_version,
                                taxonomy_version, labelled_at)
            SELECT item_id, ? [1 + CAST(floor(r_label * 19) AS INTEGER)], 0.5 + r_label / 2,
                   'evidence', 'bench-clf', 'bench', published_at + INTERVAL 2 HOUR
            FROM gen WHERE r_rel < 0.36
            UNION ALL
            SELECT item_id, ? [1 + CAST(floor(r_second * 19) AS INTEGER)], 0.4 + r_second / 2,
                   'evidence', 'bench-clf', 'bench', published_at + INTERVAL 2 HOUR
            FROM gen WHERE r_rel < 0.18
              AND floor(r_second * 19) <> floor(r_label * 19)
            """,
            [TREND_IDS, TREND_IDS],
        )
        con.execute("DROP TABLE gen")
        con.execute("CHECKPOINT")
    return time.perf_counter() - started


def build_pushed_down(warehouse: Warehouse) -> tuple[float, int]:
    started = time.perf_counter()
    with warehouse.read() as con:
        window = load_window(con, EDITION_DATE, 7)
    edition = build_edition(window, top_stories=12)
    render_markdown(edition), render_html(edition), render_json(edition)
    return time.perf_counter() - started, edition.items_relevant


def build_naive(warehouse: Warehouse) -> tuple[float, int]:
    """The baseline: every row of the five windows into Python, aggregated there."""
    started = time.perf_counter()
    bounds = window_bounds(EDITION_DATE, 7, 4)
    span = 7 * 86400
    with warehouse.read() as con:
        rows = con.execute(
            """
            SELECT i.item_id, i.cluster_id, i.published_at, i.title, i.summary, c.relevant,
                   c.relevance, l.trend_id, l.score
            FROM items AS i
            JOIN v_classifications AS c USING (item_id)
            LEFT JOIN v_labels AS l USING (item_id)
            WHERE i.published_at >= ? AND i.published_at < ?
            """,
            [bounds.history_start, bounds.end],
        ).fetchall()
    stories: dict[tuple[str, int], set[str]] = defaultdict(set)
    best: dict[str, tuple[float, str]] = {}
    relevant = Counter()
    for item_id, cluster, published, _title, _summary, is_rel, relevance, trend, score in rows:
        w = int((bounds.end - published).total_seconds() // span)
        if not is_rel:
            continue
        if trend:
            stories[(trend, w)].add(cluster)
        if w == 0:
            relevant[item_id] = 1
            rank = relevance * (1 + (score or 0))
            if cluster not in best or rank > best[cluster][0]:
                best[cluster] = (rank, item_id)
    sorted(best.values(), reverse=True)[:60]
    return time.perf_counter() - started, len(relevant)


def summary_quality(path: Path) -> None:
    """Expert's View selections on a real warehouse (e.g. the demo's): how well 3 chosen
    sentences cover the 12 top stories' sentences (mean best TF-IDF cosine) and how much
    they repeat each other (mean pairwise cosine), for MMR with and without the item
    embeddings, against the lead sentences of the top 3 stories."""
    warehouse = Warehouse(path)
    with warehouse.read() as con:
        latest = con.execute("SELECT max(published_at) FROM items").fetchone()[0]
    for back in range(4):
        day = latest.date() - timedelta(days=7 * back)
        with warehouse.read() as con:
            window = load_window(con, day, 14)
        by_id = {item.item_id: item for item in window.items}
        top = [by_id[i] for i in window.ranked_story_ids[:12]]
        pool = [s for item in top for s in item_sentences(item)[:4]]
        if len(pool) < 4:
            continue
        started = time.perf_counter()
        blend = expert_sentences(top, count=3)
        elapsed = (time.perf_counter() - started) * 1000
        variants = {
            "MMR, TF-IDF + embeddings": blend,
            "MMR, TF-IDF only": expert_sentences(
                [replace(item, embedding=None) for item in top], count=3
            ),
            "lead sentence of top 3": [
                SourcedSentence(item_sentences(item)[0], item.item_id, item.cluster_id, 0)
                for item in top[:3]
                if item_sentences(item)
            ],
        }
        print(f"window ending {day} (14 days): {len(pool)} sentences, MMR in {elapsed:.1f} ms")
        for name, chosen in variants.items():
            matrix = tfidf_matrix(pool + [c.text for c in chosen])
            sentences, picked = matrix[: len(pool)], matrix[len(pool) :]
            coverage = float((sentences @ picked.T).max(axis=1).mean())
            n = len(chosen)
            pairwise = picked @ picked.T
            redundancy = float((pairwise.sum() - n) / (n * (n - 1))) if n > 1 else 0.0
            print(f"  {name:26s} coverage {coverage:.3f}  redundancy {redundancy:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="Keep the warehouse here.")
    parser.add_argument(
        "--quality", type=Path, default=None, help="Only compare summaries on this warehouse."
    )
    args = parser.parse_args()
    if args.quality:
        summary_quality(args.quality)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.duckdb"
        path.unlink(missing_ok=True)
        warehouse = Warehouse(path)
        seconds = generate(warehouse, args.items)
        size_mb = path.stat().st_size / 1e6
        print(f"generated {args.items:,} items in DuckDB in {seconds:.1f} s ({size_mb:.0f} MB)")
        bounds = window_bounds(EDITION_DATE, 7, 4)
        with warehouse.read() as con:
            counts = con.execute(
                "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM labels), "
                "(SELECT count(*) FROM items WHERE published_at >= ? AND published_at < ?)",
                [bounds.history_start, bounds.end],
            ).fetchone()
        print(
            f"items {counts[0]:,}, labels {counts[1]:,}, items in the 5 windows read {counts[2]:,}"
        )
        builds = (("pushed-down (spacebrief)", build_pushed_down), ("naive baseline", build_naive))
        for name, build in builds:
            times = []
            relevant = 0
            for _ in range(args.repeat):
                elapsed, relevant = build(warehouse)
                times.append(elapsed)
            print(
                f"{name:26s} edition in {statistics.median(times):.2f} s median, "
                f"{min(times):.2f} s best of {args.repeat} "
                f"({relevant:,} on-theme items in the window)"
            )


if __name__ == "__main__":
    main()
