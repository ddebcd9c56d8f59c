"""The goal of issue 23 on our held-out split (seeds/evaluation/heldout.jsonl).

381 items in 32 languages, written apart from the training files. No threshold, bar or
epoch count was fitted on them, but the decision rule's shape (the 3 December head's veto
and its bypass), the Slack bars' floor and the choice of the linear stance head were made
after seeing their figures, so these are
partly dev figures (docs/classifier.md). The bounds below are the figures measured with the
shipped model less a small margin for float differences between machines: a regression
guard, with the goal beside each.
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
    assert report.relevance_accuracy >= RELEVANCE_ACCURACY
    assert report.macro_f1 >= MACRO_F1
    assert report.min_f1 >= MIN_F1, [(t.trend_id, round(t.f1, 2)) for t in report.trends]


def test_on_theme_recall_in_every_language_group(report: EvalReport) -> None:
    assert report.goal is not None
    groups = report.goal.on_theme_recall_by_group
    assert len(groups) == 7
    for group, (found, total) in groups.items():
        assert found / total >= GROUP_RECALL, (group, found, total)


def test_slack_and_stance(report: EvalReport) -> None:
    goal = report.goal
    assert goal is not None
    assert goal.watch_share_pinged >= WATCH_PINGED
    assert goal.supporting_against_share <= SUPPORTING_AGAINST
    assert goal.against_precision >= AGAINST_PRECISION


# Measured with the shipped model, less a margin (see the module's docstring).
# 7 December 2026 (the wide head, the judge overruling the veto when sure, the gazetteer's
# new words, Slack bars floored at 0.60): 0.961, 0.823, 0.558 (R5), lowest group 19/25
# (ru/Cyrillic), 113/134 = 0.84, 0/297, 3/5; after the Global South names and the Turkish-İ
# fix of the evening, 112/134; after the unread-script rule, 0.969, 0.827, 0.591; after the
# gazetteer's names for the news's actors (rule 27, fifth session), 0.969, 0.824, 0.591,
# 112/134, 0/299, 3/5. Round 1 (the judge alone) had
# 0.971, 0.814, 0.604, 109/134, but an off-theme false-positive rate of 0.23 on real feeds;
# docs/classifier.md has both.
RELEVANCE_ACCURACY = 0.945  # goal 0.96
MACRO_F1 = 0.80  # goal 0.80
MIN_F1 = 0.52  # goal 0.60
GROUP_RECALL = 0.70  # goal 0.90
WATCH_PINGED = 0.81  # goal 0.85
SUPPORTING_AGAINST = 0.01  # goal 0.01
AGAINST_PRECISION = 0.4  # goal 0.80 (3 of 5 verdicts: the head seldom says "against")
