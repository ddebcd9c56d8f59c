"""Which stories the edition runs, and in what order: the warehouse ranks the window
(`digest.ranking`), this module does what an editor does with the candidates: one event
reported under two clusters is kept once with its reports added up, then the candidates
are ordered by `RankingPolicy.importance` (rank, reports, the trends a story bears on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spacebrief.digest.ranking import DEFAULT_RANKING, RankingPolicy
from spacebrief.digest.text import near_duplicate
from spacebrief.digest.types import WindowItem

SAME_EVENT_COSINE = 0.75  # two clusters' leads this close tell one event (demo: 0.83 vs <= 0.59)


def select_stories(
    ranked: Sequence[WindowItem], policy: RankingPolicy = DEFAULT_RANKING
) -> list[WindowItem]:
    """The candidates in the order an editor would run them: the same event told twice
    (two clusters ingest could not join: "Pakistan signs deal to send first foreign
    astronaut to China's Tiangong" and "Tiangong to welcome a Pakistani astronaut under
    new agreement") kept once with its reports added up, then ordered by
    `policy.importance` (rank, reports, the trends the story bears on)."""
    kept: list[WindowItem] = []
    for item in ranked:
        twin = next((k for k in kept if same_event(k, item)), None)
        if twin is None:
            kept.append(item)
            continue
        index = kept.index(twin)
        kept[index] = replace(twin, cluster_size=twin.cluster_size + item.cluster_size)
    order = {item.item_id: n for n, item in enumerate(kept)}
    return sorted(
        kept,
        key=lambda item: (
            -round(policy.importance(item.rank, item.cluster_size, _reach(item)), 9),
            order[item.item_id],
        ),
    )


def _reach(item: WindowItem) -> int:
    """The trends a story bears on (labels of at least 0.5)."""
    return sum(1 for label in item.labels if label.score >= 0.5) or 1


def same_event(a: WindowItem, b: WindowItem) -> bool:
    """Two reports of one event: within three days, and close in what they say (their
    embeddings when both have one, else their headline and lead words)."""
    if abs((a.published_at - b.published_at).total_seconds()) > 3 * 86400:
        return False
    if a.embedding and b.embedding and len(a.embedding) == len(b.embedding):
        dot = sum(x * y for x, y in zip(a.embedding, b.embedding, strict=True))
        norm = (sum(x * x for x in a.embedding) * sum(y * y for y in b.embedding)) ** 0.5
        return norm > 0 and dot / norm >= SAME_EVENT_COSINE
    return near_duplicate(f"{a.title} {a.summary[:200]}", f"{b.title} {b.summary[:200]}", 0.5)
