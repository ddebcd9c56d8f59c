"""Records that cross the classifier's border: the taxonomy in, scores out."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TrendFamily(StrEnum):
    """The three families of the taxonomy, in the edition's reading order.

    Defined once here, with the taxonomy's records: the loader refuses any other family,
    the digest builds one section per member in this order, and the warehouse stores the
    value (a plain string, so SQL and JSON read "rising", not an enum's repr).
    """

    RISING = "rising"  # a development gaining ground
    DECLINING = "declining"  # an old arrangement giving way (the trend states the decline)
    WATCH = "watch"  # what the team tracks first; its stories raise Slack alerts


@dataclass(frozen=True)
class Trend:
    trend_id: str  # R1-R6, D1-D6, W1-W7
    family: TrendFamily
    name: str  # short slug, e.g. "china-mentor"
    statement: str
    description: str
    examples: tuple[str, ...] = field(default_factory=tuple)
    position: int = 0
    threshold: float | None = None  # overrides the head's tuned threshold for this trend


@dataclass(frozen=True)
class Taxonomy:
    version: str
    trends: tuple[Trend, ...]
    on_theme: str = ""  # what counts as relevant, in words (the relevance section)
    hard_negatives: str = ""

    @property
    def trend_ids(self) -> tuple[str, ...]:
        return tuple(trend.trend_id for trend in self.trends)

    def get(self, trend_id: str) -> Trend:
        for trend in self.trends:
            if trend.trend_id == trend_id:
                return trend
        raise KeyError(trend_id)


@dataclass(frozen=True)
class TextItem:
    """What the classifier reads of an item."""

    id: str
    title: str
    summary: str = ""
    language: str | None = None
    content: str = ""  # the article's text, for full-text sources


# P(against) from which a label is in doubt. The stance head calls a label "against" only
# at its own, higher bar (a stored "against" is rarely wrong); between the two the label is
# neither cited as support nor alerted on, nor quoted against. Both bars are chosen out of
# fold on our training pairs (classifiers/stance_training.py; the head stores its own as
# `doubt`): at most 1% of supporting pairs held back. It holds back a cosmonaut on a Crew
# Dragon (0.76 against D4 on 8 December), under the 'against' bar of 0.80.
STANCE_DOUBT = 0.625


@dataclass(frozen=True)
class TrendScore:
    """One trend an item is about: its score, the sentence that best carries it, and
    whether the item supports the trend's statement or runs against it."""

    trend_id: str
    score: float
    evidence: str
    stance: str = "supports"  # supports | against (classifiers/stance.py)
    stance_score: float = 0.0  # P(against)

    @property
    def clearly_supports(self) -> bool:
        """Supports its trend with no doubt: only such a label is cited as support by the
        edition or raises a watch alert (STANCE_DOUBT says why)."""
        return self.stance != "against" and self.stance_score < STANCE_DOUBT


@dataclass(frozen=True)
class Classification:
    """One item judged: on-theme or not, every trend's score, and the trends it is about
    (its labels, each with the sentence that carries it), under these versions."""

    item_id: str
    relevant: bool
    relevance: float
    scores: dict[str, float]  # every trend's score
    labels: tuple[TrendScore, ...]  # the trends at or above their thresholds, best first
    classifier_version: str
    taxonomy_version: str
    embedding: tuple[float, ...] | None = None


@dataclass(frozen=True)
class FeedbackExample:
    """An analyst's judgement of one item for one trend, with the item's text."""

    title: str
    summary: str
    trend_id: str
    verdict: bool
