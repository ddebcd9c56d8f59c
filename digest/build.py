"""Build the edition: the window's data in, the five sections out, every claim cited.

Pure and deterministic: the only date in the content is the edition's; every ordering
has a tie-break on ids; the same `WindowData` always gives the same `Edition`.
Sections are built in reading order so citation numbers run [1], [2], ... down the page.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

from spacebrief.classifiers.types import TrendFamily
from spacebrief.digest.citations import CitationBook, utc_day
from spacebrief.digest.english import (
    EnglishReading,
    english_reading,
    language_name,
    without_trend_codes,
)
from spacebrief.digest.expert import measured_view, movement_sentences
from spacebrief.digest.llm import LlmEndpoint, cited_paragraph, translated
from spacebrief.digest.outlook import ForwardStatement, forward_statements
from spacebrief.digest.selection import select_stories
from spacebrief.digest.summaries import story_summary
from spacebrief.digest.trend_sections import HEADINGS, trend_sections, trend_weights
from spacebrief.digest.trend_words import words_for
from spacebrief.digest.types import (
    Chart,
    ChartSeries,
    CitedSentence,
    Edition,
    FamilySection,
    SignalEntry,
    StoryEntry,
    TrendInfo,
    WindowData,
    WindowItem,
)
from spacebrief.untrusted import safe_url

TITLE = "Space China, Russia and Global South"
COLLECTION = "Insights from space news Collection"
_THIN_ITEMS = 5
EXPERT_POOL = 12


def date_label(day: date) -> str:
    """The sample edition's own pattern, "March, 24 2025" (English, whatever the locale)."""
    return f"{calendar.month_name[day.month]}, {day.day:02d} {day.year}"


def edition_id(window: WindowData) -> str:
    return f"{window.edition_date.isoformat()}-{window.days}d"


def build_edition(
    window: WindowData, *, top_stories: int = 12, llm: LlmEndpoint | None = None
) -> Edition:
    trends = sorted(window.trends, key=lambda t: (t.position, t.trend_id))
    statements = {t.trend_id: t.statement for t in trends}
    readings = _readings(window.items, statements, llm)
    items = {item.item_id: _in_english(item, readings[item.item_id]) for item in window.items}
    book = CitationBook({item.item_id: item for item in window.items}, readings)
    ranked = select_stories(
        [items[i] for i in window.ranked_story_ids if i in items], window.ranking
    )

    families = trend_sections(window, trends, book, readings)
    signals = _new_signals(window, items, trends, book)
    forward = forward_statements(
        ranked,
        window.edition_date,
        trend_weight=trend_weights(families),
        min_label_score=window.counter.min_label_score,
    )
    expert, expert_method = _expert_view(
        window, families, signals, ranked, items, [s.item_id for s in forward], book, llm
    )
    outlook, outlook_method = _outlook(forward, items, book, llm)
    stories = _stories(ranked[:top_stories], trends, book, readings)
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


def _readings(
    items: Sequence[WindowItem], statements: Mapping[str, str], llm: LlmEndpoint | None
) -> dict[str, EnglishReading]:
    """Every item's English reading: a stored or fresh checked translation, else a gist."""

    def translate(language: str, title: str, summary: str) -> tuple[str, str] | None:
        assert llm is not None
        return translated(llm, language, title, summary)

    readings = {}
    for item in items:
        stored = None
        if item.english is not None and item.english.kind == "translation":
            stored = EnglishReading(
                item.english.title,
                item.english.summary,
                "translation",
                item.language,
                f"Translated from {language_name(item.language)}",
            )
        readings[item.item_id] = english_reading(
            item,
            statements=statements,
            translate=translate if llm is not None else None,
            stored=stored,
        )
    return readings


def _in_english(item: WindowItem, reading: EnglishReading) -> WindowItem:
    """The item as the edition quotes it: a translation's title and summary stand for the
    item's; a gist gives a title but no sentence to quote (it is ours, not the item's)."""
    if reading.is_original:
        return item
    summary = reading.summary if reading.kind == "translation" else ""
    return replace(item, title=reading.title, summary=summary, content=None)


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
            "Check that ingest ran, or build the edition for another date."
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
    items: Mapping[str, WindowItem],
    outlook_items: Sequence[str],
    book: CitationBook,
    llm: LlmEndpoint | None,
) -> tuple[tuple[CitedSentence, ...], str]:
    """The LLM's cited paragraph when one is configured and passes the check (followed by
    the measured movements), else the paragraph written from measured facts."""
    pool = list(ranked[:EXPERT_POOL])
    if llm is not None and pool:
        evidence = [evidence_line(item) for item in pool]
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
    view = measured_view(
        families,
        ranked,
        signals,
        outlook_items,
        book,
        windows_before=window.history_windows,
        days=window.days,
        story_trends=window.story_trends,
        known=items,
    )
    return view, "measured"


def _outlook(
    chosen: Sequence[ForwardStatement],
    items: Mapping[str, WindowItem],
    book: CitationBook,
    llm: LlmEndpoint | None,
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
    return tuple(_attributed(s, items[s.item_id], book) for s in chosen), "extractive"


def _attributed(statement: ForwardStatement, item: WindowItem, book: CitationBook) -> CitedSentence:
    """ "Roscosmos says ... around 2027 (Eurasia Orbit Digest, 6 March)."."""
    day = item.published_at
    text = statement.text.rstrip(".")
    return CitedSentence(
        f"{text} ({item.source_name}, {day.day} {calendar.month_name[day.month]}).",
        book.cite([item.item_id]),
    )


def _stories(
    ranked: Sequence[WindowItem],
    trends: Sequence[TrendInfo],
    book: CitationBook,
    readings: Mapping[str, EnglishReading],
) -> tuple[StoryEntry, ...]:
    names = {t.trend_id: t for t in trends}
    entries = []
    for item in ranked:
        labels = sorted(item.labels, key=lambda label: (-label.score, label.trend_id))
        labels = [label for label in labels if label.trend_id in names]
        reading = readings.get(item.item_id)
        translated = reading is not None and not reading.is_original
        if reading is not None and reading.kind == "gist":
            summary: tuple[str, ...] = (without_trend_codes(reading.summary),)
        else:
            summary = story_summary(item)
        original = next((i for i in book.citations() if i.item_id == item.item_id), None)
        entries.append(
            StoryEntry(
                citation=book.cite([item.item_id])[0],
                headline=headline(item.title),
                summary=summary,
                outlet=item.source_name,
                published=utc_day(item.published_at),
                url=safe_url(item.url),
                trend_tags=tuple(label.trend_id for label in labels),
                reports=item.cluster_size,
                original_headline=original.original_title if translated and original else None,
                reading=reading.kind if reading is not None else "original",
                reading_note=reading.note if reading is not None else "",
                trend_subjects=tuple(
                    words_for(names[label.trend_id].name, names[label.trend_id].statement).subject
                    for label in labels
                ),
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
        series.append(ChartSeries(family, HEADINGS[family][0], tuple(values)))
    return Chart(tuple(labels), tuple(series))


def headline(title: str) -> str:
    """Titles are plain text in feeds: keep any "<...>" as literal text (escaped on output)."""
    return " ".join(title.split())


def evidence_line(item: WindowItem) -> str:
    """An item as the LLM sees it, and as the faithfulness check holds its sentences to."""
    summary = " ".join(story_summary(item))
    day = utc_day(item.published_at)
    return f"{headline(item.title)} ({item.source_name}, {day}). {summary}".strip()
