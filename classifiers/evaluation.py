"""Scoring predictions against a labelled file shaped like the shared dev set.

Conventions: a trend with no gold positive and no prediction scores F1 = 1 (nothing to
find, nothing wrongly found) so that macro-F1 over a small file is not dragged down by
absent trends; micro-F1 pools every (item, trend) decision.

Curated sets are half on-theme; a real feed is mostly not. `StreamMeasures` holds what a
user of a real stream feels: how many off-theme items get through (false-positive
rate), how many Slack pings per 1,000 items are wrong (watch labels that clear the
alert bar but are not gold), and whether a score of 0.9 means about 9 in 10 (the
calibration table over every relevant item's trend scores).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from spacebrief.classifiers.jsonlines import read_records
from spacebrief.classifiers.types import TrendScore


@dataclass(frozen=True)
class LabelledItem:
    id: str
    title: str
    summary: str
    language: str | None
    relevant: bool
    labels: tuple[str, ...]
    stance: dict[str, str] = field(default_factory=dict)  # label -> supports | against

    def supported(self) -> tuple[str, ...]:
        """The labels the item supports (a label with no stance given supports)."""
        return tuple(t for t in self.labels if self.stance.get(t, "supports") != "against")


# The goal's language groups (issue 23): on-theme recall must hold in each.
LANGUAGE_GROUPS = {
    "en": ("en",),
    "zh/ja": ("zh", "ja"),
    "ru/Cyrillic": ("ru", "uk", "kk", "sr", "bg", "mn", "be"),
    "ar/fa": ("ar", "fa"),
    "hi/Indic": ("hi", "bn", "ur", "ta", "te", "mr", "ml", "kn", "gu", "pa", "ne", "si"),
    "es/pt/fr/it": ("es", "pt", "fr", "it"),
}


def language_group(language: str | None) -> str:
    code = (language or "").split("-")[0].lower()
    for group, codes in LANGUAGE_GROUPS.items():
        if code in codes:
            return group
    return "others"


@dataclass(frozen=True)
class GoalMeasures:
    """The figures of the goal (docs/classifier.md): recall by language group, Slack
    recall of watch stories at the bars, and how stance reads the gold labels."""

    on_theme_recall_by_group: dict[str, tuple[int, int]]  # group -> (found, on-theme)
    watch_stories: int  # items supporting at least one watch trend
    watch_stories_pinged: int  # ... that ping Slack for one of those trends
    false_alerts: int  # alerts for a watch trend the item does not support
    false_alerts_per_1000: float
    supporting_labels: int  # gold supporting labels the classifier also gives
    supporting_read_against: int
    supporting_in_doubt: int  # ... not "against", but in doubt: neither support nor alert
    against_pairs: int  # gold (item, trend) pairs marked against
    against_found: int  # ... labelled and read "against"
    against_verdicts: int  # labels read "against"
    against_verdicts_right: int  # ... on a gold against pair
    # ... on a label the gold does not give: counted wrong above, though it misleads nobody
    # the way a supporting label read "against" does.
    against_verdicts_unlabelled: int

    @property
    def watch_share_pinged(self) -> float:
        return self.watch_stories_pinged / self.watch_stories if self.watch_stories else 1.0

    @property
    def supporting_against_share(self) -> float:
        return (
            self.supporting_read_against / self.supporting_labels if self.supporting_labels else 0.0
        )

    @property
    def against_precision(self) -> float:
        return self.against_verdicts_right / self.against_verdicts if self.against_verdicts else 1.0

    @property
    def against_recall(self) -> float:
        return self.against_found / self.against_pairs if self.against_pairs else 1.0


@dataclass(frozen=True)
class Judged:
    """What the classifier said of one item, as the goal's measures read it."""

    relevant: bool
    labels: dict[str, TrendScore]  # trend -> its label


def goal_measures(
    items: list[LabelledItem], judged: list[Judged], alert_bars: dict[str, float]
) -> GoalMeasures:
    """The goal's figures; an alert is a relevant item's watch label at or over its
    trend's bar (no bar: any label) that clearly supports it (TrendScore.clearly_supports)."""
    groups: dict[str, tuple[int, int]] = {}
    watch = pinged = false = supporting = read_against = in_doubt = 0
    against_pairs = found = verdicts = right = unlabelled = 0
    for item, said in zip(items, judged, strict=True):
        if item.relevant:
            group = language_group(item.language)
            hit, total = groups.get(group, (0, 0))
            groups[group] = (hit + int(said.relevant), total + 1)
        supported = set(item.supported())
        alerts = {
            t
            for t, label in said.labels.items()
            if said.relevant
            and t.startswith("W")
            and label.clearly_supports
            and label.score >= alert_bars.get(t, 0.0)
        }
        watched = {t for t in supported if t.startswith("W")}
        if watched:
            watch += 1
            pinged += bool(alerts & watched)
        false += len(alerts - supported)
        for t, label in said.labels.items():
            gold = item.stance.get(t, "supports") if t in item.labels else None
            against = label.stance == "against"
            if gold == "supports":
                supporting += 1
                read_against += against
                in_doubt += not against and not label.clearly_supports
            if against:
                verdicts += 1
                right += gold == "against"
                unlabelled += gold is None
        for t in item.labels:
            if item.stance.get(t) == "against":
                against_pairs += 1
                said_label = said.labels.get(t)
                found += said_label is not None and said_label.stance == "against"
    return GoalMeasures(
        on_theme_recall_by_group=dict(sorted(groups.items())),
        watch_stories=watch,
        watch_stories_pinged=pinged,
        false_alerts=false,
        false_alerts_per_1000=1000 * false / len(items) if items else 0.0,
        supporting_labels=supporting,
        supporting_read_against=read_against,
        supporting_in_doubt=in_doubt,
        against_pairs=against_pairs,
        against_found=found,
        against_verdicts=verdicts,
        against_verdicts_right=right,
        against_verdicts_unlabelled=unlabelled,
    )


