"""Industry Outlook: what the window's items say will happen next, in their own words.

A sentence is forward-looking when it carries a cue of the future (will, plans,
scheduled, expected, "by 2035", "to be signed"...). Candidates are ranked by their
story's rank (relevance x trend weight x recency, from DuckDB) times the number of cues,
with a bonus for a named year still ahead of the edition; syndicated near-copies are
dropped and each story speaks once, so the section reads as an outlook, not an echo.
A sentence that leans on the one before it ("It is now planned for 2028") is left out:
quoted alone it would not say what is planned.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from spacebrief.digest.summaries import SourcedSentence, item_sentences
from spacebrief.digest.text import near_duplicate, stands_alone
from spacebrief.digest.types import WindowItem

_CUES = re.compile(
    r"\b(will|won't|plans?\b|planned|planning|scheduled|expected|expects|intends?|"
    r"aims? to|set to|slated|upcoming|forthcoming|next (?:year|month|week|decade|phase)|"
    r"to be (?:signed|launched|built|held|completed|deployed|opened)|to launch|"
    r"due (?:in|by|next)|due to (?:retire|launch|open|start|begin|fly|be|close|end))\b",
    re.IGNORECASE,
)
_DATED = re.compile(
    r"\b(?:by|in|around|before|until|from|after) (?:the end of |early |late )?(20\d\d)\b",
    re.IGNORECASE,
)
_PAST_ONLY = re.compile(
    r"\b(?:was|were|had been) (?:expected|scheduled|planned|due|set|slated)\b", re.IGNORECASE
)


def forward_cues(sentence: str, edition_year: int | None = None) -> int:
    """How many future cues a sentence carries (0: not forward-looking). A dated phrase
    ("by 2035", "around 2030") counts when its year is not before the edition's."""
    if _PAST_ONLY.search(sentence):
        return 0
    dated = [int(y) for y in _DATED.findall(sentence)]
    ahead = sum(1 for y in dated if edition_year is None or y >= edition_year)
    return len(_CUES.findall(sentence)) + ahead


def outlook_sentences(
    items: Sequence[WindowItem],
    edition_year: int,
    *,
    count: int = 5,
    exclude: Collection[str] = (),
) -> list[SourcedSentence]:
    """Up to `count` forward-looking sentences, best first, never one in `exclude`."""
    top_rank = max((item.rank for item in items), default=0.0) or 1.0
    scored: list[tuple[float, int, SourcedSentence]] = []
    order = 0
    for item in items:
        for position, sentence in enumerate(item_sentences(item)):
            cues = forward_cues(sentence, edition_year)
            if cues == 0 or sentence in exclude or not stands_alone(sentence):
                continue
            score = (item.rank / top_rank) * (1 + 0.15 * min(cues, 4))
            scored.append(
                (score, order, SourcedSentence(sentence, item.item_id, item.cluster_id, position))
            )
            order += 1
    scored.sort(key=lambda entry: (-round(entry[0], 9), entry[1]))
    chosen: list[SourcedSentence] = []
    stories: set[str] = set()
    for _, _, candidate in scored:
        if candidate.cluster_id in stories:
            continue
        if any(near_duplicate(candidate.text, kept.text, 0.6) for kept in chosen):
            continue
        chosen.append(candidate)
        stories.add(candidate.cluster_id)
        if len(chosen) == count:
            break
    return chosen
