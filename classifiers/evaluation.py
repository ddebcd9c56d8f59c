"""Scoring predictions against a labelled file shaped like the shared dev set.

Conventions: a trend with no gold positive and no prediction scores F1 = 1 (nothing to
find, nothing wrongly found) so that macro-F1 over a small file is not dragged down by
absent trends; micro-F1 pools every (item, trend) decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.jsonlines import read_records


@dataclass(frozen=True)
class LabelledItem:
    id: str
    title: str
    summary: str
    language: str | None
    relevant: bool
    labels: tuple[str, ...]


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
class EvalReport:
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
            **self.extra,
        }


def read_labelled(path: Path) -> list[LabelledItem]:
    """Lines {"id","title","summary","relevant","labels"}; a clear error for anything else."""

    def labelled(record: dict[str, Any]) -> LabelledItem:
        labels = tuple(record.get("labels") or ())
        return LabelledItem(
            id=str(record["id"]),
            title=str(record.get("title") or ""),
            summary=str(record.get("summary") or ""),
            language=record.get("language"),
            relevant=bool(record.get("relevant", bool(labels))),
            labels=labels,
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
