"""The actors an analyst tracks across stories: countries, agencies, companies, programmes.

Actors are found by the classifier's actor normaliser (`classifiers.actors`): the
gazetteer's spellings in every language of the feeds, each under one English name, the
same names the warehouse's `item_actors` table and the reading room use. Counting
distinct stories, not items, keeps one syndicated event from looking like a trend of
its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacebrief.classifiers.actors import actor_spans, named_actors

COUNTED_KINDS = ("country", "agency", "company")
NAMED_KINDS = (*COUNTED_KINDS, "programme")  # what a reader must find again in a rewording
# The lunar alliances are what a claim is about, not who makes it: the faithfulness check
# reads them as names of their own (digest/faithfulness.py), never as actors.
_ALLIANCES = ("ILRS", "the Artemis Accords", "the Artemis programme")


@dataclass(frozen=True)
class ActorCount:
    name: str
    kind: str  # country | agency | company | programme
    story_ids: tuple[str, ...]  # the stories naming the actor, in the order given


def actor_counts(
    stories: Sequence[tuple[str, str]], kinds: Sequence[str] = COUNTED_KINDS
) -> list[ActorCount]:
    """Actors of `kinds` named in (story id, text) pairs, most stories first (ties by name)."""
    found: dict[tuple[str, str], list[str]] = {}
    for story_id, text in stories:
        for named in named_actors(text):
            if named.actor.kind in kinds:
                ids = found.setdefault((named.actor.name, named.actor.kind), [])
                if story_id not in ids:
                    ids.append(story_id)
    counts = [ActorCount(name, kind, tuple(ids)) for (name, kind), ids in found.items()]
    return sorted(counts, key=lambda a: (-len(a.story_ids), a.name))


@dataclass(frozen=True)
class ActorMention:
    name: str
    kind: str
    start: int
    end: int


def actor_mentions(text: str) -> list[ActorMention]:
    """Every actor named in `text`, where it stands, in reading order (the same names as
    `actor_counts`; "Beijing" and "Chinese" are China, "Moscow" is Russia)."""
    found = [
        ActorMention(actor.name, actor.kind, start, end)
        for actor, start, end in actor_spans(text)
        if actor.kind in NAMED_KINDS and actor.name not in _ALLIANCES
    ]
    return sorted(found, key=lambda m: (m.start, m.end, m.name))
