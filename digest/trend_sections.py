"""The Trend Analysis section: each trend's coverage, movement in plain words, support and
confident counter-evidence (digest/counter.py), quiet trends named compactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from spacebrief.classifiers.types import TrendFamily
from spacebrief.digest.citations import CitationBook
from spacebrief.digest.english import EnglishReading
from spacebrief.digest.momentum import contradiction, measure
from spacebrief.digest.trend_words import TrendWords, movement_line, words_for
from spacebrief.digest.types import (
    CounterEvidence,
    FamilySection,
    Momentum,
    QuietTrend,
    TrendEntry,
    TrendInfo,
    TrendSupport,
    WindowData,
)

HEADINGS = {
    TrendFamily.RISING: ("Rising", "🔺"),
    TrendFamily.DECLINING: ("Declining", "🔻"),
    TrendFamily.WATCH: ("Watch List", "⚠️"),
}


def _stories_per_window(window: WindowData, count: str = "stories") -> dict[str, list[int]]:
    """Per trend, oldest window first: all its stories, or its "supporting" / "against" ones."""
    size = window.history_windows + 1
    series: dict[str, list[int]] = {t.trend_id: [0] * size for t in window.trends}
    for tally in window.trend_counts:
        if tally.trend_id in series and 0 <= tally.window < size:
            series[tally.trend_id][size - 1 - tally.window] = getattr(tally, count)
    return series


def trend_sections(
    window: WindowData,
    trends: Sequence[TrendInfo],
    book: CitationBook,
    readings: Mapping[str, EnglishReading],
) -> tuple[FamilySection, ...]:
    stories = _stories_per_window(window)
    supporting = _stories_per_window(window, "supporting")
    against = _stories_per_window(window, "against")
    current = {c.trend_id: c for c in window.trend_counts if c.window == 0}
    support = {s.trend_id: s for s in window.trend_support}
    policy = window.counter
    sections = []
    for family in TrendFamily:
        members = [t for t in trends if t.family == family]
        covered = [t for t in members if t.trend_id in current and current[t.trend_id].items > 0]
        covered.sort(
            key=lambda t: (
                -current[t.trend_id].stories,
                -current[t.trend_id].items,
                t.position,
                t.trend_id,
            )
        )
        entries = []
        for trend in covered:
            momentum = measure(stories[trend.trend_id])
            evidence = support.get(trend.trend_id, TrendSupport(trend.trend_id, ()))
            words = words_for(trend.name, trend.statement)
            against_now = against[trend.trend_id][-1]
            entries.append(
                TrendEntry(
                    trend_id=trend.trend_id,
                    family=family,
                    name=trend.name,
                    statement=trend.statement.rstrip("."),
                    items=current[trend.trend_id].items,
                    stories=current[trend.trend_id].stories,
                    citations=book.cite(evidence.item_ids),
                    momentum=momentum,
                    reading=_reading(
                        words,
                        momentum,
                        supporting[trend.trend_id][-1],
                        policy.outweighs(against_now, supporting[trend.trend_id][-1]),
                    ),
                    contradiction=contradiction(
                        family,
                        supporting[trend.trend_id],
                        against_now,
                        window.history_windows,
                        window.days,
                        policy,
                    ),
                    supporting=supporting[trend.trend_id][-1],
                    against_stories=against_now,
                    against=book.cite(evidence.against_ids),
                    counter_evidence=tuple(
                        _counter_evidence(item_id, text, score, book, readings)
                        for item_id, text, score in zip(
                            evidence.against_ids,
                            evidence.against_evidence,
                            evidence.against_scores,
                            strict=False,
                        )
                        if text
                    ),
                    subject=words.subject,
                )
            )
        quiet = tuple(
            QuietTrend(
                t.trend_id,
                t.name,
                t.statement.rstrip("."),
                measure(stories[t.trend_id]),
                contradiction(
                    family, supporting[t.trend_id], 0, window.history_windows, window.days, policy
                ),
                words_for(t.name, t.statement).subject,
            )
            for t in members
            if t not in covered
        )
        heading, symbol = HEADINGS[family]
        sections.append(FamilySection(family, heading, symbol, tuple(entries), quiet))
    return tuple(sections)


def _reading(words: TrendWords, momentum: Momentum, supporting: int, outweighed: bool) -> str:
    """The trend line's plain words; contradiction is named only when it outweighs support."""
    if outweighed:
        return f"More stories on {words.subject}, most of them confidently against it."
    if not supporting:
        return f"Stories touch {words.subject}, but none clearly supports it."
    return movement_line(words, momentum)


def _counter_evidence(
    item_id: str,
    sentence: str,
    confidence: float,
    book: CitationBook,
    readings: Mapping[str, EnglishReading],
) -> CounterEvidence:
    """The evidence sentence as the item wrote it, or for a story not in English its
    English reading (the original sentence kept beside it)."""
    reading = readings.get(item_id)
    citations = book.cite([item_id])
    if reading is None or reading.is_original:
        return CounterEvidence(sentence, citations, round(confidence, 3))
    return CounterEvidence(
        reading.title,
        citations,
        round(confidence, 3),
        original=sentence,
        reading=reading.kind,
        reading_note=reading.note,
    )


def trend_weights(families: Sequence[FamilySection]) -> dict[str, float]:
    """How much a trend matters to this window's outlook: more when its stories moved."""
    weights = {}
    for section in families:
        for entry in section.entries:
            moved = abs(entry.momentum.current - entry.momentum.previous_mean)
            weights[entry.trend_id] = 1.0 + min(moved, 4.0) / 4.0
    return weights
