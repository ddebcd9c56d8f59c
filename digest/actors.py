"""The actors an analyst tracks across stories: countries, agencies and companies.

Actors are found by the classifier's actor normaliser (`classifiers.actors`): the
gazetteer's spellings in every language of the feeds, each under one English name, the
same names the warehouse's `item_actors` table and the reading room use. Counting
distinct stories, not items, keeps one syndicated event from looking like a trend of
its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacebrief.classifiers.actors import named_actors

COUNTED_KINDS = ("country", "agency", "company")


@dataclass(frozen=True)
class ActorCount:
    name: str
    kind: str  # country | agency | company
    story_ids: tuple[str, ...]  # the stories naming the actor, in the order given


def actor_counts(stories: Sequence[tuple[str, str]]) -> list[ActorCount]:
    """Actors named in (story id, text) pairs, most stories first (ties by name)."""
    found: dict[tuple[str, str], list[str]] = {}
    for story_id, text in stories:
        for named in named_actors(text):
            if named.actor.kind in COUNTED_KINDS:
                ids = found.setdefault((named.actor.name, named.actor.kind), [])
                if story_id not in ids:
                    ids.append(story_id)
    counts = [ActorCount(name, kind, tuple(ids)) for (name, kind), ids in found.items()]
    return sorted(counts, key=lambda a: (-len(a.story_ids), a.name))