@dataclass(frozen=True)
class TrendMetrics:
    trend_id: str
    support: int
    predicted: int
    true_positives: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    mean_score: float
    accuracy: float  # share of (item, trend) pairs in the bin that are gold labels


@dataclass(frozen=True)
class StreamMeasures:
    """What an analyst following the stream feels: false alarms, watch alerts, calibration."""

    relevance_precision: float
    relevance_recall: float
    false_positive_rate: float  # off-theme items judged on-theme / off-theme items
    false_watch_alerts_per_1000: float  # watch labels over the alert bar that are not gold
    watch_alerts: int
    watch_alert_precision: float
    calibration: tuple[CalibrationBin, ...]


@dataclass(frozen=True)
class EvalReport:
    """A classifier measured on a labelled set: per-trend and overall F1, relevance,
    and what a stream feels."""

    items: int
    trends: tuple[TrendMetrics, ...]
    micro_precision: float
    micro_recall: float
    micro_f1: float
    macro_f1: float
    min_f1: float
    relevance_accuracy: float
    confusion: dict[str, int]  # true_positive, false_positive, true_negative, false_negative
    classifier_version: str = ""
    taxonomy_version: str = ""
    stream: StreamMeasures | None = None
    goal: GoalMeasures | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "classifier_version": self.classifier_version,
            "taxonomy_version": self.taxonomy_version,
            "relevance_accuracy": self.relevance_accuracy,
            "relevance_confusion": self.confusion,
            "micro": {
                "precision": self.micro_precision,
                "recall": self.micro_recall,
                "f1": self.micro_f1,
            },
            "macro_f1": self.macro_f1,
            "min_f1": self.min_f1,
            "per_label": {
                t.trend_id: {
                    "precision": t.precision,
                    "recall": t.recall,
                    "f1": t.f1,
                    "support": t.support,
                    "predicted": t.predicted,
                }
                for t in self.trends
            },
            **({"stream": asdict(self.stream)} if self.stream else {}),
            **({"goal": _goal_dict(self.goal)} if self.goal else {}),
            **self.extra,
        }


def _goal_dict(goal: GoalMeasures) -> dict[str, Any]:
    return {
        **asdict(goal),
        "watch_share_pinged": goal.watch_share_pinged,
        "supporting_against_share": goal.supporting_against_share,
        "against_precision": goal.against_precision,
        "against_recall": goal.against_recall,
    }


def read_labelled(path: Path) -> list[LabelledItem]:
    """Lines {"id","title","summary","relevant","labels"} and optionally "stance" (label ->
    supports | against, as in dev2.jsonl); a clear error for anything else."""

    def labelled(record: dict[str, Any]) -> LabelledItem:
        labels = tuple(record.get("labels") or ())
        stance = {str(k): str(v) for k, v in (record.get("stance") or {}).items()}
        return LabelledItem(
            id=str(record["id"]),
            title=str(record.get("title") or ""),
            summary=str(record.get("summary") or ""),
            language=record.get("language"),
            relevant=bool(record.get("relevant", bool(labels))),
            labels=labels,
            stance=stance,
        )

    return read_records(
        path,
        labelled,
        what="labelled",
        shape="a labelled item with id, title, summary, relevant and labels",
    )


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    if tp + fp + fn == 0:
        return 1.0, 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn)
    return precision, recall, f1


def macro_f1(predicted: np.ndarray, gold: np.ndarray) -> float:
    scores = []
    for column in range(gold.shape[1]):
        p, g = predicted[:, column], gold[:, column]
        scores.append(_f1(int((p & g).sum()), int((p & ~g).sum()), int((~p & g).sum()))[2])
    return float(np.mean(scores))


