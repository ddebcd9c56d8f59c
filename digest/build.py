"""Build the edition: the window's data in, the five sections out, every claim cited.

Pure and deterministic: the only date in the content is the edition's; every ordering
has a tie-break on ids; the same `WindowData` always gives the same `Edition`.
Sections are built in reading order so citation numbers run [1], [2], ... down the page.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from spacebrief.classifiers.types import TrendFamily
from spacebrief.digest.citations import CitationBook, utc_day
from spacebrief.digest.expert import measured_view, movement_sentences
from spacebrief.digest.llm import LlmEndpoint, cited_paragraph
from spacebrief.digest.momentum import contradiction, measure, reading
from spacebrief.digest.outlook import outlook_sentences
from spacebrief.digest.summaries import SourcedSentence, story_summary
from spacebrief.digest.types import (
    Chart,
    ChartSeries,
    CitedSentence,
    Edition,
    FamilySection,
    QuietTrend,
    SignalEntry,
    StoryEntry,
    TrendEntry,
    TrendInfo,
    TrendSupport,
    WindowData,
    WindowItem,
)
from spacebrief.untrusted import safe_url

TITLE = "Space China, Russia and Global South"
COLLECTION = "Insights from space news Collection"
_HEADINGS = {
    TrendFamily.RISING: ("Rising", "🔺"),
    TrendFamily.DECLINING: ("Declining", "🔻"),
    TrendFamily.WATCH: ("Watch List", "⚠️"),
}
_THIN_ITEMS = 5
_EXPERT_POOL = 12


def date_label(day: date) -> str:
    """The sample edition's own pattern, "March, 24 2025" (English, whatever the locale)."""
    return f"{calendar.month_name[day.month]}, {day.day:02d} {day.year}"


def edition_id(window: WindowData) -> str:
    return f"{window.edition_date.isoformat()}-{window.days}d"


def build_edition(
    window: WindowData, *, top_stories: int = 12, llm: LlmEndpoint | None = None
) -> Edition:
    items = {item.item_id: item for item in window.items}
    trends = sorted(window.trends, key=lambda t: (t.position, t.trend_id))
    book = CitationBook(items)
    ranked = [items[i] for i in window.ranked_story_ids if i in items]

    families = _trend_sections(window, trends, book)
    signals = _new_signals(window, items, trends, book)
    forward = outlook_sentences(ranked, window.edition_date.year)
    expert, expert_method = _expert_view(window, families, signals, ranked, book, llm)
    outlook, outlook_method = _outlook(forward, book, llm)
    stories = _stories(ranked[:top_stories], trends, book)
    current = next((t for t in window.totals if t.window == 0), None)
    relevant_items = current.relevant_items if current else 0
    return Edition(
        edition_id=edition_id(window),
        title=f"{TITLE} · {COLLECTION} · {date_label(window.edition_date)} Edition",
        date_label=date_label(window.edition_date),
        edition_date=window.edition_date.isoformat(),
        days=window.days,
        window_start=window.window_start.isoformat(),
        window_end=window.window_end.isoformat(),
        taxonomy_version=window.taxonomy_version,
        items_total=current.items if current else 0,
        items_relevant=relevant_items,
        stories_relevant=current.relevant_stories if current else 0,
        coverage_note=_coverage_note(window),
        families=families,
        new_signals=signals,
        expert_view=expert,
        expert_method=expert_method,
        outlook=outlook,
        outlook_method=outlook_method,
        stories=stories,
        citations=book.citations(),
        chart=_chart(window),
    )


def _window_span(window: WindowData) -> str:
    first = window.window_start.date()
    last = (window.window_end - timedelta(days=1)).date()
    if first == last:
        return f"{last.day} {calendar.month_name[last.month]} {last.year}"
    return (
        f"{first.day} {calendar.month_name[first.month]} {first.year} to "
        f"{last.day} {calendar.month_name[last.month]} {last.year}"
    )


