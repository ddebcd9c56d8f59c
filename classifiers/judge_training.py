"""Fine-tuning the judge's top layers (classifiers/judge.py) on our written examples.

Only the top layers learn; the bottom ones stay as multilingual-e5-small made them, which
keeps what the base knows of 100 languages and lets training read the bottom layers'
output once: each text runs through them a single time, and every epoch then costs only
the top layers, forward and back. Deterministic for a seed (one thread order aside).

Used by scripts/train_judge.py (the shipped model) and, with a few examples and one
epoch, by the tests; never by the nightly refit, which fits heads over frozen features
(classifiers/training.py).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from spacebrief.classifiers.judge import Judge, mean_pool, pad_states, run_layers

Log = Callable[[str], None]


@dataclass(frozen=True)
class Schedule:
    epochs: int = 5
    batch: int = 32
    layer_rate: float = 6e-5
    head_rate: float = 2e-3
    weight_decay: float = 0.01
    seed: int = 0


def bottom_states(judge: Judge, texts: Sequence[str]) -> list:
    """Per text, the bottom layers' states (bfloat16, its own length): computed once."""
    torch = judge._torch
    tokens = judge.tokenize(texts)
    states: list = [None] * len(texts)
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
        for index in judge.batches(tokens):
            ids, mask = judge.tensors(tokens, index)
            hidden = judge.bottom_states(ids, mask).to(torch.bfloat16)
            for row, i in enumerate(index):
                states[i] = hidden[row, : tokens[i][1]].clone()
    return states


def _batches(lengths: Sequence[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (less padding), in a shuffled order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunks = [order[i : i + size * 8] for i in range(0, len(order), size * 8)]
    out: list[list[int]] = []
    for chunk in chunks:
        chunk.sort(key=lambda i: lengths[i])
        out.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(out)
    return out


def _train(
    judge: Judge,
    stack,
    head,
    states: list,
    loss_of: Callable,
    schedule: Schedule,
    log: Log | None,
    what: str,
) -> None:
    torch = judge._torch
    torch.manual_seed(schedule.seed)
    rng = random.Random(schedule.seed)
    stack.train()
    head.train()
    optimiser = torch.optim.AdamW(
        [
            {"params": list(stack.parameters()), "lr": schedule.layer_rate},
            {"params": list(head.parameters()), "lr": schedule.head_rate},
        ],
        weight_decay=schedule.weight_decay,
    )
    lengths = [s.shape[0] for s in states]
    steps = schedule.epochs * math.ceil(len(states) / schedule.batch)
    warmup = max(1, steps // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / steps),
    )
    for epoch in range(schedule.epochs):
        total = 0.0
        for index in _batches(lengths, schedule.batch, rng):
            hidden, mask = pad_states(states, index, torch.float32)
            with torch.autocast("cpu", dtype=torch.bfloat16):
                pooled = mean_pool(run_layers(stack, hidden, mask), mask)
                logits = head(pooled).float()
            loss = loss_of(logits, index)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(stack.parameters()) + list(head.parameters()), 1.0)
            optimiser.step()
            scheduler.step()
            total += float(loss.detach()) * len(index)
        if log:
            log(f"{what}: epoch {epoch + 1}/{schedule.epochs}, loss {total / len(states):.4f}")
    stack.eval()
    head.eval()


def fine_tune_items(
    judge: Judge,
    states: list,
    targets: np.ndarray,
    schedule: Schedule = Schedule(),
    log: Log | None = None,
) -> np.ndarray:
    """Train the fine-tuned top layers on (n, outputs) targets of 1/0 (nan: unknown);
    `states` are what the frozen bottom layers give (`bottom_states`). Returns
    the trained linear layer's (weight, bias) stacked as (outputs, hidden + 1), a training
    device only: the shipped decisions come from the calibrated head over the vectors."""
    torch = judge._torch
    judge.trend_stack.float()
    known = torch.from_numpy(~np.isnan(targets))
    y = torch.from_numpy(np.nan_to_num(targets).astype(np.float32))
    positives = (y * known).sum(0)
    negatives = ((1 - y) * known).sum(0)
    # Balanced, but no more than 8 to 1: the rare trends still count.
    weight = torch.clamp(negatives / positives.clamp(min=1.0), 1.0, 8.0)
    head = torch.nn.Linear(judge.hidden, targets.shape[1])
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=weight, reduction="none")

    def loss_of(logits, index):
        k = known[index].float()
        return (loss_fn(logits, y[index]) * k).sum() / k.sum().clamp(min=1.0)

    _train(judge, judge.trend_stack, head, states, loss_of, schedule, log, "items")
    judge.trend_stack.to(judge.dtype)
    return np.hstack([head.weight.detach().numpy(), head.bias.detach().numpy()[:, None]]).astype(
        np.float32
    )
