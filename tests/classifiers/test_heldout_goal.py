"""The goal of issue 23 on our held-out split (seeds/evaluation/heldout.jsonl).

381 items in 32 languages, written apart from the training files and never used to choose
anything (no threshold, bar or epoch count was tuned on them). The bounds below are the
figures measured with the shipped model (docs/classifier.md) less a small margin for
float differences between machines: a regression guard, with the goal beside each.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spacebrief.classifiers.batch import evaluate_file
from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.evaluation import EvalReport

HELDOUT = Path(__file__).parents[2] / "seeds" / "evaluation" / "heldout.jsonl"


@pytest.fixture(scope="module")
def report(classifier: Classifier) -> EvalReport:
    return evaluate_file(classifier, HELDOUT)


def test_trend_tags_and_relevance(report: EvalReport) -> None:
    assert report.items == 381
    assert report.relevance_accuracy >= RELEVANCE_ACCURACY  # goal 0.96
    assert report.macro_f1 >= MACRO_F1  # goal 0.80
    assert report.min_f1 >= MIN_F1, [(t.trend_id, round(t.f1, 2)) for t in report.trends]


def test_on_theme_recall_in_every_language_group(report: EvalReport) -> None:
    assert report.goal is not None
    groups = report.goal.on_theme_recall_by_group
    assert len(groups) == 7
    for group, (found, total) in groups.items():
        assert found / total >= GROUP_RECALL, (group, found, total)  # goal 0.90


def test_slack_and_stance(report: EvalReport) -> None:
    goal = report.goal
    assert goal is not None
    assert goal.watch_share_pinged >= WATCH_PINGED  # goal 0.85
    assert goal.supporting_against_share <= SUPPORTING_AGAINST  # goal 0.01
    assert goal.against_precision >= AGAINST_PRECISION  # goal 0.80


# Measured with the shipped model, less a margin (see the module's docstring).
# 5 December 2026: 0.971, 0.814, 0.604, every group >= 0.96, 109/134 = 0.81, 0/317, 2/7.
RELEVANCE_ACCURACY = 0.96
MACRO_F1 = 0.80
MIN_F1 = 0.58
GROUP_RECALL = 0.90
WATCH_PINGED = 0.78  # below the goal (0.85): docs/classifier.md says why
SUPPORTING_AGAINST = 0.01
AGAINST_PRECISION = 0.25  # far below the goal (0.80): docs/classifier.md says why
