"""Which classifications owe an alert: watch-list labels on relevant items, over the bar.

The Slack bar is higher than the label threshold: an item between the two reaches the
warehouse and the edition, but does not ping anyone. Scores are calibrated
(classifiers/head.py), so the default bar of 0.8 means "about 4 in 5 such labels are
right, or better"; `SPACEBRIEF_ALERT_THRESHOLDS` sets it per trend. `decide_alert` is
the one rule, and it says why, for `spacebrief alerts --dry-run`.

Pure and deterministic, so the classify step can call it inside the transaction that
stores the labels (the ledger row and its cause commit together).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from alerts.types import AlertCandidate
from classifiers.stance import AGAINST
from classifiers.types import Classification, TrendScore

WATCH_PREFIX = "W"


def is_watch_trend(trend_id: str) -> bool:
    return trend_id.startswith(WATCH_PREFIX)


def raises_watch(label: TrendScore) -> bool:
    """A watch-list label whose item supports the trend: an item running against it (a
    country signing the Artemis Accords, under W1) is not a sign to watch for."""
    return is_watch_trend(label.trend_id) and label.stance != AGAINST


@dataclass(frozen=True)
class AlertDecision:
    send: bool
    reason: str  # one clause a user understands: why this label pings Slack, or not


def decide_alert(
    label: TrendScore,
    relevant: bool,
    thresholds: Mapping[str, float],
    default_threshold: float | None,
) -> AlertDecision:
    trend = label.trend_id
    if not is_watch_trend(trend):
        return AlertDecision(False, f"{trend} is not a watch-list trend")
    if not relevant:
        return AlertDecision(False, "the item was judged off-theme")
    if label.stance == AGAINST:
        return AlertDecision(False, f"the item runs against {trend}")
    bar = thresholds.get(trend, default_threshold)
    if bar is None:
        return AlertDecision(True, f"a {trend} label (no Slack bar set)")
    if label.score < bar:
        return AlertDecision(
            False, f"score {label.score:.2f} is below the Slack bar {bar:.2f} for {trend}"
        )
    return AlertDecision(True, f"score {label.score:.2f} clears the Slack bar {bar:.2f}")


def select_candidates(
    classifications: Iterable[Classification],
    clusters: Mapping[str, str],
    thresholds: Mapping[str, float],
    default_threshold: float | None,
    destination: str,
) -> list[AlertCandidate]:
    """One candidate per (story cluster, watch-list trend), from the best-scoring item.

    A label qualifies when its item is relevant, supports the trend (`raises_watch`), and
    its score reaches `thresholds[trend]`, else `default_threshold`, else the classifier's
    own acceptance (being a label at all). `clusters` maps item_id -> cluster_id; an item
    missing from it is its own cluster. Several reports of one story in a batch yield one
    alert, so the story is announced once and the strongest report carries it.
    """
    best: dict[tuple[str, str], AlertCandidate] = {}
    for classification in classifications:
        if not classification.relevant:
            continue
        cluster_id = clusters.get(classification.item_id, classification.item_id)
        for label in classification.labels:
            if not decide_alert(label, True, thresholds, default_threshold).send:
                continue
            key = (cluster_id, label.trend_id)
            candidate = AlertCandidate(
                cluster_id=cluster_id,
                trend_id=label.trend_id,
                item_id=classification.item_id,
                score=float(label.score),
                destination=destination,
            )
            current = best.get(key)
            if current is None or (candidate.score, current.item_id) > (
                current.score,
                candidate.item_id,
            ):
                best[key] = candidate
    return sorted(best.values(), key=lambda c: (c.cluster_id, c.trend_id))
