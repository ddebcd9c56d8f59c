"""Fitting and measuring the stance head (classifiers/stance.py).

Examples: seeds/training/stance.jsonl, lines {"title", "summary", "trend", "stance"} that
we wrote from real events ("against" mostly, and some "supports" worded with contrast
words, so that "despite" alone does not mean "against"), plus every labelled item of
the files in SUPPORT_FILES as a "supports" pair for each of its trends. The 740 pairs of
stance-pairs.jsonl trained the round-1 cross-encoder; fitted into this head they found
fewer real against-pairs on dev2 (docs/classifier.md), so they stay out. Features come
from the shipped classifier itself (its vectors, and the evidence sentence it would pick),
so the head is fitted on exactly what it reads at run time.

Two bars on P(against) are chosen at fit time, never on an evaluation set, on out-of-fold
P(against) of the training pairs (FOLDS folds that keep each item's pairs together): the
"against" bar by the goal's own rule (`choices.against_bar`: the most "against" verdicts
while they are right 80% of the time and at most 1% of supporting pairs read "against"),
and the lower doubt bar (`choices.doubt_bar`: at most 1% of supporting pairs held back),
from which a label is neither cited as support nor alerted on (types.STANCE_DOUBT).
Evaluation reads a file of the same shape (tests/classifiers/fixtures/stance.jsonl,
distinct events) and reports precision and recall of "against".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from spacebrief.classifiers.choices import AgainstBar, against_bar, doubt_bar
from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.encoder import MultilingualEncoder
from spacebrief.classifiers.stance import AGAINST, StanceHead, StancePair
from spacebrief.classifiers.training import (
    StanceExample,
    _fit,
    read_stance_file,
    training_dir,
    written_examples,
)
from spacebrief.classifiers.types import Taxonomy

STANCE_FILE = "stance.jsonl"
# The files whose labels give "supports" pairs. Named, not globbed: with the trend files
# of 7 December in training the recipe's bars fell to 0.775 / 0.625 and one more supporting
# label of an unseen set read "against" (rule 32 of docs/classifier.md). A file joins
# here only with a measured refit.
SUPPORT_FILES = (
    "multilingual.jsonl",
    "positives.jsonl",
    "trends-declining.jsonl",
    "trends-rising.jsonl",
    "trends-watch.jsonl",
)
FOLDS = 5


def training_examples() -> list[StanceExample]:
    written = read_stance_file(training_dir() / STANCE_FILE)
    supports = [
        StanceExample(example.text, trend_id, "supports")
        for example in written_examples(names=SUPPORT_FILES)
        for trend_id, verdict in example.verdicts.items()
        if verdict
    ]
    return written + supports


def unfitted(taxonomy: Taxonomy, encoder: MultilingualEncoder) -> StanceHead:
    """A stance head with no weights yet, over the taxonomy's statements."""
    trends = taxonomy.trends
    vectors = encoder.encode([t.statement for t in trends])
    return StanceHead(tuple(t.trend_id for t in trends), vectors, np.zeros(0), 0.0)


def stance_pairs(classifier: Classifier, examples: Sequence[StanceExample]) -> list[StancePair]:
    """The pairs the classifier would judge: its vectors, its evidence sentence per trend."""
    texts = [e.text for e in examples]
    scores = classifier.score(texts)
    trend_ids = classifier.taxonomy.trend_ids
    labels = np.zeros((len(examples), len(trend_ids)), dtype=bool)
    for row, example in enumerate(examples):
        labels[row, trend_ids.index(example.trend_id)] = True
    evidence = classifier._evidence(scores, labels)
    return [
        StancePair(
            texts[row],
            example.trend_id,
            scores.vectors[row],
            scores.sentence_vectors[row][
                scores.sentences[row].index(evidence[(row, trend_ids.index(example.trend_id))])
            ],
        )
        for row, example in enumerate(examples)
    ]


def fit_stance(classifier: Classifier, examples: Sequence[StanceExample]) -> StanceHead:
    """Balanced logistic regression over the stance features, with its bars chosen on
    out-of-fold P(against) (`out_of_fold_bars`); deterministic."""
    base = unfitted(classifier.taxonomy, classifier.encoder)
    features = base.features(stance_pairs(classifier, examples))
    target = np.array([e.against for e in examples])
    against, doubt = out_of_fold_bars(features, target, [e.text for e in examples])
    coef, intercept = _regression(features, target)
    return StanceHead(
        base.trend_ids,
        base.statement_vectors,
        coef,
        intercept,
        against.bar,
        len(examples),
        doubt,
    )


def out_of_fold_bars(
    features: np.ndarray, target: np.ndarray, items: Sequence[str]
) -> tuple[AgainstBar, float]:
    """The "against" bar and the doubt bar (classifiers/choices.py), on P(against) of
    pairs scored by a head that never saw their item."""
    from sklearn.model_selection import GroupKFold

    p_against = np.zeros(len(target), dtype=np.float64)
    for train, test in GroupKFold(FOLDS).split(features, target, np.asarray(items)):
        coef, intercept = _regression(features[train], target[train])
        p_against[test] = 1.0 / (1.0 + np.exp(-(features[test] @ coef + intercept)))
    stance = ["against" if t else "supports" for t in target]
    return against_bar(p_against, stance), doubt_bar(p_against, stance)


def _regression(features: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, float]:
    """The trend heads' balanced regression (`training._fit`, C = 4). On the first design's
    training pairs, 5-fold F1 of "against" was 0.652 at C = 4, 0.649 at 1, 0.575 at 0.25."""
    from sklearn.linear_model import LogisticRegression

    return _fit(LogisticRegression, features, target)


@dataclass(frozen=True)
class StanceReport:
    pairs: int
    against: int
    predicted_against: int
    true_against: int
    precision: float
    recall: float
    by_language: dict[str, tuple[int, int]]  # language -> (against found, against total)
    trends_against: int  # distinct trends with at least one "against" example


def evaluate_stance(classifier: Classifier, examples: Sequence[StanceExample]) -> StanceReport:
    judged = classifier.stance.judge(stance_pairs(classifier, examples))
    predicted = np.array([stance == AGAINST for stance, _ in judged])
    gold = np.array([e.against for e in examples])
    true = int((predicted & gold).sum())
    by_language: dict[str, tuple[int, int]] = {}
    for example, guess in zip(examples, predicted, strict=True):
        if example.against:
            found, total = by_language.get(example.language, (0, 0))
            by_language[example.language] = (found + int(guess), total + 1)
    return StanceReport(
        pairs=len(examples),
        against=int(gold.sum()),
        predicted_against=int(predicted.sum()),
        true_against=true,
        precision=round(true / max(int(predicted.sum()), 1), 3),
        recall=round(true / max(int(gold.sum()), 1), 3),
        by_language=dict(sorted(by_language.items())),
        trends_against=len({e.trend_id for e in examples if e.against}),
    )
