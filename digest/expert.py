"""The Expert's View written from measured facts, every clause cited.

No local generator writes reliable analysis (digest/llm.py), so the paragraph is built
from what the warehouse measured, in fixed sentence frames: the two trends whose coverage
moved most and which way, the declining family's state, the actors that recur across the
window's stories, the strongest counter-evidence, and what is new (stories no trend fits,
or trends covered after silence). Each sentence cites the items its figures come from,
and none repeats a sentence of Selected News Sources: the figures are ours, the quoted
phrases are the taxonomy's statements and the items' headlines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from spacebrief.classifiers.types import TrendFamily
from spacebrief.digest.actors import ActorCount, actor_counts
from spacebrief.digest.citations import CitationBook
from spacebrief.digest.momentum import describe_change, windows_phrase
from spacebrief.digest.types import (
    CitedSentence,
    FamilySection,
    SignalEntry,
    TrendEntry,
    WindowItem,
)

_CUT = re.compile(r",\s|\s(?:as|through|while|because)\s")
_READING = {
    (TrendFamily.RISING, "up"): ", a rising trend gaining ground",
    (TrendFamily.RISING, "new"): ", a rising trend gaining ground",
    (TrendFamily.RISING, "down"): ", a rising trend losing pace",
    (TrendFamily.DECLINING, "up"): ", more signs of the decline",
    (TrendFamily.DECLINING, "new"): ", more signs of the decline",
    (TrendFamily.DECLINING, "down"): ", fewer signs of the decline",
    (TrendFamily.WATCH, "up"): ", more activity to watch",
    (TrendFamily.WATCH, "new"): ", more activity to watch",
    (TrendFamily.WATCH, "down"): ", a quieter watch-list item",
}
MAX_SENTENCES = 6


def short_statement(statement: str) -> str:
    """The statement's main clause: "Space is splitting into rival blocs" (R2)."""
    text = statement.strip().rstrip(".")
    cut = _CUT.search(text)
    return text[: cut.start()] if cut and cut.start() > 20 else text


def largest_movements(families: Sequence[FamilySection], count: int = 2) -> list[TrendEntry]:
    """The covered trends whose stories moved most against their earlier mean."""
    moved = [
        entry
        for section in families
        for entry in section.entries
        if entry.momentum.direction != "flat" and (entry.citations or entry.against)
    ]
    moved.sort(key=lambda e: (-abs(e.momentum.current - e.momentum.previous_mean), e.trend_id))
    return moved[:count]


def movement_sentences(
    families: Sequence[FamilySection], windows_before: int, days: int
) -> list[CitedSentence]:
    sentences = []
    for rank, entry in enumerate(largest_movements(families)):
        change = describe_change(entry.momentum, windows_before, days).replace(
            "went from no coverage in", "went from none in"
        )
        if entry.against_stories > entry.supporting:
            reading = ", though most of it ran against the statement"
        else:
            reading = _READING.get((entry.family, entry.momentum.direction), "")
        name = f"“{short_statement(entry.statement)}” ({entry.trend_id})"
        opening = "The largest movement this window was in" if rank == 0 else "Next came"
        sentences.append(
            CitedSentence(
                f"{opening} {name}, whose coverage {change}{reading}.",
                (entry.citations or entry.against)[:3],
            )
        )
    return sentences


def measured_view(
    families: Sequence[FamilySection],
    ranked: Sequence[WindowItem],
    signals: Sequence[SignalEntry],
    book: CitationBook,
    *,
    windows_before: int,
    days: int,
    against_scores: Mapping[int, float],
) -> tuple[CitedSentence, ...]:
    """4-6 connected sentences; `against_scores` maps a counter-item's citation to P(against)."""
    sentences = movement_sentences(families, windows_before, days)
    named = {e.trend_id for e in largest_movements(families)}
    for sentence in (
        _actors_sentence(ranked, book),
        _declining_sentence(families, named),
        _counter_sentence(families, book, against_scores),
        _new_sentence(families, signals, windows_before, days),
    ):
        if sentence is not None and sentence.citations:
            sentences.append(sentence)
    return tuple(sentences[:MAX_SENTENCES])


