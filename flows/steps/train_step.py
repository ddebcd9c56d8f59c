"""The safe-refit step behind the `spacebrief-train` deployment and `train --promote`.

Refits only when feedback newer than the last attempt exists; the candidate head is
promoted (written where `classify` loads it) only when `classifiers.promotion` finds it
no worse; every attempt, skipped ones included, is a row of `train_attempts`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from spacebrief.flows.settings import Settings
from spacebrief.flows.steps.classify_step import _loaded, head_path
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse import labels as label_store
from spacebrief.warehouse import train_attempts as attempts

log = logging.getLogger(__name__)


HELD_OUT_SPLIT = "heldout.jsonl"  # reported, never used to choose anything


def default_eval_paths() -> list[Path]:
    """The package's own labelled items (written for spacebrief, never ../shared): shipped
    in the wheel, so a refit is judged the same way wherever spacebrief is installed. The
    held-out split stays out: a promotion is a choice, and nothing is chosen on it."""
    folder = Path(str(resources.files("spacebrief.seeds") / "evaluation"))
    return sorted(p for p in folder.glob("*.jsonl") if p.name != HELD_OUT_SPLIT)


@dataclass(frozen=True)
class PromotionSummary:
    row: attempts.TrainAttemptRow
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


def train_and_promote(
    warehouse: Warehouse,
    settings: Settings,
    *,
    eval_paths: list[Path] | None = None,
    force: bool = False,
) -> PromotionSummary:
    from spacebrief.classifiers.head import load_head, packaged_head_path
    from spacebrief.classifiers.promotion import attempt
    from spacebrief.classifiers.taxonomy import load_taxonomy

    started_at, started = datetime.now(UTC), time.monotonic()
    with warehouse.write() as con:
        total, newest = attempts.feedback_state(con)
        seen = attempts.last_feedback_seen(con)
        feedback = label_store.feedback_examples(con) if total else []
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
        from spacebrief.classifiers.classifier import Classifier

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
            eval_paths or default_eval_paths(),
            base=Classifier(taxonomy, packaged),
            min_held_out=settings.train_min_held_out_feedback,
        )
        if result.promote:
            candidate.save(target)
            _loaded.clear()
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
    with warehouse.write() as con, transaction(con):
        attempts.record_attempt(con, row)
    summary = PromotionSummary(row, time.monotonic() - started)
    log.info("%s", summary.describe())
    return summary
