"""Records that cross the digest's border: the window's data in, the edition out.

`WindowData` is what `warehouse.editions.load_window` reads (already aggregated in
DuckDB: only counts and the top rows reach Python); `Edition` is what `build_edition`
returns and the renderers print. Both are plain frozen dataclasses so the digest can be
built and tested without a database, and so the JSON output is a faithful dump.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from spacebrief.classifiers.types import TrendFamily
from spacebrief.digest.counter import DEFAULT_COUNTER_POLICY, CounterEvidencePolicy
from spacebrief.digest.ranking import DEFAULT_RANKING, RankingPolicy


@dataclass(frozen=True)
class TrendInfo:
    trend_id: str
    family: TrendFamily  # the warehouse's string is read as the enum, so no other can pass
    name: str
    statement: str
    position: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "family", TrendFamily(self.family))


@dataclass(frozen=True)
class TrendLabel:
    trend_id: str
    score: float
    stance: str = "supports"  # supports | against the trend's statement


@dataclass(frozen=True)
class WindowItem:
    """One item of the window as the digest reads it (feed text is untrusted)."""

    item_id: str
    title: str
    summary: str
    url: str | None
    source_name: str
    published_at: datetime
    cluster_id: str
    relevance: float
    labels: tuple[TrendLabel, ...] = ()
    rank: float = 0.0  # relevance x trend weight x recency, computed in DuckDB
    cluster_size: int = 1  # the story's reports in the window
    independent_reports: int = 1  # of them, new outlets in their own words
    echoes: int = 0  # of them, near-copies of another report (warehouse.stories)
    embedding: tuple[float, ...] | None = None
    content: str | None = None  # the article's text (full-text sources), when extracted
    language: str | None = None  # ISO 639-1 as ingest stored it
    english: StoredReading | None = None  # a translation stored by the English-reading step


@dataclass(frozen=True)
class StoredReading:
    """An English reading the warehouse already holds for an item (`english_readings`)."""

    title: str
    summary: str
    kind: str  # translation | gist
    method: str


@dataclass(frozen=True)
class TrendCount:
    """Coverage of one trend in one window; window 0 is the edition's, 1 the one before..."""

    trend_id: str
    window: int
    items: int
    stories: int
    supporting: int = 0  # stories with an item supporting the trend's statement
    against: int = 0  # stories with an item running against it


@dataclass(frozen=True)
class WindowTotals:
    window: int
    items: int
    relevant_items: int
    relevant_stories: int


@dataclass(frozen=True)
class FamilyCount:
    family: TrendFamily
    window: int
    stories: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "family", TrendFamily(self.family))


@dataclass(frozen=True)
class TrendSupport:
    """The best items (one per story) supporting a trend in the edition's window, and the
    strongest ones running against it (with their evidence and P(against))."""

    trend_id: str
    item_ids: tuple[str, ...]
    evidence: tuple[str, ...] = ()
    against_ids: tuple[str, ...] = ()
    against_evidence: tuple[str, ...] = ()
    against_scores: tuple[float, ...] = ()


@dataclass(frozen=True)
class SignalCandidate:
    """An on-theme story that no trend accepted: its best item and closest trend."""

    item_id: str
    closest_trend_id: str | None
    closest_score: float | None


@dataclass(frozen=True)
class WindowData:
    edition_date: date
    days: int
    window_start: datetime
    window_end: datetime
    history_windows: int  # how many earlier windows of the same length were counted
    taxonomy_version: str | None
    trends: tuple[TrendInfo, ...]
    totals: tuple[WindowTotals, ...]
    trend_counts: tuple[TrendCount, ...]
    family_counts: tuple[FamilyCount, ...]
    items: tuple[WindowItem, ...]  # every item the edition may cite, by id
    ranked_story_ids: tuple[str, ...]  # one item per story, best first
    trend_support: tuple[TrendSupport, ...]
    signals: tuple[SignalCandidate, ...]
    # the window's on-theme stories and the trends each carries, so that a count of
    # stories across several trends counts each story once
    story_trends: tuple[tuple[str, tuple[str, ...]], ...] = ()
    counter: CounterEvidencePolicy = DEFAULT_COUNTER_POLICY
    ranking: RankingPolicy = DEFAULT_RANKING


# ---------------------------------------------------------------------------- edition


