"""Sentences out of feed text, TF-IDF vectors and MMR selection.

Everything the edition says in prose is either a sentence lifted verbatim from an item
or a sentence generated from measured counts, so sentences come from the project's one
segmenter (segmenter/, every script of the feeds) and text is quoted as ingest stored
it. Tokens are words, or character bigrams for Chinese and Japanese. TF-IDF is
computed over just the sentences at hand (a few hundred at most): pure numpy, no model
load, deterministic, and in tests as good as the item embeddings at spotting
near-duplicate sentences (the embeddings still weigh which items are central).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from spacebrief.segmenter.tokens import tokens

_SPACE = re.compile(r"\s+")
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_OPENERS = "\"'“‘«„(¿¡「『"
_READ_MORE = re.compile(
    r"(\[\s*(…|\.\.\.)\s*\]|\bThe post .{0,300} appeared first on .{0,200}$|"
    r"\b(continue|read) (reading|more)\b.*$)",
    re.IGNORECASE,
)


def clean_text(text: str | None) -> str:
    """Stored text as the edition quotes it: whitespace collapsed, "read more" tails gone.

    Ingest has already turned the feed's HTML into plain text and decoded its entities,
    so nothing here looks for tags or entities again: "Thrust < 5 kN and mass > 2 t" and
    a literal "&lt;" are quoted as stored.
    """
    if not text:
        return ""
    text = _SPACE.sub(" ", text).strip()
    return _READ_MORE.sub("", text).strip()


def is_usable_sentence(sentence: str, *, min_words: int = 6, max_words: int = 60) -> bool:
    """Long enough to say something, short enough not to be a run-on scrape (Chinese and
    Japanese, written without spaces, count about two characters a word)."""
    words = len(sentence.split()) + len(_WIDE.findall(sentence)) // 2
    if not min_words <= words <= max_words:
        return False
    if sentence.endswith(("…", "...")) or sentence.rstrip().endswith(":"):
        return False
    first = sentence[0]
    return (first.isalpha() and not first.islower()) or first.isdigit() or first in _OPENERS


_POINTS_BACK = re.compile(
    r"^(?:it|its|it's|they|their|them|this|these|that|those|he|she|his|her|such|both|"
    r"the two|the three|the latter|the former|also|but|however|instead)\b",
    re.IGNORECASE,
)


def stands_alone(sentence: str) -> bool:
    """False for a sentence whose subject is in the sentence before it ("It is now planned
    for 2028..."): quoted on its own, it would not say what it is about."""
    return not _POINTS_BACK.match(sentence.lstrip("\"'“‘("))


def tfidf_matrix(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised TF-IDF rows (sublinear tf, smoothed idf), vocabulary in sorted order."""
    counted = [Counter(tokens(text)) for text in texts]
    document_frequency: Counter[str] = Counter()
    for counts in counted:
        document_frequency.update(counts.keys())
    vocabulary = {term: index for index, term in enumerate(sorted(document_frequency))}
    matrix = np.zeros((len(texts), max(len(vocabulary), 1)), dtype=np.float64)
    n = len(texts)
    for row, counts in enumerate(counted):
        for term, count in counts.items():
            idf = math.log((1 + n) / (1 + document_frequency[term])) + 1.0
            matrix[row, vocabulary[term]] = (1.0 + math.log(count)) * idf
    return normalise_rows(matrix)


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def centrality(
    vectors: np.ndarray, weights: np.ndarray | Sequence[float] | None = None
) -> np.ndarray:
    """Cosine of each row to the (weighted) centroid: how typical of the set a row is."""
    if len(vectors) == 0:
        return np.zeros(0)
    w = np.ones(len(vectors)) if weights is None else np.asarray(weights, dtype=np.float64)
    centroid = (vectors * w[:, None]).sum(axis=0)
    norm = np.linalg.norm(centroid)
    if norm == 0:
        return np.zeros(len(vectors))
    return vectors @ (centroid / norm)


def mmr(
    relevance: Sequence[float],
    similarity: np.ndarray,
    k: int,
    *,
    trade_off: float = 0.7,
    max_similarity: float = 0.6,
) -> list[int]:
    """Maximal marginal relevance: indices of up to k rows, each relevant yet unlike the others.

    Ties break on the lower index, so a stable input order gives a stable choice; a row
    closer than `max_similarity` to one already chosen is never taken (near-duplicates).
    """
    chosen: list[int] = []
    remaining = list(range(len(relevance)))
    while remaining and len(chosen) < k:
        best_index, best_value = -1, -math.inf
        for index in remaining:
            redundancy = max((similarity[index, c] for c in chosen), default=0.0)
            if redundancy > max_similarity:
                continue
            value = trade_off * relevance[index] - (1 - trade_off) * redundancy
            if value > best_value + 1e-12:
                best_index, best_value = index, value
        if best_index < 0:
            break
        chosen.append(best_index)
        remaining.remove(best_index)
    return chosen


def near_duplicate(a: str, b: str, threshold: float = 0.7) -> bool:
    """Token-set Jaccard overlap: the same sentence syndicated with small edits."""
    left, right = set(tokens(a)), set(tokens(b))
    if not left or not right:
        return a.strip().lower() == b.strip().lower()
    return len(left & right) / len(left | right) >= threshold


def reports_phrase(reports: int, independent: int, echoes: int) -> str:
    """How a story was reported, for an analyst: "3 independent reports", "1 independent
    report, 40 echoes", "2 independent reports, 1 follow-up" (an outlet's second report)."""
    follow_ups = max(0, reports - independent - echoes)
    parts = [f"{independent} independent report{'' if independent == 1 else 's'}"]
    if echoes:
        parts.append(f"{echoes} echo{'' if echoes == 1 else 'es'}")
    if follow_ups:
        parts.append(f"{follow_ups} follow-up{'' if follow_ups == 1 else 's'}")
    return ", ".join(parts)
