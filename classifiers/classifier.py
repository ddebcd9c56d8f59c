"""The classifier: relevance, every trend's score, labels and their evidence, in batches.

Design (measured in docs/classifier.md): the multilingual Universal Sentence Encoder
embeds title + summary; named-entity groups from the gazetteer sit beside the vector; a
logistic-regression head fitted on our written examples gives a relevance probability and
one probability per trend; a tuned threshold turns them into decisions. The evidence for
a label is the item's sentence that the head scores highest for that trend, so an
analyst sees why, not just a number.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifiers.decision import decide
from classifiers.encoder import MultilingualEncoder, sentence_spans
from classifiers.exceptions import ClassifierError
from classifiers.features import ENCODER_NAME, featurize, item_text
from classifiers.gazetteer import FEATURE_NAMES
from classifiers.head import Head, load_head
from classifiers.taxonomy import load_taxonomy
from classifiers.types import Classification, Taxonomy, TextItem, TrendScore

log = logging.getLogger(__name__)

# Evidence is sought in the title and the first sentences of the summary: that is where
# feeds put the news, and embedding every sentence of a long summary would double the
# cost of classifying.
EVIDENCE_SENTENCES = 4


@dataclass(frozen=True)
class Scores:
    """Raw outputs for a batch, before decisions (what eval and tuning need)."""

    vectors: np.ndarray
    features: np.ndarray
    trend_probabilities: np.ndarray
    relevance: np.ndarray


class Classifier:
    def __init__(self, taxonomy: Taxonomy, head: Head, encoder: MultilingualEncoder | None = None):
        if head.trend_ids != taxonomy.trend_ids:
            raise ClassifierError(
                "The taxonomy's trends differ from those the classifier head was fitted on: "
                "run `spacebrief train` after editing the taxonomy."
            )
        if head.encoder != ENCODER_NAME or head.feature_names != FEATURE_NAMES:
            raise ClassifierError(
                "The classifier head was fitted with other features than this version "
                "computes: run `spacebrief train` to refit it."
            )
        if head.taxonomy_version != taxonomy.version:
            log.warning(
                "The classifier head was fitted on taxonomy %s, the taxonomy is now %s; "
                "run `spacebrief train` so the new wording counts.",
                head.taxonomy_version,
                taxonomy.version,
            )
        self.taxonomy = taxonomy
        self.head = head
        self.encoder = encoder or MultilingualEncoder()
        self.thresholds = np.array(
            [
                t.threshold if t.threshold is not None else head.label_threshold
                for t in taxonomy.trends
            ],
            dtype=np.float32,
        )

    @classmethod
    def load(cls, taxonomy_path: Path | None = None, head_path: Path | None = None) -> Classifier:
        """The taxonomy (default: packaged) and the head (`head_path` if it exists, else packaged)."""
        taxonomy = load_taxonomy(taxonomy_path)
        head = load_head(head_path if head_path is not None and head_path.exists() else None)
        return cls(taxonomy, head)

    @property
    def version(self) -> str:
        return self.head.version

    def score(self, texts: Sequence[str]) -> Scores:
        vectors = self.encoder.encode(list(texts))
        features = featurize(texts, self.encoder, vectors=vectors)
        return Scores(
            vectors,
            features,
            self.head.trend_probabilities(features),
            self.head.relevance_probability(features),
        )

    def decide(self, scores: Scores) -> tuple[np.ndarray, np.ndarray]:
        return decide(
            scores.trend_probabilities,
            scores.relevance,
            self.thresholds,
            self.head.relevance_threshold,
        )

    def classify(
        self, items: Sequence[TextItem], *, with_embeddings: bool = True
    ) -> list[Classification]:
        if not items:
            return []
        texts = [item_text(item.title, item.summary) for item in items]
        scores = self.score(texts)
        relevant, labels = self.decide(scores)
        evidence = self._evidence(texts, labels)
        trend_ids = self.taxonomy.trend_ids
        out = []
        for row, item in enumerate(items):
            probabilities = scores.trend_probabilities[row]
            chosen = sorted(np.flatnonzero(labels[row]), key=lambda j: -probabilities[j])
            out.append(
                Classification(
                    item_id=item.id,
                    relevant=bool(relevant[row]),
                    relevance=round(float(scores.relevance[row]), 4),
                    scores={
                        t: round(float(p), 4) for t, p in zip(trend_ids, probabilities, strict=True)
                    },
                    labels=tuple(
                        TrendScore(
                            trend_ids[j], round(float(probabilities[j]), 4), evidence[(row, j)]
                        )
                        for j in chosen
                    ),
                    classifier_version=self.version,
                    taxonomy_version=self.taxonomy.version,
                    embedding=tuple(float(v) for v in scores.vectors[row])
                    if with_embeddings
                    else None,
                )
            )
        return out

    def _evidence(self, texts: list[str], labels: np.ndarray) -> dict[tuple[int, int], str]:
        """For each (item, label): the item's sentence the head scores highest for that trend."""
        sentences: list[str] = []
        owners: list[int] = []
        per_item: dict[int, list[str]] = {}
        for row in np.flatnonzero(labels.any(1)):
            spans = sentence_spans(texts[row])[:EVIDENCE_SENTENCES]
            parts = [texts[row][a:b].strip() for a, b in spans]
            per_item[int(row)] = parts
            if len(parts) > 1:
                sentences.extend(parts)
                owners.extend([int(row)] * len(parts))
        logits = np.zeros((0, labels.shape[1]), dtype=np.float32)
        if sentences:
            logits = featurize(sentences, self.encoder) @ self.head.coef.T
        owners_array = np.array(owners)
        evidence: dict[tuple[int, int], str] = {}
        for row, parts in per_item.items():
            mine = np.flatnonzero(owners_array == row) if len(parts) > 1 else np.array([], int)
            for j in np.flatnonzero(labels[row]):
                if len(mine):
                    evidence[(row, int(j))] = sentences[int(mine[np.argmax(logits[mine, j])])]
                else:
                    evidence[(row, int(j))] = parts[0]
        return evidence
