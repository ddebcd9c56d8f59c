"""How much of the dev score is threshold tuning? Tune on half of dev, measure the other half.

The head is fitted on our written examples only, so dev never trains it; but the label
and relevance thresholds are tuned on dev, which flatters dev figures. This script
repeats, over many random halvings of a labelled file: tune both thresholds on one half
with the same `tune_thresholds` that `spacebrief train --tune-on` uses, and score the
other half. It also prints the untuned figures (both thresholds at 0.5).

Run: python bench/classify_crosscheck.py [../shared/eval/dev.jsonl] [--splits 50]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.decision import decide
from spacebrief.classifiers.evaluation import evaluate, read_labelled
from spacebrief.classifiers.features import item_text
from spacebrief.classifiers.training import tune_thresholds

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("labelled", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--splits", type=int, default=50)
    args = parser.parse_args()

    classifier = Classifier.load()
    items = read_labelled(args.labelled)
    trend_ids = classifier.taxonomy.trend_ids
    scores = classifier.score([item_text(i.title, i.summary) for i in items])
    gold = np.array([[t in i.labels for t in trend_ids] for i in items])
    gold_relevant = np.array([i.relevant for i in items])
    probabilities, relevance = scores.trend_probabilities, scores.relevance

    def report(index: np.ndarray, label_threshold: float, relevance_threshold: float):
        relevant, labels = decide(
            probabilities[index],
            relevance[index],
            np.full(len(trend_ids), label_threshold),
            relevance_threshold,
        )
        return evaluate(trend_ids, gold_relevant[index], gold[index], relevant, labels)

    everything = np.arange(len(items))
    untuned = report(everything, 0.5, 0.5)
    print(f"{len(items)} items, classifier {classifier.version}")
    print(
        f"untuned (0.5/0.5), whole file: relevance acc {untuned.relevance_accuracy:.3f}, "
        f"macro-F1 {untuned.macro_f1:.3f}, min F1 {untuned.min_f1:.3f}, "
        f"micro-F1 {untuned.micro_f1:.3f}"
    )
    tuned = tune_thresholds(probabilities, relevance, gold, gold_relevant)
    whole = report(everything, *tuned)
    print(
        f"tuned on the whole file (labels {tuned[0]:.3f}, relevance {tuned[1]:.3f}): "
        f"relevance acc {whole.relevance_accuracy:.3f}, macro-F1 {whole.macro_f1:.3f}, "
        f"min F1 {whole.min_f1:.3f}, micro-F1 {whole.micro_f1:.3f}"
    )
    rng = np.random.default_rng(2026)
    rows = []
    for _ in range(args.splits):
        order = rng.permutation(len(items))
        tune_half, test_half = order[: len(items) // 2], order[len(items) // 2 :]
        thresholds = tune_thresholds(
            probabilities[tune_half],
            relevance[tune_half],
            gold[tune_half],
            gold_relevant[tune_half],
        )
        held = report(test_half, *thresholds)
        rows.append(
            (held.relevance_accuracy, held.macro_f1, held.micro_f1, held.min_f1, *thresholds)
        )
    table = np.array(rows)
    mean, low = table.mean(0), table.min(0)
    print(
        f"tuned on one half, measured on the other ({args.splits} random halvings): "
        f"relevance acc mean {mean[0]:.3f} (worst {low[0]:.3f}), macro-F1 mean {mean[1]:.3f} "
        f"(worst {low[1]:.3f}), micro-F1 mean {mean[2]:.3f}; label threshold "
        f"{mean[4]:.3f}±{table[:, 4].std():.3f}, relevance threshold "
        f"{mean[5]:.3f}±{table[:, 5].std():.3f}"
    )
    print(
        "note: a half holds 1-4 positives per trend, so per-trend F1 on a half is coarse "
        f"(mean of the lowest trend F1 per half: {mean[3]:.3f})"
    )


if __name__ == "__main__":
    main()
