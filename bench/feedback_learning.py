"""The learning curve of analyst feedback: does marking false alerts reduce them?

An analyst marks k of the false watch-list alerts (k = 0, 10, 25, 50) on one half of
labelled real-feed items; the head is refitted with those verdicts (in memory: nothing
is written, and the shipped head is never trained on ../shared); false alerts per 1,000
items and on-theme recall are measured on the other half, which no verdict touched.

A false alert: a watch-list label (W*) on an item the classifier calls on-theme, when
the item's gold labels do not hold that trend. The halves are split by a hash of
(feed, entry), so every run uses the same ones. When the real half has fewer than k
false alerts, the script says so and tops the pool up with false alerts on the repo's
own sample feeds (seeds/samples/, labels in labels.yaml).

The labels file has one JSON object per line: {"feed", "entry", "link", "relevant",
"labels"}; the texts are read from the feed files (default ../shared/feeds/real/).

Run: python bench/feedback_learning.py [--labels PATH] [--feeds DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import feedparser  # noqa: E402
import yaml  # noqa: E402

from spacebrief.classifiers.classifier import Classifier  # noqa: E402
from spacebrief.classifiers.features import item_text  # noqa: E402
from spacebrief.classifiers.head import load_head, packaged_head_path  # noqa: E402
from spacebrief.classifiers.taxonomy import load_taxonomy  # noqa: E402
from spacebrief.classifiers.training import train_head  # noqa: E402
from spacebrief.classifiers.types import FeedbackExample  # noqa: E402
from spacebrief.ingest._normalise import clean_text  # noqa: E402

KS = (0, 10, 25, 50)
DEFAULT_LABELS = (ROOT / "tests" / "classifiers" / "fixtures" / "real_feeds.jsonl",)


@dataclass(frozen=True)
class Labelled:
    key: str
    title: str
    summary: str
    relevant: bool
    labels: frozenset[str]


def _entries(path: Path) -> list[dict]:
    return list(feedparser.parse(path.read_bytes()).entries)


def real_items(labels_path: Path, feeds_dir: Path) -> list[Labelled]:
    cache: dict[str, list[dict]] = {}
    items = []
    for line in labels_path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        feed = feeds_dir / record["feed"]
        if record["feed"] not in cache:
            cache[record["feed"]] = _entries(feed) if feed.exists() else []
        entries = cache[record["feed"]]
        if record["entry"] >= len(entries):
            continue
        entry = entries[record["entry"]]
        items.append(
            Labelled(
                f"{record['feed']}#{record['entry']}",
                clean_text(entry.get("title")),
                clean_text(entry.get("summary")),
                bool(record["relevant"]),
                frozenset(record.get("labels") or ()),
            )
        )
    return items


def sample_items(samples: Path) -> list[Labelled]:
    gold = yaml.safe_load((samples / "labels.yaml").read_text("utf-8"))
    items = []
    for feed in sorted(samples.glob("*.*")):
        if feed.suffix not in (".xml", ".atom", ".rdf"):
            continue
        for entry in _entries(feed):
            key = entry.get("id") or entry.get("link")
            if key not in gold:
                continue
            labels = frozenset(gold[key] or ())
            items.append(
                Labelled(
                    f"sample:{key}",
                    clean_text(entry.get("title")),
                    clean_text(entry.get("summary")),
                    bool(labels),
                    labels,
                )
            )
    return items


def half_of(item: Labelled) -> int:
    return int(hashlib.sha256(item.key.encode()).hexdigest()[:8], 16) % 2


def alerts(classifier: Classifier, items: list[Labelled]) -> tuple[list[tuple[int, str]], list]:
    """(item index, watch trend) of every watch-list alert, and the on-theme decisions."""
    scores = classifier.score([item_text(i.title, i.summary) for i in items])
    relevant, labels = classifier.decide(scores)
    trend_ids = classifier.taxonomy.trend_ids
    found = [
        (row, trend)
        for row in range(len(items))
        for column, trend in enumerate(trend_ids)
        if trend.startswith("W") and relevant[row] and labels[row, column]
    ]
    return found, list(relevant)


def false_alerts(found: list[tuple[int, str]], items: list[Labelled]) -> list[tuple[int, str]]:
    return [(row, trend) for row, trend in found if trend not in items[row].labels]


def measure(classifier: Classifier, items: list[Labelled]) -> tuple[float, float, int]:
    found, relevant = alerts(classifier, items)
    false = false_alerts(found, items)
    gold_on = [n for n, i in enumerate(items) if i.relevant]
    recall = sum(bool(relevant[n]) for n in gold_on) / len(gold_on) if gold_on else float("nan")
    return 1000 * len(false) / len(items), recall, len(false)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=None, help="real-feed labels (JSONL)")
    parser.add_argument("--feeds", type=Path, default=ROOT.parent / "shared" / "feeds" / "real")
    args = parser.parse_args()
    labels_path = args.labels or next((p for p in DEFAULT_LABELS if p.exists()), None)
    if labels_path is None or not args.feeds.exists():
        sys.exit("No real-feed labels or feed files here: pass --labels and --feeds.")
    started = time.perf_counter()
    taxonomy = load_taxonomy(ROOT / "seeds" / "taxonomy.yaml")
    shipped = load_head(packaged_head_path())
    baseline = Classifier(taxonomy, shipped)

    real = real_items(labels_path, args.feeds)
    samples = sample_items(ROOT / "seeds" / "samples")
    print(
        f"labels {labels_path}: {len(real)} real items with text "
        f"({sum(i.relevant for i in real)} on-theme); the repo's samples: {len(samples)} "
        f"({sum(i.relevant for i in samples)} on-theme)"
    )
    pool_real = [i for i in real if half_of(i) == 0]
    found, _ = alerts(baseline, pool_real)
    marked_pool = [(pool_real[r], t) for r, t in false_alerts(found, pool_real)]
    print(f"false watch-list alerts in the analyst's half of the real feeds: {len(marked_pool)}")
    pool_samples = [i for i in samples if half_of(i) == 0]
    if len(marked_pool) < max(KS):
        sample_found, _ = alerts(baseline, pool_samples)
        extra = [(pool_samples[r], t) for r, t in false_alerts(sample_found, pool_samples)]
        print(
            f"too few for k={max(KS)}: the analyst also marks the {len(extra)} false alert(s) "
            f"on the analyst's half of the repo's sample feeds"
        )
        marked_pool += extra
    test_real = [i for i in real if half_of(i) == 1]
    test_all = test_real + [i for i in samples if half_of(i) == 1]
    print(
        f"measured half: {len(test_real)} real items ({sum(i.relevant for i in test_real)} "
        f"on-theme) + samples = {len(test_all)} items ({sum(i.relevant for i in test_all)} "
        "on-theme); no verdict touches it"
    )
    print(
        f"{'k':>3} {'marked':>6} | {'real: false/1000':>16} {'recall':>6} | "
        f"{'real+samples: false/1000':>24} {'recall':>6} | {'refit s':>7}"
    )
    for k in KS:
        marked = marked_pool[:k]
        if len(marked) < k:
            print(f"    (k={k}: only {len(marked)} false alerts exist to mark)")
        fit_started = time.perf_counter()
        if marked:
            feedback = [FeedbackExample(i.title, i.summary, t, False) for i, t in marked]
            head = train_head(taxonomy, feedback=feedback, previous=shipped, classifier=baseline)
            classifier = Classifier(
                taxonomy, head, baseline.screen, baseline.encoder, baseline.judge
            )
        else:
            classifier = baseline
        fit = time.perf_counter() - fit_started
        real_rate, real_recall, real_count = measure(classifier, test_real)
        all_rate, all_recall, all_count = measure(classifier, test_all)
        print(
            f"{k:>3} {len(marked):>6} | {real_rate:>10.1f} ({real_count:>3}) {real_recall:>6.3f} | "
            f"{all_rate:>18.1f} ({all_count:>3}) {all_recall:>6.3f} | {fit:>7.1f}"
        )
    print(f"total {time.perf_counter() - started:.1f} s; baseline is k=0 (the shipped head)")


if __name__ == "__main__":
    main()
