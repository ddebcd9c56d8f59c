"""Extractive prose: each story's two-to-three sentence summary and the Expert's View.

Nothing here writes a word about the news that an item did not write: summaries are the
item's own sentences, and the Expert's View picks the most central, non-redundant
sentences of the window's top stories by MMR. Centrality blends the sentence's TF-IDF
closeness to the window's centroid with its item's embedding closeness to the window's
centroid (the classifier's embeddings, when present), weighted by each story's rank.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from spacebrief.digest.text import (
    centrality,
    clean_text,
    is_usable_sentence,
    mmr,
    near_duplicate,
    normalise_rows,
    stands_alone,
    tfidf_matrix,
)
from spacebrief.digest.types import WindowItem
from spacebrief.segmenter.sentences import leading_sentences, split_sentences


@dataclass(frozen=True)
class SourcedSentence:
    """A verbatim sentence and the item it came from."""

    text: str
    item_id: str
    cluster_id: str
    position: int  # sentence index within its item


# The article's lead is what a summary quotes; its later paragraphs are detail.
CONTENT_LEAD_CHARS = 2000


def item_sentences(item: WindowItem, *, min_words: int = 6) -> list[str]:
    """The item's usable sentences in order, without a repeat of its headline: from the
    article's lead when its page was extracted (a teaser feed's summary says nothing),
    else from the feed's summary."""
    title = clean_text(item.title)
    text = _lead(item.content) if item.content else item.summary
    found = []
    for sentence in split_sentences(clean_text(text)):
        if near_duplicate(sentence, title, 0.8):
            continue
        if is_usable_sentence(sentence, min_words=min_words):
            found.append(sentence)
    return found


def _lead(content: str) -> str:
    return leading_sentences(content, CONTENT_LEAD_CHARS) or content[:CONTENT_LEAD_CHARS]


def story_summary(
    item: WindowItem, *, max_sentences: int = 3, max_words: int = 90
) -> tuple[str, ...]:
    """Two or three of the item's own sentences: its lead plus its most central others."""
    sentences = item_sentences(item) or item_sentences(item, min_words=3)
    if len(sentences) > max_sentences:
        scores = centrality(tfidf_matrix(sentences))
        others = sorted(range(1, len(sentences)), key=lambda i: (-scores[i], i))
        keep = sorted([0, *others[: max_sentences - 1]])
        sentences = [sentences[i] for i in keep]
    chosen: list[str] = []
    words = 0
    for sentence in sentences:
        length = len(sentence.split())
        if chosen and words + length > max_words:
            break
        chosen.append(sentence)
        words += length
    return tuple(chosen)


def expert_sentences(
    items: Sequence[WindowItem],
    *,
    count: int = 3,
    lead_sentences: int = 4,
    exclude: Collection[str] = (),
) -> list[SourcedSentence]:
    """The window's most central, mutually distinct sentences, one per story at most
    (none of `exclude`: the sentences the Outlook quotes; none that leans on the
    sentence before it, which the paragraph would not show)."""
    pool: list[SourcedSentence] = []
    for item in items:
        for position, sentence in enumerate(item_sentences(item)[:lead_sentences]):
            if sentence in exclude or not stands_alone(sentence):
                continue
            pool.append(SourcedSentence(sentence, item.item_id, item.cluster_id, position))
    if not pool:
        return []
    by_id = {item.item_id: item for item in items}
    top_rank = max((item.rank for item in items), default=0.0) or 1.0
    rank = np.array([by_id[s.item_id].rank / top_rank for s in pool])
    vectors = tfidf_matrix([s.text for s in pool])
    sentence_centrality = centrality(vectors, weights=rank)
    item_centrality = _embedding_centrality(items)
    relevance = [
        0.5 * sentence_centrality[i]
        + 0.3 * item_centrality.get(s.item_id, float(sentence_centrality[i]))
        + 0.2 * rank[i]
        + (0.05 if s.position == 0 else 0.0)
        for i, s in enumerate(pool)
    ]
    similarity = vectors @ vectors.T
    clusters = np.array([s.cluster_id for s in pool])
    similarity = np.where(clusters[:, None] == clusters[None, :], 1.0, similarity)
    return [pool[i] for i in mmr(relevance, similarity, count)]


def _embedding_centrality(items: Sequence[WindowItem]) -> dict[str, float]:
    embedded = [item for item in items if item.embedding]
    if len(embedded) < 2 or len({len(item.embedding or ()) for item in embedded}) != 1:
        return {}
    vectors = normalise_rows(np.array([item.embedding for item in embedded], dtype=np.float64))
    scores = centrality(vectors, weights=[max(item.rank, 1e-6) for item in embedded])
    return {item.item_id: float(score) for item, score in zip(embedded, scores, strict=True)}
