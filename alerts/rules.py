"""Which classifications owe an alert: watch-list labels on relevant items, over the bar.

The Slack bar is at or above the label threshold: an item between the two reaches the
warehouse and the edition, but does not ping anyone. Scores are calibrated
(classifiers/head.py), and each watch trend has its own bar, shipped with the classifier
and chosen on held-out folds of our examples for recall at fixed precision (alerts right
9 times in 10 there); `SPACEBRIEF_ALERT_THRESHOLDS` and
`SPACEBRIEF_ALERT_DEFAULT_THRESHOLD` override it. An item judged "against" a trend never
pings for it. `classifier_decision` is the one rule, and it says why, for
`spacebrief alerts --dry-run`.

Pure and deterministic, so the classify step can call it inside the transaction that
stores the labels (the ledger row and its cause commit together).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from spacebrief.alerts.types import (
    MUTE_PREFIX,
    RULE_TREND_PREFIX,
    WATCH_PREFIX_DECIDED,
    AlertCandidate,
    RuleHit,
)
from spacebrief.classifiers.stance import AGAINST
from spacebrief.classifiers.types import Classification, TrendScore

WATCH_PREFIX = "W"


def is_watch_trend(trend_id: str) -> bool:
    return trend_id.startswith(WATCH_PREFIX)


def raises_watch(label: TrendScore) -> bool:
    """A watch-list label whose item clearly supports the trend: an item running against
    it (a country signing the Artemis Accords, under W1), or in doubt, is not a sign to
    watch for."""
    return is_watch_trend(label.trend_id) and label.clearly_supports


@dataclass(frozen=True)
class Decision:
    """Whether a label alerts, who decided, and why (shown by `alerts --dry-run`)."""

    alert: bool
    decided_by: str  # classifier | watch:<rule> | mute:<rule>
    reason: str  # one clause a user understands


def classifier_decision(
    label: TrendScore,
    thresholds: Mapping[str, float],
    default_threshold: float | None,
    *,
    relevant: bool = True,
) -> Decision:
    trend = label.trend_id
    if not is_watch_trend(trend):
        return Decision(False, "classifier", f"{trend} is not a watch-list trend")
    if not relevant:
        return Decision(False, "classifier", "the item was judged off-theme")
    if label.stance == AGAINST:
        return Decision(False, "classifier", f"the item runs against {trend}")
    if not label.clearly_supports:
        return Decision(
            False,
            "classifier",
            f"the item may run against {trend} (P(against) {label.stance_score:.2f})",
        )
    bar = thresholds.get(trend, default_threshold)
    if bar is None:
        return Decision(True, "classifier", f"{trend} {label.score:.2f}, a label (no bar set)")
    if label.score < bar:
        return Decision(
            False, "classifier", f"{trend} {label.score:.2f} is below the Slack bar {bar:.2f}"
        )
    return Decision(True, "classifier", f"{trend} {label.score:.2f} clears the Slack bar {bar:.2f}")


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
            decision = classifier_decision(label, thresholds, default_threshold)
            if not decision.alert:
                continue
            key = (cluster_id, label.trend_id)
            candidate = AlertCandidate(
                cluster_id=cluster_id,
                trend_id=label.trend_id,
                item_id=classification.item_id,
                score=float(label.score),
                destination=destination,
                decided_by=decision.decided_by,
                reason=decision.reason,
            )
            current = best.get(key)
            if current is None or (candidate.score, current.item_id) > (
                current.score,
                candidate.item_id,
            ):
                best[key] = candidate
    return sorted(best.values(), key=lambda c: (c.cluster_id, c.trend_id))


def apply_rules(
    candidates: Sequence[AlertCandidate],
    classifications: Iterable[Classification],
    clusters: Mapping[str, str],
    hits: Mapping[str, Sequence[RuleHit]],
    destination: str,
) -> list[AlertCandidate]:
    """The classifier's candidates with the analysts' rules applied.

    `hits` maps item_id -> the rules its item matched. A watch rule owes one alert per
    (story, rule, destination) whatever the classifier said, trend `rule:<name>`. A mute
    rule turns the classifier's candidates on its items into `mute:<rule>` decisions,
    which the ledger keeps as `muted` and never sends. A watch rule is the most explicit
    instruction, so a mute rule does not silence it.
    """
    ruled: list[AlertCandidate] = []
    for candidate in candidates:
        mutes = sorted(h.name for h in hits.get(candidate.item_id, ()) if h.mute)
        if mutes:
            candidate = replace(
                candidate,
                decided_by=f"{MUTE_PREFIX}{mutes[0]}",
                reason=f"{candidate.reason}; muted by rule {mutes[0]!r}",
            )
        ruled.append(candidate)
    best: dict[tuple[str, str, str], AlertCandidate] = {}
    for classification in classifications:
        for hit in hits.get(classification.item_id, ()):
            if hit.mute:
                continue
            cluster_id = clusters.get(classification.item_id, classification.item_id)
            for target in hit.destinations or (destination,):
                candidate = AlertCandidate(
                    cluster_id=cluster_id,
                    trend_id=f"{RULE_TREND_PREFIX}{hit.name}",
                    item_id=classification.item_id,
                    score=float(classification.relevance),
                    destination=target,
                    decided_by=f"{WATCH_PREFIX_DECIDED}{hit.name}",
                    reason=f"matched watch rule {hit.name!r}",
                )
                key = (cluster_id, candidate.trend_id, target)
                current = best.get(key)
                if current is None or (candidate.score, current.item_id) > (
                    current.score,
                    candidate.item_id,
                ):
                    best[key] = candidate
    ruled.extend(sorted(best.values(), key=lambda c: (c.cluster_id, c.trend_id, c.destination)))
    return ruled
