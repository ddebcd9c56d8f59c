"""From probabilities to decisions: the one rule training, tuning and classifying share.

An item is relevant when its relevance reaches its threshold (the classifier gives each
item its own: classifiers/classifier.py). A relevant item carries every trend at or above
its threshold, and always at least its best trend: on-theme means supporting some trend,
so a relevant item with no label would be a contradiction. An item judged
off-theme carries no label, whatever its trend scores.
"""

from __future__ import annotations

import numpy as np


def decide(
    trend_probabilities: np.ndarray,
    relevance: np.ndarray,
    thresholds: np.ndarray,
    relevance_threshold: float | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(relevant (n,), labels (n, trends)) boolean arrays; `relevance_threshold` one for
    all items or one per item."""
    relevant = relevance >= relevance_threshold
    labels = trend_probabilities >= thresholds[None, :]
    if len(trend_probabilities):
        best = np.zeros_like(labels)
        best[np.arange(len(trend_probabilities)), trend_probabilities.argmax(1)] = True
        labels |= best
    labels &= relevant[:, None]
    return relevant, labels
