"""How the edition ranks the window's stories: digest policy, applied by the warehouse.

rank = relevance x (1 + trend weight) x (recency_floor + (1 - recency_floor) x freshness)

- trend weight: the item's best label score, each score multiplied by its trend family's
  weight (watch-list trends are what the team is asked to track first, so they weigh more);
- freshness: 1 at the window's end falling linearly to 0 at its start, measured from the
  window's end, never from "now", so a past edition rebuilds identically; an item at the
  window's start keeps `recency_floor` of its rank;
- background: an explainer or a retrospective ("Explainer: ...", "What is known about
  ...", "CBERS at 37: how ...", "Three years after ..."; or a lead whose every year is
  `old_years` or more before the edition's, under a headline with no event verb, like the
  2008-2014 history of a treaty) keeps `background_weight` of its rank: the edition leads
  with the window's news, and background still has its place below it.

Then, among the candidates, the digest weighs what an editor weighs (`importance`): a
story more outlets reported, and one that bears on several trends at once, is bigger news.

The policy is decided here, in the digest; `warehouse.editions.load_window` takes it as a
parameter and computes the rank inside DuckDB, because the rank must see every item of
the window and only the top rows should reach Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class RankingPolicy:
    """The weights of the story ranking; the defaults are the edition's."""

    watch_weight: float = 1.25
    rising_weight: float = 1.0
    declining_weight: float = 1.0
    recency_floor: float = 0.5  # share of its rank a story at the window's start keeps
    background_weight: float = 0.6  # share of its rank an explainer or retrospective keeps
    old_years: int = 3  # a lead whose every year is this far back tells history
    reports_bonus: float = 0.5  # x (1 + bonus x log2(reports))
    breadth_bonus: float = 0.15  # x (1 + bonus x (trends it bears on - 1))

    def __post_init__(self) -> None:
        weights = (self.watch_weight, self.rising_weight, self.declining_weight)
        if any(w < 0 for w in weights):
            raise ValueError(f"family weights must be >= 0, not {weights}")
        if not 0.0 <= self.recency_floor <= 1.0:
            raise ValueError(f"recency_floor must lie in [0, 1], not {self.recency_floor}")
        if not 0.0 <= self.background_weight <= 1.0:
            raise ValueError(f"background_weight must lie in [0, 1], not {self.background_weight}")

    def importance(self, rank: float, reports: int, trends: int) -> float:
        """The editor's weighing of a candidate: its rank, its reports, its reach."""
        return (
            rank
            * (1 + self.reports_bonus * math.log2(max(reports, 1)))
            * (1 + self.breadth_bonus * max(trends - 1, 0))
        )


# Headlines of explainers and retrospectives, and headlines that report an event; DuckDB
# applies them (regexp_matches, case-insensitive) when it ranks the window.
BACKGROUND_HEADLINE = (
    r"(^|: )(explainer|analysis|opinion|what|how|who|why|lessons|inside)\b|\bwhat is known\b|"
    r"\bin perspective\b|\bat \d+\b|\b(years|months) (after|into|on)\b|\bbegun in\b|"
    r"\ba look at\b|\bhistory of\b|\?$"
)
EVENT_HEADLINE = (
    r"\b(signs?|signed|signing|joins?|joined|launch(es|ed)?|agrees?|agreed|announces?|opens?|"
    r"approves?|sends?|reaches|selects?|hits|freezes?|cuts?|bans?|sanctions?|unveils?|"
    r"welcomes?|deal|agreement|extends?|suspends?|replaces?|docks?|lifts off|wins?|"
    r"loses?|to (send|host|fly|build|launch|join|sign|welcome|ride))\b"
)


DEFAULT_RANKING = RankingPolicy()
