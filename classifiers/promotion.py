"""Refit with analyst feedback, and promote the new head only if it is no worse.

A head refitted on feedback could learn an analyst's slip and lose what it knew, so it
must earn its place on two sets it did not see while fitting:

- the shipped evaluation data: the repo's own labelled files (by default
  tests/classifiers/fixtures/*.jsonl, written for this project, never ../shared): macro
  F1 over the trends and relevance accuracy;
- the feedback held out from the fit (a stable third of the verdicts, chosen by a hash
  of the text, so the split does not move between nights): how many verdicts the head
  agrees with.

The new head is promoted when neither figure drops (a tolerance of 0.005 absorbs float
noise between machines); otherwise the old head stays and the reason names the figure.
Agreement on one or two held-out verdicts says nothing ("0.000 -> 0.000" is no evidence),
so a refit with fewer than `min_held_out` held-out verdicts (default 10) is not promoted:
its feedback waits for more.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from spacebrief.classifiers.evaluation import LabelledItem, evaluate, read_labelled
from spacebrief.classifiers.features import item_text
from spacebrief.classifiers.head import Head
from spacebrief.classifiers.types import FeedbackExample, Taxonomy

if TYPE_CHECKING:
    from spacebrief.classifiers.classifier import Classifier

TOLERANCE = 0.005
HELD_OUT_SHARE = 3  # one verdict in three is held out
MIN_HELD_OUT = 10  # held-out verdicts needed before a head can be called no worse


@dataclass(frozen=True)
class HeadFigures:
    eval_macro_f1: float
    eval_relevance_accuracy: float
    feedback_agreement: float | None  # None: no held-out feedback


@dataclass(frozen=True)
class PromotionAttempt:
    old_version: str
    new_version: str
    feedback_fitted: int
    feedback_held_out: int
    eval_items: int
    old: HeadFigures
    new: HeadFigures
    promote: bool
    reason: str


def shipped_eval_items(paths: Sequence[Path]) -> list[LabelledItem]:
    items: list[LabelledItem] = []
    for path in paths:
        items.extend(read_labelled(path))
    return items


def is_held_out(example: FeedbackExample) -> bool:
    key = f"{example.title}\n{example.summary}\n{example.trend_id}".encode()
    return int(hashlib.sha256(key).hexdigest()[:8], 16) % HELD_OUT_SHARE == 0


def split_feedback(
    feedback: Sequence[FeedbackExample],
) -> tuple[list[FeedbackExample], list[FeedbackExample]]:
    fitted = [f for f in feedback if not is_held_out(f)]
    held = [f for f in feedback if is_held_out(f)]
    return fitted, held


def measure(
    taxonomy: Taxonomy,
    head: Head,
    base: Classifier,
    items: Sequence[LabelledItem],
    held_out: Sequence[FeedbackExample],
) -> HeadFigures:
    """`head`'s figures, read with `base`'s encoders (the judge is loaded once)."""
    from spacebrief.classifiers.classifier import Classifier

    classifier = Classifier(taxonomy, head, base.screen, base.encoder, base.judge)
    macro = relevance = 0.0
    if items:
        scores = classifier.score([item_text(i.title, i.summary) for i in items])
        relevant, labels = classifier.decide(scores)
        gold = np.array([[t in i.labels for t in taxonomy.trend_ids] for i in items])
        report = evaluate(
            taxonomy.trend_ids,
            np.array([i.relevant for i in items]),
            gold,
            relevant,
            labels,
        )
        macro, relevance = report.macro_f1, report.relevance_accuracy
    agreement = None
    if held_out:
        scores = classifier.score([item_text(f.title, f.summary) for f in held_out])
        _, labels = classifier.decide(scores)
        column = {t: n for n, t in enumerate(taxonomy.trend_ids)}
        agree = [
            bool(labels[row, column[f.trend_id]]) == f.verdict
            for row, f in enumerate(held_out)
            if f.trend_id in column
        ]
        agreement = float(np.mean(agree)) if agree else None
    return HeadFigures(float(macro), float(relevance), agreement)


def decide(
    old: HeadFigures,
    new: HeadFigures,
    *,
    held_out: int | None = None,
    min_held_out: int = MIN_HELD_OUT,
) -> tuple[bool, str]:
    """Promote only when the new head is no worse on the evaluation data and the feedback,
    measured on at least `min_held_out` held-out verdicts (`held_out`: how many there
    were; None when the caller checked that itself)."""
    if held_out is not None and held_out < min_held_out:
        return False, (
            f"kept the old head: only {held_out} held-out verdict(s), and promotion needs at "
            f"least {min_held_out} to call a head no worse (more feedback, then try again)"
        )
    worse = []
    if new.eval_macro_f1 < old.eval_macro_f1 - TOLERANCE:
        worse.append(f"evaluation macro F1 {old.eval_macro_f1:.3f} -> {new.eval_macro_f1:.3f}")
    if new.eval_relevance_accuracy < old.eval_relevance_accuracy - TOLERANCE:
        worse.append(
            f"evaluation relevance accuracy {old.eval_relevance_accuracy:.3f} -> "
            f"{new.eval_relevance_accuracy:.3f}"
        )
    if (
        old.feedback_agreement is not None
        and new.feedback_agreement is not None
        and new.feedback_agreement < old.feedback_agreement - TOLERANCE
    ):
        worse.append(
            f"held-out feedback agreement {old.feedback_agreement:.3f} -> "
            f"{new.feedback_agreement:.3f}"
        )
    if worse:
        return False, "kept the old head: worse on " + "; ".join(worse)
    return True, "promoted: no worse on the evaluation data or the held-out feedback"


def attempt(
    taxonomy: Taxonomy,
    current: Head,
    feedback: Sequence[FeedbackExample],
    eval_paths: Sequence[Path],
    *,
    base: Classifier | None = None,
    min_held_out: int = MIN_HELD_OUT,
) -> tuple[PromotionAttempt, Head]:
    """Refit on the fitted share of the feedback; measure old and new; decide.

    The refit is cheap by design: new heads over the judge's frozen vectors, never a
    fine-tune, so the nightly deployment takes minutes at most."""
    from spacebrief.classifiers.classifier import Classifier
    from spacebrief.classifiers.training import train_head

    base = base or Classifier(taxonomy, current)
    fitted, held = split_feedback(feedback)
    candidate = train_head(taxonomy, feedback=fitted, previous=current, classifier=base)
    items = shipped_eval_items(eval_paths)
    old = measure(taxonomy, current, base, items, held)
    new = measure(taxonomy, candidate, base, items, held)
    promote, reason = decide(old, new, held_out=len(held), min_held_out=min_held_out)
    return (
        PromotionAttempt(
            old_version=current.version,
            new_version=candidate.version,
            feedback_fitted=len(fitted),
            feedback_held_out=len(held),
            eval_items=len(items),
            old=old,
            new=new,
            promote=promote,
            reason=reason,
        ),
        candidate,
    )
