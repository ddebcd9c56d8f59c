"""The classifier: relevance, every trend's score, labels and their evidence, in batches.

Design (measured in docs/classifier.md): the multilingual Universal Sentence Encoder
embeds each sentence of title + summary, and their mean stands for the item; named-entity
groups from the gazetteer sit beside the vector; a logistic-regression head fitted on our
written examples gives a relevance probability and one probability per trend; a tuned
threshold turns them into decisions. The evidence for a label is the item's sentence that
the head scores highest for that trend, so an analyst sees why, not just a number.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spacebrief.classifiers.decision import decide
from spacebrief.classifiers.encoder import MultilingualEncoder
from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.features import ENCODER_NAME, featurize, item_text, sentence_features
from spacebrief.classifiers.gazetteer import FEATURE_NAMES
from spacebrief.classifiers.head import Head, load_head
from spacebrief.classifiers.stance import StanceHead, StancePair, load_stance
from spacebrief.classifiers.taxonomy import load_taxonomy
from spacebrief.classifiers.types import Classification, Taxonomy, TextItem, TrendScore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scores:
    """Raw outputs for a batch, before decisions (what eval and tuning need)."""

    vectors: np.ndarray
    features: np.ndarray
    trend_probabilities: np.ndarray
    relevance: np.ndarray
    sentences: list[list[str]]
    sentence_vectors: list[np.ndarray]


class Classifier:
    """Taxonomy, encoder and fitted head together: texts in, `Classification`s out.

    Building one loads the encoder (seconds); keep it for the whole run.
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        head: Head,
        encoder: MultilingualEncoder | None = None,
        stance: StanceHead | None = None,
    ):
        if head.trend_ids != taxonomy.trend_ids:
            raise ClassifierError(
                "The taxonomy's trends differ from those the classifier head was fitted on: "
                "fit the head again after editing the taxonomy.",
                refit=True,
            )
        if head.encoder != ENCODER_NAME or head.feature_names != FEATURE_NAMES:
            raise ClassifierError(
                "The classifier head was fitted with other features than this version "
                "computes: fit it again.",
                refit=True,
            )
        if head.taxonomy_version != taxonomy.version:
            log.warning(
                "The classifier head was fitted on taxonomy %s, the taxonomy is now %s; "
                "fit the head again so the new wording counts.",
                head.taxonomy_version,
                taxonomy.version,
            )
        self.taxonomy = taxonomy
        self.head = head
        self.stance = stance or load_stance()
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
        """The taxonomy (default: packaged) and the head at `head_path`, else the packaged one."""
        taxonomy = load_taxonomy(taxonomy_path)
        head = load_head(head_path if head_path is not None and head_path.exists() else None)
        return cls(taxonomy, head)

    @property
    def version(self) -> str:
        return f"{self.head.version}+{self.stance.version}"

    def score(self, texts: Sequence[str]) -> Scores:
        featurized = featurize(texts, self.encoder)
        return Scores(
            featurized.vectors,
            featurized.features,
            self.head.trend_probabilities(featurized.features),
            np.where(
                featurized.gate, self.head.relevance_probability(featurized.features), 0.0
            ).astype(np.float32),
            featurized.sentences,
            featurized.sentence_vectors,
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
        texts = [item_text(item.title, item.summary, item.content) for item in items]
        scores = self.score(texts)
        relevant, labels = self.decide(scores)
        evidence = self._evidence(scores, labels)
        stances = self.judge_stance(texts, scores, evidence)
        trend_ids = self.taxonomy.trend_ids
        out = []
        for row, item in enumerate(items):
            probabilities = scores.trend_probabilities[row]
            chosen = sorted(
                (int(j) for j in np.flatnonzero(labels[row])), key=lambda j: -probabilities[j]
            )
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
                            trend_ids[j],
                            round(float(probabilities[j]), 4),
                            evidence[(row, j)],
                            *stances[(row, j)],
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

    def judge_stance(
        self, texts: Sequence[str], scores: Scores, evidence: dict[tuple[int, int], str]
    ) -> dict[tuple[int, int], tuple[str, float]]:
        """For each (item, label): (supports | against, P(against)), from classifiers/stance.py."""
        keys = sorted(evidence)
        trend_ids = self.taxonomy.trend_ids
        pairs = [
            StancePair(
                texts[row],
                trend_ids[j],
                scores.vectors[row],
                scores.sentence_vectors[row][scores.sentences[row].index(evidence[(row, j)])],
            )
            for row, j in keys
        ]
        return dict(zip(keys, self.stance.judge(pairs), strict=True)) if pairs else {}

    def _evidence(self, scores: Scores, labels: np.ndarray) -> dict[tuple[int, int], str]:
        """For each (item, label): the item's sentence the head scores highest for that trend."""
        evidence: dict[tuple[int, int], str] = {}
        for row in np.flatnonzero(labels.any(1)):
            sentences = scores.sentences[row]
            chosen = np.flatnonzero(labels[row])
            if len(sentences) == 1:
                best = np.zeros(len(chosen), dtype=int)
            else:
                features = sentence_features(sentences, scores.sentence_vectors[row])
                best = (features @ self.head.coef[chosen].T).argmax(0)
            for j, index in zip(chosen, best, strict=True):
                evidence[(int(row), int(j))] = sentences[int(index)]
        return evidence
