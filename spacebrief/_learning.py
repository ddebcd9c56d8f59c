"""The handle's learning: analysts' verdicts, refits, safe promotion, and evaluation.

A refit (`train`) writes the head where the classifier is loaded from; the safe refit
(`train_and_promote`, the nightly deployment) writes it only when
`classifiers.promotion` finds it no worse, and records every attempt, skipped ones
included, in `train_attempts`. The classifier cache keys on the head file, so the next
classify after a promotion loads the new head wherever it runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from spacebrief._classify import alert_bars, configured_classifier, head_path
from spacebrief.classifiers.exceptions import ClassifierError

if TYPE_CHECKING:
    from spacebrief.classifiers.batch import EvalReport
    from spacebrief.classifiers.evaluation import LabelledItem
    from spacebrief.core import Spacebrief
    from spacebrief.warehouse.train_attempts import TrainAttemptRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Feedback:
    """An analyst's verdict as recorded: does the item support the trend?"""

    item_id: str
    trend_id: str
    supports: bool
    analyst: str | None = None

    def describe(self) -> str:
        verdict = "supports" if self.supports else "does not support"
        return f"Recorded: item {self.item_id} {verdict} {self.trend_id}."


@dataclass(frozen=True)
class TrainSummary:
    """What a refit did: the examples, the thresholds, where the head went."""

    examples: int
    feedback: int
    classifier_version: str
    label_threshold: float
    relevance_threshold: float
    tuned_on: str | None
    head_path: Path
    duration_seconds: float

    def describe(self) -> str:
        tuned = f"tuned on {self.tuned_on}" if self.tuned_on else "kept from the previous head"
        return (
            f"Fitted classifier {self.classifier_version} on {self.examples} example(s) "
            f"({self.feedback} from analyst feedback) in {self.duration_seconds:.1f} s; "
            f"thresholds {tuned} (labels {self.label_threshold:.3f}, relevance "
            f"{self.relevance_threshold:.3f}); saved to {self.head_path}."
        )


@dataclass(frozen=True)
class PromotionSummary:
    """One safe-refit attempt: its `train_attempts` row, and how long it took."""

    row: TrainAttemptRow
    duration_seconds: float

    def describe(self) -> str:
        r = self.row
        if r.decision == "skipped":
            return f"Train: {r.reason}."
        figures = (
            f"eval macro F1 {r.old_eval_macro_f1:.3f} -> {r.new_eval_macro_f1:.3f}, "
            f"relevance {r.old_eval_relevance:.3f} -> {r.new_eval_relevance:.3f}"
        )
        if r.new_feedback_agreement is not None:
            figures += (
                f", held-out feedback {r.old_feedback_agreement:.3f} -> "
                f"{r.new_feedback_agreement:.3f} ({r.feedback_held_out} verdicts)"
            )
        return (
            f"Train: {r.reason} ({figures}; {r.feedback_fitted} verdict(s) fitted, "
            f"head {r.old_version} -> {r.new_version}) in {self.duration_seconds:.1f} s."
        )


def record_feedback(
    sb: Spacebrief, item_id: str, trend_id: str, supports: bool, analyst: str | None
) -> Feedback:
    from spacebrief.classifiers.taxonomy import load_taxonomy
    from spacebrief.warehouse import transaction
    from spacebrief.warehouse.labels import record_feedback as store

    taxonomy = load_taxonomy(sb.settings.taxonomy_path)
    if trend_id not in taxonomy.trend_ids:
        raise ClassifierError(
            f"{trend_id!r} is not a trend of taxonomy {taxonomy.version}: use one of "
            f"{', '.join(taxonomy.trend_ids)}.",
            trend_id=trend_id,
            parameter="trend_id",
        )
    with sb.warehouse.write() as con, transaction(con):
        store(con, item_id, trend_id, supports, analyst=analyst)
    return Feedback(item_id, trend_id, supports, analyst)


def train(
    sb: Spacebrief,
    *,
    tune_on: str | PathLike[str] | None,
    output: str | PathLike[str] | None,
    use_feedback: bool,
) -> TrainSummary:
    from spacebrief.classifiers.classifier import Classifier
    from spacebrief.classifiers.head import load_head, packaged_head_path
    from spacebrief.classifiers.taxonomy import load_taxonomy
    from spacebrief.classifiers.training import train_head
    from spacebrief.warehouse.labels import feedback_examples

    started = time.monotonic()
    taxonomy = load_taxonomy(sb.settings.taxonomy_path)
    feedback = []
    if use_feedback and sb.path.exists():
        with sb.warehouse.read() as con:
            feedback = feedback_examples(con)
    target = Path(output) if output is not None else head_path(sb.settings)
    previous_path = target if target.exists() else packaged_head_path()
    previous = load_head(previous_path) if previous_path.exists() else None
    tuning = Path(tune_on) if tune_on is not None else None
    head = train_head(
        taxonomy,
        feedback=feedback,
        tune_on=tuning,
        previous=previous,
        classifier=Classifier(taxonomy, load_head(packaged_head_path())),
    )
    head.save(target)
    return TrainSummary(
        examples=head.examples,
        feedback=len(feedback),
        classifier_version=head.version,
        label_threshold=head.label_threshold,
        relevance_threshold=head.relevance_threshold,
        tuned_on=str(tune_on) if tune_on else None,
        head_path=target,
        duration_seconds=time.monotonic() - started,
    )


# The sets a refit is judged on before promotion. Named, not "every file but...": the
# other evaluation files (held-out, fresh*) are reported, never used to choose anything,
# and a set added later must not start choosing by being forgotten here.
PROMOTION_GUARD_SETS = ("multilingual.jsonl",)


