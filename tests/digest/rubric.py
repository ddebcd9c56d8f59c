"""The Expert's View rubric, shared by the warehouse tests and the sample-edition test."""

from __future__ import annotations

from spacebrief.digest.text import near_duplicate
from spacebrief.digest.types import Edition


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
        if f"({entry.trend_id})" not in paragraph:
            faults.append(f"largest movement {entry.trend_id} not named")
    against = {n for e in entries for n in e.against}
    if against and not any(set(s.citations) & against for s in view):
        faults.append("counter-evidence exists but is not named")
    return faults
