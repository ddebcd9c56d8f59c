"""What the head reads of a text: multilingual sentence vectors, named entities, a title vector.

The text's vector is the normalised mean of its sentences' vectors. On dev this scored the
same as embedding the whole passage at once (macro-F1 0.842 vs 0.838). It also leaves
every sentence's vector in hand, so the evidence for a label costs no second pass of the
encoder (that pass had cost about a third more time per relevant item).

The title also goes through the packaged MiniLM transformer, but only the title: at
`max_length` 32 it costs a fraction of a full-passage pass (full passages ran ~61 texts/s
on 2 cores, far from the 100 items/s goal), and on dev it added a little (measured in
docs/classifier.md). Identical titles (syndicated copies) are embedded once.

Kept in one place so that training and classifying can never build different features.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from classifiers.encoder import MiniLMEncoder, MultilingualEncoder, sentence_spans
from classifiers.exceptions import ClassifierError
from classifiers.gazetteer import entity_features

MULTILINGUAL_ONLY = "usem3-512-sentmean"
WITH_TITLES = "usem3-512-sentmean+minilm-title32"
ENCODER_NAME = WITH_TITLES  # what `spacebrief train` fits and the package ships
TITLE_MAX_LENGTH = 32
TITLE_BATCH_SIZE = 128
# Weight of the unit-length MiniLM title vector (chosen on dev among 0.2-1.0: 0.3-0.6
# all scored within 0.01 macro-F1; 1.0 scored lower).
TITLE_SCALE = 0.6
# Weight of the 0/1 entity columns beside the unit-length vector (chosen on dev:
# 0.3-0.8 all scored within 0.02 macro-F1; 0.5 sits in the middle).
ENTITY_SCALE = 0.5
# Feeds put the news first; a summary's later sentences are not embedded.
MAX_SENTENCES = 8


def item_text(title: str, summary: str | None) -> str:
    """Title and summary as one passage; the title stays its own sentence."""
    title = " ".join((title or "").split())
    summary = " ".join((summary or "").split())
    if not summary:
        return title
    if title and title[-1] not in ".!?…:;。？！":
        title += "."
    return f"{title} {summary}".strip()


@dataclass(frozen=True)
class Encoders:
    """The multilingual sentence encoder, and MiniLM for titles unless the head reads none."""

    multilingual: MultilingualEncoder
    titles: MiniLMEncoder | None = None

    @property
    def name(self) -> str:
        return WITH_TITLES if self.titles is not None else MULTILINGUAL_ONLY

    @classmethod
    def load(cls, name: str = ENCODER_NAME) -> Encoders:
        """The encoders a head fitted with features `name` needs (an older head reads no titles)."""
        if name not in (WITH_TITLES, MULTILINGUAL_ONLY):
            raise ClassifierError(
                f"The classifier head was fitted with features {name!r}, which this version "
                "does not compute: run `spacebrief train` to refit it."
            )
        titles = None
        if name == WITH_TITLES:
            titles = MiniLMEncoder(max_length=TITLE_MAX_LENGTH, batch_size=TITLE_BATCH_SIZE)
        return cls(MultilingualEncoder(), titles)


@dataclass(frozen=True)
class Featurized:
    features: np.ndarray  # (n, 512 + entity groups [+ 384 title]) float32
    vectors: np.ndarray  # (n, 512) unit vectors of the texts
    sentences: list[list[str]]
    sentence_vectors: list[np.ndarray]  # each (k_i, 512)


def split_sentences(text: str) -> list[str]:
    parts = [text[a:b].strip() for a, b in sentence_spans(text)[:MAX_SENTENCES]]
    return [p for p in parts if p] or [text.strip() or " "]


def title_vectors(titles: Sequence[str], encoder: MiniLMEncoder) -> np.ndarray:
    unique = list(dict.fromkeys(titles))
    vectors = encoder.encode(unique).vectors
    row = {title: index for index, title in enumerate(unique)}
    return vectors[[row[title] for title in titles]]


def featurize(texts: Sequence[str], encoders: Encoders) -> Featurized:
    """The first sentence of `item_text` is the title; its MiniLM vector goes last."""
    sentences = [split_sentences(text) for text in texts]
    flat = [s for parts in sentences for s in parts]
    owners = np.repeat(np.arange(len(texts)), [len(parts) for parts in sentences])
    flat_vectors = encoders.multilingual.encode(flat)
    vectors = np.zeros((len(texts), flat_vectors.shape[1]), dtype=np.float32)
    np.add.at(vectors, owners, flat_vectors)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    blocks = [vectors, ENTITY_SCALE * entity_features(texts)]
    if encoders.titles is not None:
        blocks.append(TITLE_SCALE * title_vectors([s[0] for s in sentences], encoders.titles))
    features = np.hstack(blocks).astype(np.float32)
    bounds = np.cumsum([0] + [len(parts) for parts in sentences])
    return Featurized(
        features=features,
        vectors=vectors,
        sentences=sentences,
        sentence_vectors=[flat_vectors[bounds[i] : bounds[i + 1]] for i in range(len(texts))],
    )


def sentence_features(sentences: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """Features of single sentences, for scoring which one carries a label.

    These are the leading columns of the item's features; the title vector is one per
    item, the same for all its sentences, so it cannot change which sentence wins.
    """
    return np.hstack([vectors, ENTITY_SCALE * entity_features(sentences)]).astype(np.float32)
