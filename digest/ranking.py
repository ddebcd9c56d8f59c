"""How the edition ranks the window's stories: digest policy, applied by the warehouse.

rank = relevance x (1 + trend weight) x (recency_floor + (1 - recency_floor) x freshness)

- trend weight: the item's best label score, each score multiplied by its trend family's
  weight (watch-list trends are what the team is asked to track first, so they weigh more);
- freshness: 1 at the window's end falling linearly to 0 at its start, measured from the
  window's end, never from "now", so a past edition rebuilds identically; an item at the
  window's start keeps `recency_floor` of its rank.

The policy is decided here, in the digest; `warehouse.editions.load_window` takes it as a
parameter and computes the rank inside DuckDB, because the rank must see every item of
the window and only the top rows should reach Python.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RankingPolicy:
    """The weights of the story ranking; the defaults are the edition's."""

    watch_weight: float = 1.25
    rising_weight: float = 1.0
    declining_weight: float = 1.0
    recency_floor: float = 0.5  # share of its rank a story at the window's start keeps

    def __post_init__(self) -> None:
        weights = (self.watch_weight, self.rising_weight, self.declining_weight)
        if any(w < 0 for w in weights):
            raise ValueError(f"family weights must be >= 0, not {weights}")
        if not 0.0 <= self.recency_floor <= 1.0:
            raise ValueError(f"recency_floor must lie in [0, 1], not {self.recency_floor}")


DEFAULT_RANKING = RankingPolicy()
