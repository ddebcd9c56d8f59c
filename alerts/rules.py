"""Which classifications owe an alert: watch-list labels on relevant items, above threshold.

Pure and deterministic, so the classify step can call it inside the transaction that
stores the labels (the ledger row and its cause commit together).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
            if not raises_watch(label):
                continue
            threshold = thresholds.get(label.trend_id, default_threshold)
            if threshold is not None and label.score < threshold:
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
