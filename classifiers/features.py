"""What the head reads of a text: its multilingual sentence vectors and its named entities.

The text's vector is the normalised mean of its sentences' vectors. On dev this scored the
same as embedding the whole passage at once (macro-F1 0.842 vs 0.838). It also leaves
every sentence's vector in hand, so the evidence for a label costs no second pass of the
encoder (that pass had cost about a third more time per relevant item).

Kept in one place so that training and classifying can never build different features.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from spacebrief.classifiers.encoder import MultilingualEncoder
from spacebrief.classifiers.gazetteer import entity_features, theme_gate
from spacebrief.segmenter.sentences import leading_sentences, split_sentences

ENCODER_NAME = "usem3-512-sentmean"
# Weight of the 0/1 entity columns beside the unit-length vector (chosen on dev:
# 0.3-0.8 all scored within 0.02 macro-F1; 0.5 sits in the middle).
ENTITY_SCALE = 0.5
# Feeds put the news first; a summary's later sentences are not embedded.
MAX_SENTENCES = 8


def item_text(title: str, summary: str | None, content: str | None = None) -> str:
    """Title and summary as one passage; the title stays its own sentence.

    With the article's text (full-text sources), its lead follows the summary: a teaser
    feed's summary says nothing, the article's first paragraphs say what happened. Only
    the lead counts (MAX_SENTENCES are embedded anyway); a summary the lead repeats, and
    a headline the extractor put first, are dropped.
    """
    title = " ".join((title or "").split())
    summary = " ".join((summary or "").split())
    lead = _content_lead(content, title)
    if lead:
        summary = lead if summary and summary[:80] in lead else f"{summary} {lead}".strip()
    if not summary:
        return title
    if title and title[-1] not in ".!?…:;。？！":
        title += "."
    return f"{title} {summary}".strip()


CONTENT_LEAD_CHARS = 1200


def _content_lead(content: str | None, title: str) -> str:
    lead = " ".join((content or "")[: CONTENT_LEAD_CHARS * 2].split())
    if title and lead.startswith(title):
        lead = lead[len(title) :].lstrip(" .:-")
    if len(lead) <= CONTENT_LEAD_CHARS:
        return lead
    sentences = leading_sentences(lead, CONTENT_LEAD_CHARS)
    return sentences if len(sentences) > CONTENT_LEAD_CHARS // 3 else lead[:CONTENT_LEAD_CHARS]


@dataclass(frozen=True)
class Featurized:
    features: np.ndarray  # (n, 512 + entity groups) float32
    vectors: np.ndarray  # (n, 512) unit vectors of the texts
    sentences: list[list[str]]
    sentence_vectors: list[np.ndarray]  # each (k_i, 512)
    gate: np.ndarray  # (n,) bool: about space activity and naming an actor of the theme


def embedded_sentences(text: str) -> list[str]:
    """The sentences of `text` that are embedded (the first MAX_SENTENCES, from the one
    segmenter); a text with none is embedded whole, so every text has a vector."""
    return split_sentences(text)[:MAX_SENTENCES] or [text.strip() or " "]


def featurize(texts: Sequence[str], encoder: MultilingualEncoder) -> Featurized:
    sentences = [embedded_sentences(text) for text in texts]
    flat = [s for parts in sentences for s in parts]
    owners = np.repeat(np.arange(len(texts)), [len(parts) for parts in sentences])
    flat_vectors = encoder.encode(flat)
    vectors = np.zeros((len(texts), flat_vectors.shape[1]), dtype=np.float32)
    np.add.at(vectors, owners, flat_vectors)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    entities = entity_features(texts)
    features = np.hstack([vectors, ENTITY_SCALE * entities]).astype(np.float32)
    bounds = np.cumsum([0] + [len(parts) for parts in sentences])
    return Featurized(
        features=features,
        vectors=vectors,
        sentences=sentences,
        sentence_vectors=[flat_vectors[bounds[i] : bounds[i + 1]] for i in range(len(texts))],
        gate=theme_gate(entities),
    )


def sentence_features(sentences: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """Features of single sentences, for scoring which one carries a label."""
    return np.hstack([vectors, ENTITY_SCALE * entity_features(sentences)]).astype(np.float32)