def _coverage_note(window: WindowData) -> str:
    current = next((t for t in window.totals if t.window == 0), None)
    span = f"{_window_span(window)} ({window.days} {'day' if window.days == 1 else 'days'})"
    if current is None or current.items == 0:
        return (
            f"No items were collected for {span}: there is nothing to report for this window. "
            "Check that ingest ran, or pick another date with --date."
        )
    items = f"{current.items} {'item' if current.items == 1 else 'items'}"
    if current.relevant_items == 0:
        return (
            f"This edition covers {span}: {items} collected, none of them on-theme, so every "
            "section below is empty rather than padded."
        )
    on_theme = (
        f"{current.relevant_items} on-theme "
        f"{'item' if current.relevant_items == 1 else 'items'} in {current.relevant_stories} "
        f"{'story' if current.relevant_stories == 1 else 'stories'}"
    )
    if current.relevant_items < _THIN_ITEMS:
        return (
            f"Only {on_theme} this window ({span}, {items} collected): a thin window, so the "
            "sections below are short and tentative."
        )
    return f"This edition covers {span}: {items} collected, {on_theme}."


def _stories_per_window(window: WindowData, count: str = "stories") -> dict[str, list[int]]:
    """Per trend, oldest window first: all its stories, or its "supporting" / "against" ones."""
    size = window.history_windows + 1
    series: dict[str, list[int]] = {t.trend_id: [0] * size for t in window.trends}
    for tally in window.trend_counts:
        if tally.trend_id in series and 0 <= tally.window < size:
            series[tally.trend_id][size - 1 - tally.window] = getattr(tally, count)
    return series


def _trend_sections(
    window: WindowData, trends: Sequence[TrendInfo], book: CitationBook
) -> tuple[FamilySection, ...]:
    stories = _stories_per_window(window)
    supporting = _stories_per_window(window, "supporting")
    against = _stories_per_window(window, "against")
    current = {c.trend_id: c for c in window.trend_counts if c.window == 0}
    support = {s.trend_id: s for s in window.trend_support}
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
                    reading=reading(
                        family,
                        momentum,
                        contested=against[trend.trend_id][-1] > supporting[trend.trend_id][-1],
                    ),
                    contradiction=contradiction(
                        family,
                        supporting[trend.trend_id],
                        against[trend.trend_id][-1],
                        window.history_windows,
                        window.days,
                    ),
                    supporting=supporting[trend.trend_id][-1],
                    against_stories=against[trend.trend_id][-1],
                    against=book.cite(evidence.against_ids),
                    counter_evidence=tuple(
                        CitedSentence(text, book.cite([item_id]))
                        for item_id, text in zip(
                            evidence.against_ids, evidence.against_evidence, strict=False
                        )
                        if text
                    ),
                )
            )
        quiet = tuple(
            QuietTrend(
                t.trend_id,
                t.name,
                t.statement.rstrip("."),
                measure(stories[t.trend_id]),
                contradiction(
                    family, supporting[t.trend_id], 0, window.history_windows, window.days
                ),
            )
            for t in members
            if t not in covered
        )
        heading, symbol = _HEADINGS[family]
        sections.append(FamilySection(family, heading, symbol, tuple(entries), quiet))
    return tuple(sections)


def _new_signals(
    window: WindowData,
    items: Mapping[str, WindowItem],
    trends: Sequence[TrendInfo],
    book: CitationBook,
) -> tuple[SignalEntry, ...]:
    names = {t.trend_id: t for t in trends}
    entries = []
    for signal in window.signals:
        item = items.get(signal.item_id)
        if item is None:
            continue
        closest = names.get(signal.closest_trend_id or "")
        entries.append(
            SignalEntry(
                headline=headline(item.title),
                outlet=item.source_name,
                stories_items=item.cluster_size,
                independent_reports=item.independent_reports,
                echoes=item.echoes,
                citation=book.cite([item.item_id])[0],
                closest_trend=f"{closest.trend_id} {closest.name}" if closest else None,
                closest_score=round(signal.closest_score, 3)
                if signal.closest_score is not None
                else None,
            )
        )
    return tuple(entries)


