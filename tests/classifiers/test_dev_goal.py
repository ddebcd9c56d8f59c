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
    # Measured 6 December 2026: 1.000, 0.777, lowest 0.333 (R3: 1 of its 5 dev items). The
    # 3 December head, tuned on dev, had 0.50 there; on dev2 and our held-out split the
    # judge's R3 is 0.50 and 0.63.
    assert report.min_f1 >= 0.30, [(t.trend_id, t.f1) for t in report.trends]
