"""The Expert's View rubric, shared by the warehouse tests and the sample-edition test.

Beyond form (4-6 sentences, every one cited, none repeated from Selected News Sources),
it tells analysis from a statistics readout: the paragraph must say what moved (the two
largest movements, named), who drove it (an actor), what it means for a statement, and
what to watch; it may state a few counts that compare, never decimals, never window
jargon ("the previous 4 28-day windows"), and never more stories than the window holds.
"""

from __future__ import annotations

import re

from spacebrief.digest.actors import actor_counts
from spacebrief.digest.text import near_duplicate
from spacebrief.digest.types import Edition

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_WORDS.update({"eight": 8, "nine": 9})
_COUNT = re.compile(
    r"\b(\d+|" + "|".join(_WORDS) + r")\s+(?:on-theme\s+)?(stories|story|items|trends|windows)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"“[^”]*”")
_MEANING = re.compile(
    r"\bbears? out\b|\bthis means\b|\bcontested\b|\bslows\b|\bto follow\b|\bquieter\b", re.I
)


def expert_view_faults(edition: Edition) -> list[str]:
    """What the paragraph gets wrong, in words (empty: it passes)."""
    faults = []
    view = edition.expert_view
    texts = [s.text for s in view]
    if not 4 <= len(view) <= 6:
        faults.append(f"{len(view)} sentences, not 4-6")
    numbers = {c.number for c in edition.citations}
    for sentence in view:
        if not sentence.citations or not set(sentence.citations) <= numbers:
            faults.append(f"uncited or dangling citation: {sentence.text}")
    if len(set(texts)) != len(texts):
        faults.append("a sentence is repeated")
    quoted = [s for story in edition.stories for s in story.summary]
    for text in texts:
        for sentence in quoted:
            if text == sentence or near_duplicate(text, sentence, 0.6):
                faults.append(f"repeats Selected News Sources: {sentence}")
    entries = [e for section in edition.families for e in section.entries]
    moved = sorted(
        (e for e in entries if e.momentum.direction != "flat"),
        key=lambda e: (-abs(e.momentum.current - e.momentum.previous_mean), e.trend_id),
    )
    paragraph = " ".join(texts)
    for entry in moved[:2]:
        if f"({entry.trend_id})" not in paragraph and (
            not entry.subject or entry.subject.lower() not in paragraph.lower()
        ):
            faults.append(f"largest movement {entry.trend_id} not named")
    against = {n for e in entries for n in e.against}
    if against and not any(set(s.citations) & against for s in view):
        faults.append("counter-evidence exists but is not named")
    return faults + readout_faults(edition)


def readout_faults(edition: Edition) -> list[str]:
    """What makes a paragraph a statistics readout rather than analysis."""
    faults = []
    texts = [s.text for s in edition.expert_view]
    unquoted = [_QUOTED.sub("", t) for t in texts]
    paragraph = " ".join(unquoted)
    if not texts:
        return ["no paragraph"]
    if re.search(r"\b\d+\.\d+\b", paragraph):
        faults.append("states a decimal figure (an average), a readout")
    if re.search(r"\d+-day windows?\b|\bprevious \d+ ", paragraph):
        faults.append("speaks in window jargon")
    counts = _COUNT.findall(paragraph)
    if len(counts) > 3:
        faults.append(f"{len(counts)} counts: a readout, not an argument")
    for figure, noun in counts:
        value = _WORDS.get(figure.lower()) or (int(figure) if figure.isdigit() else 0)
        if noun.lower().startswith("stor") and value > edition.stories_relevant:
            faults.append(
                f"claims {value} stories in a window of {edition.stories_relevant} on-theme stories"
            )
    if not _MEANING.search(paragraph):
        faults.append("never says what the movement means for a statement")
    if not actor_counts([("", " ".join(texts))]):
        faults.append("names no actor (who drove it)")
    if not any(t.startswith("What to watch") for t in texts):
        faults.append("says nothing of what to watch")
    return faults