def evaluate(
    trend_ids: tuple[str, ...],
    gold_relevant: np.ndarray,
    gold_labels: np.ndarray,
    predicted_relevant: np.ndarray,
    predicted_labels: np.ndarray,
) -> EvalReport:
    """Per-trend precision/recall/F1, micro and macro F1, relevance accuracy and confusion."""
    gold_labels = gold_labels.astype(bool)
    predicted_labels = predicted_labels.astype(bool)
    metrics = []
    for column, trend_id in enumerate(trend_ids):
        p, g = predicted_labels[:, column], gold_labels[:, column]
        tp, fp, fn = int((p & g).sum()), int((p & ~g).sum()), int((~p & g).sum())
        precision, recall, f1 = _f1(tp, fp, fn)
        metrics.append(
            TrendMetrics(trend_id, int(g.sum()), int(p.sum()), tp, precision, recall, f1)
        )
    tp = int((predicted_labels & gold_labels).sum())
    fp = int((predicted_labels & ~gold_labels).sum())
    fn = int((~predicted_labels & gold_labels).sum())
    micro_p, micro_r, micro = _f1(tp, fp, fn)
    gold_relevant = gold_relevant.astype(bool)
    predicted_relevant = predicted_relevant.astype(bool)
    confusion = {
        "true_positive": int((predicted_relevant & gold_relevant).sum()),
        "false_positive": int((predicted_relevant & ~gold_relevant).sum()),
        "true_negative": int((~predicted_relevant & ~gold_relevant).sum()),
        "false_negative": int((~predicted_relevant & gold_relevant).sum()),
    }
    n = len(gold_relevant)
    return EvalReport(
        items=n,
        trends=tuple(metrics),
        micro_precision=micro_p,
        micro_recall=micro_r,
        micro_f1=micro,
        macro_f1=float(np.mean([m.f1 for m in metrics])) if metrics else 0.0,
        min_f1=float(min(m.f1 for m in metrics)) if metrics else 0.0,
        relevance_accuracy=float((predicted_relevant == gold_relevant).mean()) if n else 0.0,
        confusion=confusion,
    )


def stream_measures(
    trend_ids: tuple[str, ...],
    gold_relevant: np.ndarray,
    gold_labels: np.ndarray,
    predicted_relevant: np.ndarray,
    predicted_labels: np.ndarray,
    trend_scores: np.ndarray,
    alert_bars: np.ndarray,
) -> StreamMeasures:
    """What a real stream's user feels; `alert_bars` is the Slack bar of each trend."""
    gold_relevant = gold_relevant.astype(bool)
    predicted_relevant = predicted_relevant.astype(bool)
    gold_labels = gold_labels.astype(bool)
    watch = np.array([t.startswith("W") for t in trend_ids])
    alerts = predicted_labels.astype(bool) & watch[None, :] & (trend_scores >= alert_bars[None, :])
    true_alerts = int((alerts & gold_labels).sum())
    tp = int((predicted_relevant & gold_relevant).sum())
    fp = int((predicted_relevant & ~gold_relevant).sum())
    negatives = int((~gold_relevant).sum())
    n = len(gold_relevant)
    return StreamMeasures(
        relevance_precision=tp / (tp + fp) if tp + fp else 1.0,
        relevance_recall=tp / int(gold_relevant.sum()) if gold_relevant.any() else 1.0,
        false_positive_rate=fp / negatives if negatives else 0.0,
        false_watch_alerts_per_1000=1000 * int((alerts & ~gold_labels).sum()) / n if n else 0.0,
        watch_alerts=int(alerts.sum()),
        watch_alert_precision=true_alerts / int(alerts.sum()) if alerts.any() else 1.0,
        calibration=calibration_table(
            trend_scores[predicted_relevant], gold_labels[predicted_relevant]
        ),
    )


def calibration_table(
    scores: np.ndarray, gold: np.ndarray, edges: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.9)
) -> tuple[CalibrationBin, ...]:
    """Reliability bins over (item, trend) scores from 0.5 up: does 0.9 mean 9 in 10?"""
    scores, gold = scores.ravel(), gold.astype(bool).ravel()
    bins = []
    for low, high in zip(edges, (*edges[1:], 1.0001), strict=True):
        inside = (scores >= low) & (scores < high)
        count = int(inside.sum())
        bins.append(
            CalibrationBin(
                low=low,
                high=min(high, 1.0),
                count=count,
                mean_score=float(scores[inside].mean()) if count else 0.0,
                accuracy=float(gold[inside].mean()) if count else 0.0,
            )
        )
    return tuple(bins)


@dataclass(frozen=True)
class FeedLabel:
    """One entry of a recorded feed, labelled by id only (the text stays in the feed)."""

    feed: str
    entry: int
    link: str | None
    relevant: bool
    labels: tuple[str, ...]


def read_feed_labels(path: Path) -> list[FeedLabel]:
    """Lines {"feed", "entry", "link", "relevant", "labels"} (real_feeds.jsonl)."""
    return read_records(
        path,
        lambda r: FeedLabel(
            feed=str(r["feed"]),
            entry=int(r["entry"]),
            link=r.get("link"),
            relevant=bool(r["relevant"]),
            labels=tuple(r.get("labels") or ()),
        ),
        what="feed label",
        shape="a feed label with feed, entry, link, relevant and labels",
    )