def _actors_sentence(ranked: Sequence[WindowItem], book: CitationBook) -> CitedSentence | None:
    stories = [(item.item_id, f"{item.title}. {item.summary}") for item in ranked]
    counts = [a for a in actor_counts(stories) if len(a.story_ids) >= 2]
    countries = [a for a in counts if a.kind == "country"][:3]
    agency = next((a for a in counts if a.kind == "agency"), None)
    company = next((a for a in counts if a.kind == "company"), None)
    if not countries:
        return None
    first, *others = countries
    text = (
        f"{first.name} recurs most across the window's {len(stories)} on-theme stories "
        f"(named in {len(first.story_ids)})"
    )
    if others:
        text += ", followed by " + _and([f"{a.name} ({len(a.story_ids)})" for a in others])
    if agency and company:
        text += (
            f"; {agency.name} is the agency named most often ({len(agency.story_ids)}) "
            f"and {company.name} the company ({len(company.story_ids)})"
        )
    elif agency or company:
        actor = agency or company
        assert actor is not None
        text += f"; {actor.name} is the {actor.kind} named most often ({len(actor.story_ids)})"
    cited = _first_stories([first, *others, *(a for a in (agency, company) if a)])
    return CitedSentence(text + ".", book.cite(cited))


def _declining_sentence(
    families: Sequence[FamilySection], already_named: set[str]
) -> CitedSentence | None:
    declining = next((s for s in families if s.family == TrendFamily.DECLINING), None)
    if declining is None or not declining.entries:
        return None
    gathering = [
        e for e in declining.entries if e.momentum.direction in ("up", "new") and e.citations
    ]
    if not gathering:
        return None
    lead = next((e for e in gathering if e.trend_id not in already_named), gathering[0])
    total, rising = len(declining.entries), len(gathering)
    if rising == total:
        share = "Both declining trends" if total == 2 else f"All {_number(total)} declining trends"
        if total == 1:
            share = "The one declining trend"
        opening = f"{share} in the news show{'s' if total == 1 else ''} more signs of the decline"
    else:
        opening = (
            f"{_number(rising).capitalize()} of the {_number(total)} declining trends in the "
            f"news show{'s' if rising == 1 else ''} more signs of the decline"
        )
    stories = "story" if lead.supporting == 1 else "stories"
    return CitedSentence(
        f"{opening} than before, among them “{short_statement(lead.statement)}” "
        f"({lead.trend_id}) with {lead.supporting} supporting {stories}.",
        lead.citations[:2],
    )


def _counter_sentence(
    families: Sequence[FamilySection], book: CitationBook, against_scores: Mapping[int, float]
) -> CitedSentence | None:
    entries = [e for s in families for e in s.entries if e.against]
    if not entries:
        return None
    strongest = max(
        ((against_scores.get(n, 0.0), e, n) for e in entries for n in e.against),
        key=lambda t: (t[0], -t[2]),
    )
    _, entry, number = strongest
    citation = next(c for c in book.citations() if c.number == number)
    items = len({n for e in entries for n in e.against})
    text = (
        f"The strongest counter-evidence runs against “{short_statement(entry.statement)}” "
        f"({entry.trend_id}): “{citation.title}” ({citation.outlet})"
    )
    if items > 1:
        trends = "trend" if len(entries) == 1 else "trends"
        text += f", one of {items} items this window running against {len(entries)} {trends}"
    return CitedSentence(text + ".", (number,))


def _new_sentence(
    families: Sequence[FamilySection],
    signals: Sequence[SignalEntry],
    windows_before: int,
    days: int,
) -> CitedSentence | None:
    if signals:
        best = signals[0]
        count = len(signals)
        closest = f", closest to {best.closest_trend.split()[0]}" if best.closest_trend else ""
        return CitedSentence(
            f"What is new lies outside the taxonomy: {_number(count)} on-theme "
            f"{'story fits' if count == 1 else 'stories fit'} no trend, led by "
            f"“{best.headline}” ({best.outlet}){closest}, a watch-list candidate.",
            (best.citation,),
        )
    fresh = [e for s in families for e in s.entries if e.momentum.direction == "new"]
    if not fresh:
        return None
    stories = sum(e.stories for e in fresh)
    return CitedSentence(
        f"New this window: {_and([e.trend_id for e in fresh])}, silent over "
        f"{windows_phrase(windows_before, days)}, now "
        f"{'carries' if len(fresh) == 1 else 'carry'} {stories} "
        f"{'story' if stories == 1 else 'stories'}.",
        tuple(dict.fromkeys(n for e in fresh for n in (e.citations or e.against)[:1])),
    )


_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _number(n: int) -> str:
    """Small counts in words, so a sentence never opens on a numeral."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def _first_stories(actors: Sequence[ActorCount]) -> list[str]:
    """The first (best-ranked) story of each actor, without repeats."""
    return list(dict.fromkeys(a.story_ids[0] for a in actors))


def _and(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
