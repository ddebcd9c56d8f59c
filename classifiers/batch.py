"""Classifying and evaluating JSON-lines files, with no warehouse involved.

`classify --input/--output` and `eval` use these; chunks keep memory flat on large files
and let the CLI draw a progress bar.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np

from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.evaluation import (
    EvalReport,
    Judged,
    LabelledItem,
    evaluate,
    goal_measures,
    read_labelled,
    stream_measures,
)
from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.jsonlines import read_records
from spacebrief.classifiers.types import Classification, TextItem, TrendScore

CHUNK = 512
Progress = Callable[[int, int], None]


def read_items(path: Path) -> list[TextItem]:
    """Lines {"id","title","summary",...}; a clear error naming the bad line."""
    return read_records(
        path,
        lambda record: TextItem(
            id=str(record["id"]),
            title=str(record.get("title") or ""),
            summary=str(record.get("summary") or ""),
            language=record.get("language"),
            content=str(record.get("content") or ""),
        ),
        what="input",
        shape='an item: each line needs a JSON object with an "id" and a "title"',
    )


def output_record(classification: Classification) -> dict:
    return {
        "id": classification.item_id,
        "relevant": classification.relevant,
        "relevance": classification.relevance,
        "labels": [label.trend_id for label in classification.labels],
        "scores": classification.scores,
        "evidence": {label.trend_id: label.evidence for label in classification.labels},
        "stance": {
            label.trend_id: {"stance": label.stance, "score": label.stance_score}
            for label in classification.labels
        },
        "classifier_version": classification.classifier_version,
        "taxonomy_version": classification.taxonomy_version,
    }


def classify_in_chunks(
    classifier: Classifier, items: list[TextItem], on_progress: Progress | None = None
) -> Iterator[Classification]:
    for start in range(0, len(items), CHUNK):
        yield from classifier.classify(items[start : start + CHUNK], with_embeddings=False)
        if on_progress:
            on_progress(min(start + CHUNK, len(items)), len(items))


def classify_file(
    classifier: Classifier, input_path: Path, output_path: Path, on_progress: Progress | None = None
) -> tuple[int, int]:
    """Write one output line per input item; returns (items, relevant)."""
    items = read_items(input_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    relevant = 0
    with output_path.open("w", encoding="utf-8") as out:
        for classification in classify_in_chunks(classifier, items, on_progress):
            relevant += classification.relevant
            out.write(json.dumps(output_record(classification), ensure_ascii=False) + "\n")
    return len(items), relevant


def evaluate_file(
    classifier: Classifier, path: Path, alert_bars: Mapping[str, float] | None = None
) -> EvalReport:
    items = read_labelled(path)
    if not items:
        raise ClassifierError(f"The labelled file {path} holds no items.")
    return evaluate_items(classifier, items, alert_bars, source=str(path))


def evaluate_items(
    classifier: Classifier,
    items: list[LabelledItem],
    alert_bars: Mapping[str, float] | None = None,
    *,
    source: str = "the labelled items",
) -> EvalReport:
    """The curated figures, the stream measures and the goal's, with `alert_bars` as the
    Slack bar per trend (default: the classifier's own; a trend missing alerts on any
    label)."""
    path = source
    trend_ids = classifier.taxonomy.trend_ids
    unknown = sorted({t for i in items for t in i.labels} - set(trend_ids))
    if unknown:
        raise ClassifierError(
            f"{path} uses trend ids the taxonomy does not define: {', '.join(unknown)}."
        )
    classified = list(
        classify_in_chunks(
            classifier, [TextItem(i.id, i.title, i.summary, i.language) for i in items]
        )
    )
    relevant = np.array([c.relevant for c in classified])
    labels = np.array(
        [[t in {x.trend_id for x in c.labels} for t in trend_ids] for c in classified]
    )
    scores = np.array([[c.scores[t] for t in trend_ids] for c in classified], dtype=np.float32)
    gold_relevant = np.array([i.relevant for i in items])
    gold_labels = np.array([[t in i.labels for t in trend_ids] for i in items])
    report = evaluate(trend_ids, gold_relevant, gold_labels, relevant, labels)
    bars = dict(classifier.alert_bars if alert_bars is None else alert_bars)
    judged = [Judged(c.relevant, {x.trend_id: x for x in c.labels}) for c in classified]
    return EvalReport(
        **{
            **report.__dict__,
            "classifier_version": classifier.version,
            "taxonomy_version": classifier.taxonomy.version,
            "stream": stream_measures(
                trend_ids,
                gold_relevant,
                np.array([[t in i.supported() for t in trend_ids] for i in items]),
                relevant,
                labels
                & ~np.array(
                    [[not x.clearly_supports for x in _by_trend(c, trend_ids)] for c in classified]
                ),
                scores,
                np.array([bars.get(t, 0.0) for t in trend_ids]),
            ),
            "goal": goal_measures(items, judged, bars),
        }
    )


def _by_trend(classification: Classification, trend_ids: tuple[str, ...]) -> list[TrendScore]:
    labels = {x.trend_id: x for x in classification.labels}
    return [labels.get(t, TrendScore(t, 0.0, "")) for t in trend_ids]
