"""What a user of a real stream feels, computed from predictions: a small worked case."""

from __future__ import annotations

import numpy as np
import pytest

from spacebrief.classifiers.evaluation import calibration_table, stream_measures

TRENDS = ("R1", "W1", "W2")


def test_false_positive_rate_and_false_alerts_per_1000_count_what_would_ping_wrongly():
    # 10 items: 2 on-theme, 8 off-theme; one off-theme item slips through with a W2 label
    # over the bar, one true W1 alert, one W1 label under the bar (no ping).
    gold_relevant = np.array([1, 1] + [0] * 8, bool)
    predicted_relevant = np.array([1, 1, 1] + [0] * 7, bool)
    gold = np.zeros((10, 3), bool)
    gold[0, 1] = gold[1, 0] = True
    predicted = np.zeros((10, 3), bool)
    predicted[0, 1] = predicted[1, 0] = predicted[1, 1] = predicted[2, 2] = True
    scores = np.zeros((10, 3))
    scores[0, 1], scores[1, 0], scores[1, 1], scores[2, 2] = 0.95, 0.9, 0.6, 0.85
    m = stream_measures(
        TRENDS, gold_relevant, gold, predicted_relevant, predicted, scores, np.full(3, 0.8)
    )
    assert m.false_positive_rate == pytest.approx(1 / 8)
    assert m.relevance_precision == pytest.approx(2 / 3)
    assert m.relevance_recall == 1.0
    assert m.watch_alerts == 2  # W1 0.95 and W2 0.85; W1 0.6 is under the bar
    assert m.false_watch_alerts_per_1000 == pytest.approx(100.0)
    assert m.watch_alert_precision == pytest.approx(0.5)


def test_the_calibration_table_bins_scores_and_reports_the_share_right():
    scores = np.array([0.55, 0.58, 0.95, 0.97, 0.99, 0.2])
    gold = np.array([0, 1, 1, 1, 0, 0], bool)
    bins = {b.low: b for b in calibration_table(scores, gold)}
    assert bins[0.5].count == 2 and bins[0.5].accuracy == pytest.approx(0.5)
    assert bins[0.9].count == 3 and bins[0.9].accuracy == pytest.approx(2 / 3)
    assert sum(b.count for b in bins.values()) == 5  # 0.2 is below every bin
