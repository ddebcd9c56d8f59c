"""Metrics on a tiny file whose answers we can work out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spacebrief.classifiers.evaluation import (
    Judged,
    LabelledItem,
    evaluate,
    goal_measures,
    read_labelled,
)
from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.types import TrendScore


def test_precision_recall_f1_micro_macro_and_relevance_confusion() -> None:
    trends = ("A", "B", "C")
    gold_relevant = np.array([True, True, False, True])
    gold = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0], [0, 1, 0]], bool)
    predicted_relevant = np.array([True, True, True, False])
    predicted = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0]], bool)

    report = evaluate(trends, gold_relevant, gold, predicted_relevant, predicted)

    a, b, c = report.trends
    assert (a.precision, a.recall, a.f1) == (1.0, 1.0, 1.0)
    assert (b.true_positives, b.support, b.predicted) == (0, 2, 1)
    assert (b.precision, b.recall, b.f1) == (0.0, 0.0, 0.0)
    assert c.f1 == 1.0  # nothing to find, nothing wrongly found
    assert report.micro_precision == pytest.approx(2 / 3)
    assert report.micro_recall == pytest.approx(2 / 4)
    assert report.micro_f1 == pytest.approx(2 * 2 / (2 * 2 + 1 + 2))
    assert report.macro_f1 == pytest.approx(2 / 3)
    assert report.min_f1 == 0.0
    assert report.relevance_accuracy == 0.5
    assert report.confusion == {
        "true_positive": 2,
        "false_positive": 1,
        "true_negative": 0,
        "false_negative": 1,
    }
    assert report.as_dict()["per_label"]["B"]["support"] == 2


def test_a_labelled_file_that_is_missing_or_malformed_is_named_in_one_sentence(
    tmp_path: Path,
) -> None:
    with pytest.raises(ClassifierError, match="no labelled file"):
        read_labelled(tmp_path / "absent.jsonl")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "title": "t", "labels": ["W1"]}\n\n["not", "a record"]\n')
    with pytest.raises(ClassifierError, match=r"broken.jsonl:3 is not a labelled item"):
        read_labelled(broken)


def test_a_wrong_against_verdict_says_whether_it_judged_a_supporting_label_or_a_wrong_one() -> None:
    seat_swap = LabelledItem(
        "1", "Cosmonaut flies on a Crew Dragon", "", "en", True, ("D4",), {"D4": "against"}
    )
    joining = LabelledItem("2", "Thailand joins the ILRS", "", "en", True, ("W1",))
    said = [
        Judged(
            True,
            {
                "D4": TrendScore("D4", 0.9, "", "against", 0.99),
                "W2": TrendScore("W2", 0.7, "", "against", 0.98),
            },
        ),
        Judged(True, {"W1": TrendScore("W1", 0.9, "", "against", 0.97)}),
    ]

    goal = goal_measures([seat_swap, joining], said, {})

    assert (goal.against_verdicts, goal.against_verdicts_right) == (3, 1)
    assert goal.against_verdicts_unlabelled == 1  # W2: a label the gold does not give
    assert (goal.supporting_labels, goal.supporting_read_against) == (1, 1)  # W1
    assert (goal.against_pairs, goal.against_found) == (1, 1)
