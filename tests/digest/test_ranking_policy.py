"""The story ranking is digest policy: a different `RankingPolicy` ranks differently."""

from __future__ import annotations

import pytest

from spacebrief.digest.ranking import DEFAULT_RANKING, RankingPolicy
from spacebrief.digest.types import WindowData
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.editions import load_window
from tests.digest.conftest import EDITION_DATE


def window(warehouse: Warehouse, policy: RankingPolicy = DEFAULT_RANKING) -> WindowData:
    with warehouse.read() as con:
        return load_window(con, EDITION_DATE, 7, ranking=policy)


def ranked(data: WindowData) -> list:
    by_id = {item.item_id: item for item in data.items}
    return [by_id[i] for i in data.ranked_story_ids]


def has_watch_label(data: WindowData, item) -> bool:
    families = {t.trend_id: t.family for t in data.trends}
    return any(families.get(label.trend_id) == "watch" for label in item.labels)


def default_rank(data: WindowData, item) -> float:
    """The module's formula, worked by hand for a story that is news (not background)."""
    policy = DEFAULT_RANKING
    weights = {"watch": policy.watch_weight, "rising": policy.rising_weight}
    weights["declining"] = policy.declining_weight
    families = {t.trend_id: str(t.family.value) for t in data.trends}
    trend_weight = max(
        (label.score * weights.get(families[label.trend_id], 1.0) for label in item.labels),
        default=0.0,
    )
    span = (data.window_end - data.window_start).total_seconds()
    freshness = max(0.0, 1 - (data.window_end - item.published_at).total_seconds() / span)
    recency = policy.recency_floor + (1 - policy.recency_floor) * freshness
    return item.relevance * (1 + trend_weight) * recency


def test_the_default_policy_weighs_relevance_by_trend_family_and_recency(
    filled_warehouse: Warehouse,
) -> None:
    with filled_warehouse.read() as con:
        data = load_window(con, EDITION_DATE, 7)
    stories = ranked(data)
    assert len(stories) >= 5 and any(has_watch_label(data, s) for s in stories)
    assert [s.rank for s in stories] == pytest.approx([default_rank(data, s) for s in stories])
    assert [s.rank for s in stories] == sorted((s.rank for s in stories), reverse=True)
    assert any(s.rank > s.relevance for s in stories), "no trend label raised a story"
    assert any(s.rank < s.relevance for s in stories), "no story lost rank to its age"


def test_with_no_trend_weight_and_no_recency_stories_rank_by_relevance_alone(
    filled_warehouse: Warehouse,
) -> None:
    flat = RankingPolicy(
        watch_weight=0.0, rising_weight=0.0, declining_weight=0.0, recency_floor=1.0
    )
    stories = ranked(window(filled_warehouse, flat))
    assert len(stories) >= 5
    assert [s.rank for s in stories] == pytest.approx([s.relevance for s in stories])
    default_order = [s.item_id for s in ranked(window(filled_warehouse))]
    assert [s.item_id for s in stories] != default_order, "the policy changed nothing"


def test_a_heavy_watch_weight_puts_every_watch_list_story_first(
    filled_warehouse: Warehouse,
) -> None:
    default = window(filled_warehouse)
    heavy = window(filled_warehouse, RankingPolicy(watch_weight=1000.0))
    flags = [has_watch_label(heavy, s) for s in ranked(heavy)]
    assert any(flags) and not all(flags)
    assert flags == sorted(flags, reverse=True), "a story without a watch label ranks first"
    assert [has_watch_label(default, s) for s in ranked(default)] != flags


def test_a_policy_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="recency_floor"):
        RankingPolicy(recency_floor=1.5)
    with pytest.raises(ValueError, match="weights"):
        RankingPolicy(watch_weight=-1.0)
