"""Sentences out of feed text, TF-IDF vectors and MMR selection.

Everything the edition says in prose is either a sentence lifted verbatim from an item
or a sentence generated from measured counts, so the splitter must not cut inside
"U.S." or "Dr." and must drop markup that feeds leave in their summaries. TF-IDF is
computed over just the sentences at hand (a few hundred at most): pure numpy, no model
load, deterministic, and in tests as good as the item embeddings at spotting
near-duplicate sentences (the embeddings still weigh which items are central).
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACE = re.compile(r"\s+")
_READ_MORE = re.compile(
    r"(\[\s*(…|\.\.\.)\s*\]|\bThe post .{0,300} appeared first on .{0,200}$|"
    r"\b(continue|read) (reading|more)\b.*$)",
    re.IGNORECASE,
)
_ABBREVIATIONS = (
    "U.S.", "U.K.", "U.N.", "E.U.", "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Gen.", "Lt.",
    "Col.", "Sr.", "Jr.", "St.", "No.", "vs.", "etc.", "e.g.", "i.e.", "Inc.", "Ltd.",
    "Corp.", "Co.", "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.",
    "Sept.", "Oct.", "Nov.", "Dec.",
)  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-Ý])")
_WORD = re.compile(r"[a-z0-9À-ɏ]+(?:['’-][a-z0-9À-ɏ]+)*")
_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        "a an and are as at be been being but by for from has have he her his in into is it "
        "its of on or our said says she than that the their them they this to was were which "
        "who will with would also after over more new not one two first",
    )
)
_PLACEHOLDER = "\u2063"


def clean_text(raw: str | None) -> str:
    """Plain text from a feed summary: tags and entities gone, whitespace collapsed."""
    if not raw:
        return ""
    text = html.unescape(_TAG.sub(" ", raw))
    text = _SPACE.sub(" ", text).strip()
    return _READ_MORE.sub("", text).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences of plain text, keeping abbreviations such as "U.S." inside."""
    if not text:
        return []
    protected = text
    for abbreviation in _ABBREVIATIONS:
        protected = protected.replace(abbreviation, abbreviation.replace(".", _PLACEHOLDER))
    pieces = _SENTENCE_END.split(protected)
    sentences = []
    for piece in pieces:
        sentence = piece.replace(_PLACEHOLDER, ".").strip()
        if sentence:
            sentences.append(sentence)
    return sentences


def is_usable_sentence(sentence: str, *, min_words: int = 6, max_words: int = 60) -> bool:
    """Long enough to say something, short enough not to be a run-on scrape."""
    words = sentence.split()
    if not min_words <= len(words) <= max_words:
        return False
    if sentence.endswith(("…", "...")) or sentence.rstrip().endswith(":"):
        return False
    return sentence[0].isupper() or sentence[0].isdigit() or sentence[0] in "\"'“‘("


_POINTS_BACK = re.compile(
    r"^(?:it|its|it's|they|their|them|this|these|that|those|he|she|his|her|such|both|"
    r"the two|the three|the latter|the former|also|but|however|instead)\b",
    re.IGNORECASE,
)


def stands_alone(sentence: str) -> bool:
    """False for a sentence whose subject is in the sentence before it ("It is now planned
    for 2028..."): quoted on its own, it would not say what it is about."""
    return not _POINTS_BACK.match(sentence.lstrip("\"'“‘("))


def tokens(text: str) -> list[str]:
    return [t for t in _WORD.findall(text.lower()) if t not in _STOPWORDS and len(t) > 1]


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


def centrality(vectors: np.ndarray, weights: Sequence[float] | None = None) -> np.ndarray:
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