def _expert_view(
    window: WindowData,
    families: Sequence[FamilySection],
    signals: Sequence[SignalEntry],
    ranked: Sequence[WindowItem],
    book: CitationBook,
    llm: LlmEndpoint | None,
) -> tuple[tuple[CitedSentence, ...], str]:
    """The LLM's cited paragraph when one is configured and passes the check (followed by
    the measured movements), else the paragraph written from measured facts."""
    pool = list(ranked[:_EXPERT_POOL])
    if llm is not None and pool:
        evidence = [_evidence_line(item) for item in pool]
        answer = cited_paragraph(
            llm,
            "Write one analytical paragraph (an expert's view) on what this window's news "
            "says about space cooperation among China, Russia and the Global South.",
            evidence,
        )
        if answer:
            written = [
                CitedSentence(text, book.cite(pool[n - 1].item_id for n in numbers))
                for text, numbers in answer
            ]
            movements = movement_sentences(families, window.history_windows, window.days)
            return (*written, *movements), "llm"
    against_scores = {
        book.cite([item_id])[0]: score
        for support in window.trend_support
        for item_id, score in zip(support.against_ids, support.against_scores, strict=False)
        if book.cite([item_id])
    }
    view = measured_view(
        families,
        ranked,
        signals,
        book,
        windows_before=window.history_windows,
        days=window.days,
        against_scores=against_scores,
    )
    return view, "measured"


def _outlook(
    chosen: Sequence[SourcedSentence], book: CitationBook, llm: LlmEndpoint | None
) -> tuple[tuple[CitedSentence, ...], str]:
    if llm is not None and chosen:
        answer = cited_paragraph(
            llm,
            "Write an industry outlook: what these statements say will happen next, "
            "without adding any plan or date that the evidence does not state.",
            [s.text for s in chosen],
        )
        if answer:
            return tuple(
                CitedSentence(text, book.cite(chosen[n - 1].item_id for n in numbers))
                for text, numbers in answer
            ), "llm"
    return tuple(_cite_sentence(s, book) for s in chosen), "extractive"


def _stories(
    ranked: Sequence[WindowItem], trends: Sequence[TrendInfo], book: CitationBook
) -> tuple[StoryEntry, ...]:
    names = {t.trend_id: t for t in trends}
    entries = []
    for item in ranked:
        labels = sorted(item.labels, key=lambda label: (-label.score, label.trend_id))
        entries.append(
            StoryEntry(
                citation=book.cite([item.item_id])[0],
                headline=headline(item.title),
                summary=story_summary(item),
                outlet=item.source_name,
                published=utc_day(item.published_at),
                url=safe_url(item.url),
                trend_tags=tuple(
                    f"{label.trend_id} {names[label.trend_id].name}"
                    for label in labels
                    if label.trend_id in names
                ),
                reports=item.cluster_size,
                independent_reports=item.independent_reports,
                echoes=item.echoes,
            )
        )
    return tuple(entries)


def _chart(window: WindowData) -> Chart:
    size = window.history_windows + 1
    labels = []
    for back in range(size - 1, -1, -1):
        end = window.window_end - timedelta(days=window.days * back)
        last = (end - timedelta(days=1)).date()
        labels.append(f"{calendar.month_abbr[last.month]} {last.day}")
    series = []
    for family in TrendFamily:
        values = [0] * size
        for count in window.family_counts:
            if count.family == family and 0 <= count.window < size:
                values[size - 1 - count.window] = count.stories
        series.append(ChartSeries(family, _HEADINGS[family][0], tuple(values)))
    return Chart(tuple(labels), tuple(series))


def headline(title: str) -> str:
    """Titles are plain text in feeds: keep any "<...>" as literal text (escaped on output)."""
    return " ".join(title.split())


def _cite_sentence(sentence: SourcedSentence, book: CitationBook) -> CitedSentence:
    return CitedSentence(sentence.text, book.cite([sentence.item_id]))


def _evidence_line(item: WindowItem) -> str:
    summary = " ".join(story_summary(item))
    day = utc_day(item.published_at)
    return f"{headline(item.title)} ({item.source_name}, {day}). {summary}".strip()