@dataclass(frozen=True)
class Citation:
    number: int
    item_id: str
    title: str
    outlet: str
    published: str  # YYYY-MM-DD
    url: str | None  # http(s) only
    original_title: str | None = None  # the title in its own language, when `title` is a reading
    reading: str = "original"  # original | translation | gist (digest/english.py)
    language: str | None = None


@dataclass(frozen=True)
class CounterEvidence:
    """An item's sentence running against a trend's statement, with the verdict's confidence."""

    text: str  # the evidence sentence; for a story not in English, its English reading
    citations: tuple[int, ...]
    confidence: float  # the stance verdict's P(against)
    original: str | None = None  # the sentence as the item wrote it, when `text` is a reading
    reading: str = "original"  # original | translation | gist
    reading_note: str = ""  # "English gist of a Spanish-language story, not a translation"


@dataclass(frozen=True)
class CitedSentence:
    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Momentum:
    stories: tuple[int, ...]  # oldest window first, the edition's window last
    current: int
    previous_mean: float
    direction: str  # up | down | flat | new
    arrow: str
    sparkline: str


@dataclass(frozen=True)
class TrendEntry:
    trend_id: str
    family: TrendFamily
    name: str
    statement: str
    items: int
    stories: int
    citations: tuple[int, ...]  # the items supporting the statement
    against: tuple[int, ...]  # the items running against it
    momentum: Momentum
    reading: str = ""  # what moved, in plain words (digest/trend_words.py)
    contradiction: str | None = None  # only when counter-evidence clearly outweighs support
    supporting: int = 0  # stories supporting the statement this window
    against_stories: int = 0  # stories confidently running against it
    counter_evidence: tuple[CounterEvidence, ...] = ()  # their sentences, quoted
    subject: str = ""  # the trend in a few words, for prose


@dataclass(frozen=True)
class QuietTrend:
    trend_id: str
    name: str
    statement: str
    momentum: Momentum
    contradiction: str | None = None
    subject: str = ""  # the trend in a few words


@dataclass(frozen=True)
class FamilySection:
    family: TrendFamily
    heading: str
    symbol: str
    entries: tuple[TrendEntry, ...]
    quiet: tuple[QuietTrend, ...]


@dataclass(frozen=True)
class SignalEntry:
    headline: str  # in English (digest/english.py)
    outlet: str
    stories_items: int  # items reporting the story in the window
    citation: int
    closest_trend: str | None
    closest_score: float | None
    independent_reports: int = 1
    echoes: int = 0


@dataclass(frozen=True)
class StoryEntry:
    citation: int
    headline: str  # in English: the item's own, a checked translation, or a marked gist
    summary: tuple[str, ...]
    outlet: str
    published: str
    url: str | None
    trend_tags: tuple[str, ...]  # trend codes, shown as small tags
    reports: int  # the story's reports within the window
    original_headline: str | None = None  # the headline in its own language, when translated
    reading: str = "original"  # original | translation | gist
    reading_note: str = ""  # "Translated from Russian", "English gist of ..., not a translation"
    trend_subjects: tuple[str, ...] = ()  # the same trends in words, for the plain-text copy
    independent_reports: int = 1  # of them, new outlets in their own words
    echoes: int = 0  # of them, near-copies of another report


@dataclass(frozen=True)
class ChartSeries:
    family: TrendFamily
    label: str
    values: tuple[int, ...]  # stories per window, oldest first


@dataclass(frozen=True)
class Chart:
    window_labels: tuple[str, ...]
    series: tuple[ChartSeries, ...]


@dataclass(frozen=True)
class Edition:
    """One edition of the newsletter, every section built and every claim cited: what
    `digest.render` turns into Markdown, HTML and JSON."""

    edition_id: str
    title: str
    date_label: str
    edition_date: str
    days: int
    window_start: str
    window_end: str
    taxonomy_version: str | None
    items_total: int
    items_relevant: int
    stories_relevant: int
    coverage_note: str
    families: tuple[FamilySection, ...]
    new_signals: tuple[SignalEntry, ...]
    expert_view: tuple[CitedSentence, ...]
    expert_method: str  # measured | llm
    outlook: tuple[CitedSentence, ...]
    outlook_method: str
    stories: tuple[StoryEntry, ...]
    citations: tuple[Citation, ...]
    chart: Chart
    notes: tuple[str, ...] = field(default_factory=tuple)