def default_eval_paths() -> list[Path]:
    """The package's own labelled items (written for spacebrief, never ../shared): shipped
    in the wheel, so a refit is judged the same way wherever spacebrief is installed."""
    folder = Path(str(resources.files("spacebrief.seeds") / "evaluation"))
    return [folder / name for name in PROMOTION_GUARD_SETS]


def train_and_promote(
    sb: Spacebrief, *, eval_paths: Sequence[Path] | None, force: bool
) -> PromotionSummary:
    from spacebrief.classifiers.classifier import Classifier
    from spacebrief.classifiers.head import load_head, packaged_head_path
    from spacebrief.classifiers.promotion import attempt
    from spacebrief.classifiers.taxonomy import load_taxonomy
    from spacebrief.warehouse import train_attempts as attempts
    from spacebrief.warehouse import transaction
    from spacebrief.warehouse.labels import feedback_examples

    settings = sb.settings
    started_at, started = datetime.now(UTC), time.monotonic()
    with sb.warehouse.write() as con:
        total, newest = attempts.feedback_state(con)
        seen = attempts.last_feedback_seen(con)
        feedback = feedback_examples(con) if total else []
    if not force and (newest is None or (seen is not None and newest <= seen)):
        row = attempts.TrainAttemptRow(
            started_at,
            datetime.now(UTC),
            "skipped",
            "no new feedback since the last attempt, so the head stays as it is",
            feedback_total=total,
            feedback_until=newest,
        )
    else:
        taxonomy = load_taxonomy(settings.taxonomy_path)
        target = head_path(settings)
        packaged = load_head(packaged_head_path())
        current = load_head(target) if target.exists() else packaged
        if current.encoder != packaged.encoder:  # a head of an earlier judge: start afresh
            current = packaged
        result, candidate = attempt(
            taxonomy,
            current,
            feedback,
            list(eval_paths or default_eval_paths()),
            base=Classifier(taxonomy, packaged),
            min_held_out=settings.train_min_held_out_feedback,
        )
        if result.promote:
            candidate.save(target)
        row = attempts.TrainAttemptRow(
            started_at,
            datetime.now(UTC),
            "promoted" if result.promote else "kept",
            result.reason,
            old_version=result.old_version,
            new_version=result.new_version,
            feedback_total=total,
            feedback_fitted=result.feedback_fitted,
            feedback_held_out=result.feedback_held_out,
            feedback_until=newest,
            eval_items=result.eval_items,
            old_eval_macro_f1=result.old.eval_macro_f1,
            new_eval_macro_f1=result.new.eval_macro_f1,
            old_eval_relevance=result.old.eval_relevance_accuracy,
            new_eval_relevance=result.new.eval_relevance_accuracy,
            old_feedback_agreement=result.old.feedback_agreement,
            new_feedback_agreement=result.new.feedback_agreement,
        )
    with sb.warehouse.write() as con, transaction(con):
        attempts.record_attempt(con, row)
    summary = PromotionSummary(row, time.monotonic() - started)
    log.info("%s", summary.describe())
    return summary


def train_status(sb: Spacebrief) -> list[TrainAttemptRow]:
    from spacebrief.warehouse.train_attempts import list_attempts

    with sb.warehouse.read() as con:
        return list_attempts(con)


def evaluate(
    sb: Spacebrief,
    input: str | PathLike[str],
    *,
    feeds: str | PathLike[str] | None,
    head: str | PathLike[str] | None,
) -> EvalReport:
    from spacebrief._classify import cached_classifier
    from spacebrief.classifiers.batch import evaluate_file, evaluate_items

    if head is not None:
        if not Path(head).exists():
            raise ClassifierError(
                f"There is no classifier head at {head}.", path=Path(head), parameter="head"
            )
        classifier = cached_classifier(sb.settings.taxonomy_path, head)
    else:
        classifier = configured_classifier(sb.settings)
    bars = alert_bars(sb.settings, classifier.alert_bars)
    if feeds is not None:
        items = labelled_feed_items(Path(input), Path(feeds))
        return evaluate_items(classifier, items, bars, source=str(input))
    return evaluate_file(classifier, Path(input), bars)


def labelled_feed_items(labels: Path, feeds: Path) -> list[LabelledItem]:
    """Feed labels joined with the text of the recorded feeds they point at, read the way
    ingest reads them (so eval sees what the classifier would see in a run)."""
    from spacebrief.classifiers.evaluation import LabelledItem, read_feed_labels
    from spacebrief.ingest import clean_text, parse_feed

    parsed: dict[str, list] = {}
    items = []
    for label in read_feed_labels(labels):
        if label.feed not in parsed:
            path = feeds / label.feed
            if not path.is_file():
                raise ClassifierError(f"{path} (named in {labels}) does not exist.", path=path)
            feed = parse_feed(path.read_bytes(), {}, path.resolve().as_uri())
            parsed[label.feed] = list(feed.entries)
        entries = parsed[label.feed]
        if not 0 <= label.entry < len(entries):
            raise ClassifierError(
                f"{label.feed} has no entry {label.entry} (labels: {labels}).", path=labels
            )
        entry = entries[label.entry]
        items.append(
            LabelledItem(
                id=f"{label.feed}#{label.entry}",
                title=clean_text(entry.title),
                summary=clean_text(entry.summary) or clean_text(entry.content),
                language=entry.language,
                relevant=label.relevant,
                labels=label.labels,
            )
        )
    return items
