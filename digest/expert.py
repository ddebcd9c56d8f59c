"""The Expert's View written from measured facts, every clause cited, read as analysis.

No local generator writes reliable analysis (digest/llm.py), so the paragraph is built
from what the warehouse measured, in sentence frames that argue rather than report: what
moved (the trend whose stories moved most, and the stories that led it), who drove it
(the countries and programmes those stories name), what it means for the taxonomy's
statement (a declining trend gathering stories is a decline gathering pace), what else
moved, the main caveat (the most confident counter-evidence), and what to watch. Counts
appear only where they compare ("five stories, where the four months before had none"),
and a count of stories is always one trend's, never a sum over trends that share
stories. Each sentence cites the stories it rests on; none repeats a sentence of Selected
News Sources: the words are ours, the quoted phrases the stories' headlines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from spacebrief.classifiers.types import TrendFamily
from spacebrief.digest.actors import actor_counts
from spacebrief.digest.citations import CitationBook
from spacebrief.digest.trend_words import TrendWords, words_for
from spacebrief.digest.types import (
    Citation,
    CitedSentence,
    FamilySection,
    SignalEntry,
    TrendEntry,
    WindowItem,
)

_CUT = re.compile(r",\s|\s(?:as|through|while|because)\s")
MAX_SENTENCES = 6
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_PERIODS = {1: "day", 7: "week", 14: "fortnight", 28: "month", 30: "month", 31: "month"}


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
    """The two largest movements, one sentence each (they follow an LLM's paragraph)."""
    sentences = []
    for rank, entry in enumerate(largest_movements(families)):
        opening = "The clearest movement this window was in" if rank == 0 else "Next came"
        sentences.append(
            CitedSentence(
                f"{opening} {_subject(entry)}: {_change(entry, windows_before, days)}.",
                (entry.citations or entry.against)[:3],
            )
        )
    return sentences


def measured_view(
    families: Sequence[FamilySection],
    ranked: Sequence[WindowItem],
    signals: Sequence[SignalEntry],
    outlook_items: Sequence[str],
    book: CitationBook,
    *,
    windows_before: int,
    days: int,
    story_trends: Sequence[tuple[str, tuple[str, ...]]] = (),
    known: Mapping[str, WindowItem] | None = None,
) -> tuple[CitedSentence, ...]:
    """4-6 sentences: what moved, who drove it, what it means for the taxonomy's
    statements, the main caveat, and what to watch; each cites the stories it rests on."""
    movers = largest_movements(families)
    titles = {c.number: c for c in book.citations()}
    items = dict(known) if known is not None else {item.item_id: item for item in ranked}
    sentences: list[CitedSentence | None] = []
    if movers:
        lead = movers[0]
        sentences.append(_lead_sentence(lead, titles, windows_before, days))
        sentences.append(_drivers_sentence(movers, titles, items))
        sentences.append(_meaning_sentence(lead))
        if len(movers) > 1:
            sentences.append(_second_sentence(movers[1], titles))
    else:
        sentences.append(_steady_sentence(families, story_trends))
    caveat = _caveat_sentence(families, titles)
    watch = _watch_sentence(
        families, signals, book.cite(outlook_items[:2]), {m.trend_id for m in movers}
    )
    declining = _declining_sentence(families, {m.trend_id for m in movers})
    chosen = [s for s in sentences if s is not None and s.citations]
    tail = [s for s in (caveat, watch) if s is not None and s.citations]
    if declining is not None and len(chosen) + len(tail) < MAX_SENTENCES:
        chosen.append(declining)
    return tuple((chosen + tail)[:MAX_SENTENCES])


def _lead_sentence(
    entry: TrendEntry, titles: Mapping[int, Citation], windows_before: int, days: int
) -> CitedSentence:
    cited = (entry.citations or entry.against)[:2]
    led = _and([f"“{titles[n].title}”" for n in cited if n in titles])
    return CitedSentence(
        f"The clearest movement this window was in {_subject(entry)}: "
        f"{_change(entry, windows_before, days)}, led by {led}.",
        cited,
    )


def _drivers_sentence(
    movers: Sequence[TrendEntry],
    titles: Mapping[int, Citation],
    items: Mapping[str, WindowItem],
) -> CitedSentence | None:
    """Who drove the movement: the actors its leading stories name most."""
    numbers = list(movers[0].citations[:3])
    if len(numbers) < 2:
        numbers = list(dict.fromkeys(n for m in movers for n in m.citations[:3]))
    stories = [
        (str(n), f"{items[titles[n].item_id].title}. {items[titles[n].item_id].summary}")
        for n in numbers
        if n in titles and titles[n].item_id in items
    ]
    if len(stories) < 2:
        return None
    found = [a for a in actor_counts(stories) if len(a.story_ids) >= 2]
    countries = [a for a in found if a.kind == "country"][:2]
    others = [a for a in found if a.kind in ("agency", "programme", "company")][:1]
    if not countries:
        return None
    who = _and([a.name for a in countries])
    verb = "recurs" if len(countries) == 1 else "recur"
    text = f"{who} {verb} across these stories"
    if others:
        text += f", with {others[0].name} at their centre"
    cited = list(dict.fromkeys(int(a.story_ids[0]) for a in [*countries, *others]))
    return CitedSentence(text + ".", tuple(cited))


def _meaning_sentence(entry: TrendEntry) -> CitedSentence:
    """What the movement means for the statement, by family and direction."""
    claim = _lower_first(entry.statement)
    cited = (entry.citations or entry.against)[:2]
    if entry.contradiction:
        return CitedSentence(
            f"Yet most of these stories run against the statement that {claim}, so the "
            "taxonomy's reading is contested this window.",
            (entry.against or cited)[:2],
        )
    up = entry.momentum.direction in ("up", "new")
    if entry.family == TrendFamily.RISING:
        text = (
            f"That bears out the rising trend the taxonomy names: {claim}"
            if up
            else f"That slows the rising trend the taxonomy names, that {claim}"
        )
    elif entry.family == TrendFamily.DECLINING:
        text = (
            f"For a declining trend this means the decline is gathering pace: {_words(entry).means}"
            if up
            else f"For a declining trend this means the decline is easing: fewer "
            f"{_words(entry).shows} than before"
        )
    else:
        text = (
            f"It makes this the watch-list item to follow: {_words(entry).means}"
            if up
            else f"It has gone quieter on the watch list, with fewer {_words(entry).shows}"
        )
    return CitedSentence(text + ".", cited)


def _second_sentence(entry: TrendEntry, titles: Mapping[int, Citation]) -> CitedSentence:
    cited = (entry.citations or entry.against)[:1]
    example = f", as “{titles[cited[0]].title}” shows" if cited and cited[0] in titles else ""
    more = "more" if entry.momentum.direction in ("up", "new") else "fewer"
    return CitedSentence(
        f"{_capital(_subject(entry))} moved too, with {more} {_words(entry).shows}{example}.",
        cited,
    )


def _steady_sentence(
    families: Sequence[FamilySection], story_trends: Sequence[tuple[str, tuple[str, ...]]]
) -> CitedSentence | None:
    entries = [e for s in families for e in s.entries if e.citations]
    if not entries:
        return None
    top = max(entries, key=lambda e: (e.stories, -ord(e.trend_id[0])))
    return CitedSentence(
        f"No trend moved clearly this window; {_subject(top)} drew the most stories, as "
        "in the windows before.",
        top.citations[:2],
    )


def _caveat_sentence(
    families: Sequence[FamilySection], titles: Mapping[int, Citation]
) -> CitedSentence | None:
    """The most confident counter-evidence of the window (only confident verdicts reach
    the edition: digest/counter.py)."""
    pairs = [
        (evidence.confidence, entry, evidence)
        for section in families
        for entry in section.entries
        for evidence in entry.counter_evidence
        if evidence.citations
    ]
    if not pairs:
        return None
    _, entry, evidence = max(pairs, key=lambda p: (p[0], -p[2].citations[0]))
    number = evidence.citations[0]
    source = titles.get(number)
    named = f"“{source.title}” ({source.outlet})" if source else "one story"
    text = f"The main caveat is {named}, which cuts against {_subject(entry)}"
    if entry.contradiction:
        text += "; there, confident counter-evidence outweighs support"
    return CitedSentence(text + ".", (number,))


def _watch_sentence(
    families: Sequence[FamilySection],
    signals: Sequence[SignalEntry],
    outlook: tuple[int, ...],
    named: set[str],
) -> CitedSentence | None:
    watch = next((s for s in families if s.family == TrendFamily.WATCH), None)
    rising = [
        e
        for e in (watch.entries if watch else ())
        if e.trend_id not in named and e.momentum.direction in ("up", "new") and e.citations
    ]
    if rising:
        entry = max(
            rising, key=lambda e: (e.momentum.current - e.momentum.previous_mean, e.stories)
        )
        return CitedSentence(
            f"What to watch next: {_subject(entry)}, which drew more stories than before.",
            entry.citations[:2],
        )
    if signals:
        best = signals[0]
        return CitedSentence(
            f"What to watch next: “{best.headline}” ({best.outlet}), a story no trend of the "
            "taxonomy fits yet.",
            (best.citation,),
        )
    if outlook:
        return CitedSentence(
            "What to watch next is in the Outlook below: the plans and dates these stories set.",
            outlook,
        )
    return None


def _declining_sentence(
    families: Sequence[FamilySection], already_named: set[str]
) -> CitedSentence | None:
    declining = next((s for s in families if s.family == TrendFamily.DECLINING), None)
    if declining is None or not declining.entries:
        return None
    gathering = [
        e for e in declining.entries if e.momentum.direction in ("up", "new") and e.citations
    ]
    if len(gathering) < 2:
        return None
    lead = next((e for e in gathering if e.trend_id not in already_named), gathering[0])
    total = len(declining.entries)
    share = (
        f"all {_number(total)}"
        if len(gathering) == total
        else f"{_number(len(gathering))} of the {_number(total)}"
    )
    return CitedSentence(
        f"Across the declining trends in the news, {share} drew more support than before, "
        f"{_subject(lead)} most clearly.",
        lead.citations[:2],
    )


def _words(entry: TrendEntry) -> TrendWords:
    return words_for(entry.name, entry.statement)


def _subject(entry: TrendEntry) -> str:
    return entry.subject or _words(entry).subject


def _change(entry: TrendEntry, windows_before: int, days: int) -> str:
    """ "five stories, where the four months before had none" (counts that compare)."""
    momentum = entry.momentum
    period = _PERIODS.get(days, f"{days}-day period")
    before = f"the {_number(windows_before)} {period}s before"
    now = f"{_number(momentum.current)} {'story' if momentum.current == 1 else 'stories'}"
    if momentum.direction == "new":
        return f"{now}, where {before} had none"
    mean = momentum.previous_mean
    usual = "fewer than one" if mean < 1 else f"about {_number(round(mean))}"
    if momentum.direction == "up":
        return f"{now}, against {usual} a {period} over {before}"
    if momentum.direction == "down":
        return f"only {now}, against {usual} a {period} over {before}"
    return f"{now}, as usual"


def _number(n: int) -> str:
    """Small counts in words, so a sentence never opens on a numeral."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def _lower_first(text: str) -> str:
    first, _, rest = text.partition(" ")
    if first in ("The", "Space", "Access", "Centralised", "Developing", "More", "Fewer", "Watch"):
        return f"{first.lower()} {rest}".strip()
    if text[:1].isupper() and text[1:2].islower() and first.lower() in _COMMON:
        return text[:1].lower() + text[1:]
    return text


_COMMON = {"countries", "moves", "commercial", "regional", "satellites", "space", "sanctions"}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _and(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
