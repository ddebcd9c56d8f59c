"""The classify step: `spacebrief.classify_pending` with the configured classifier and bars.

The loop itself (chunks classified with no connection open, each chunk's labels and the
alerts they owe written in one transaction) is the public API's; this step keeps one
classifier per process and configuration and turns the settings into its arguments.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from spacebrief.alerts.config import destination_for
from spacebrief.classifiers.classifier import Classifier
from spacebrief.core import ClassifySummary, classify_pending, slack_bars
from spacebrief.core import load_classifier as load_classifier_from
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps import ProgressCallback
from spacebrief.flows.steps.english_step import read_in_english
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse import labels as label_store

if TYPE_CHECKING:
    from spacebrief.classifiers.evaluation import LabelledItem

__all__ = [
    "ClassifySummary",
    "alert_bars",
    "alert_destination",
    "classify",
    "head_path",
    "labelled_feed_items",
    "load_classifier",
    "news_since",
    "train",
]

log = logging.getLogger(__name__)

_loaded: dict[tuple[Path, Path, float], Classifier] = {}


def alert_bars(
    settings: Settings, classifier_bars: Mapping[str, float] | None = None
) -> dict[str, float]:
    """The Slack bar of each watch-list trend: `SPACEBRIEF_ALERT_THRESHOLDS`, else
    `SPACEBRIEF_ALERT_DEFAULT_THRESHOLD`, else the bar shipped with the configured head
    (read from its file: no model is loaded)."""
    if classifier_bars is None:
        from spacebrief.classifiers.head import load_head

        path = head_path(settings)
        classifier_bars = load_head(path if path.exists() else None).slack_bars()
    return slack_bars(classifier_bars, settings.alert_thresholds, settings.alert_default_threshold)


def labelled_feed_items(labels: Path, feeds: Path) -> list[LabelledItem]:
    """Feed labels joined with the text of the recorded feeds they point at, read the way
    ingest reads them (so eval sees what the classifier would see in a run)."""
    from spacebrief.classifiers.evaluation import LabelledItem, read_feed_labels
    from spacebrief.classifiers.exceptions import ClassifierError
    from spacebrief.ingest import clean_text, parse_feed

    parsed: dict[str, list] = {}
    items = []
    for label in read_feed_labels(labels):
        if label.feed not in parsed:
            path = feeds / label.feed
            if not path.is_file():
                raise ClassifierError(f"{path} (named in {labels}) does not exist.")
            feed = parse_feed(path.read_bytes(), {}, path.resolve().as_uri())
            parsed[label.feed] = list(feed.entries)
        entries = parsed[label.feed]
        if not 0 <= label.entry < len(entries):
            raise ClassifierError(f"{label.feed} has no entry {label.entry} (labels: {labels}).")
        entry = entries[label.entry]
        items.append(
            LabelledItem(
                id=f"{label.feed}#{label.entry}",
                title=clean_text(entry.title),
                summary=clean_text(entry.summary) or clean_text(entry.content),
                language=entry.language,
                relevant=label.relevant,
                labels=label.labels,
            )
        )
    return items


def head_path(settings: Settings) -> Path:
    """Where `spacebrief train` writes a head refitted with feedback (else the packaged one)."""
    return settings.home / "classifier" / "head.npz"


def load_classifier(settings: Settings) -> Classifier:
    """One classifier per process and configuration: the flows call this step repeatedly."""
    head = head_path(settings)
    key = (settings.taxonomy_path, head, head.stat().st_mtime if head.exists() else 0.0)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = load_classifier_from(settings.taxonomy_path, head)
    return _loaded[key]


def alert_destination(settings: Settings) -> str:
    return destination_for(
        settings.slack_bot_token is not None,
        settings.slack_channel,
        settings.slack_webhook_url is not None,
    )


def news_since(settings: Settings, now: datetime | None = None) -> datetime:
    """The start of the news horizon: older stories are held, not alerted."""
    return (now or datetime.now(UTC)) - timedelta(hours=settings.alert_news_horizon_hours)


def classify(
    warehouse: Warehouse,
    settings: Settings,
    *,
    relabel: bool = False,
    since: datetime | None = None,
    on_progress: ProgressCallback | None = None,
) -> ClassifySummary:
    """Label what the configured classifier has not labelled; owe the alerts they raise
    for stories that are news (published after `since`, default: the news horizon); then
    store an English reading of each new story not in English (for the alerts)."""
    summary = classify_pending(
        warehouse,
        classifier=load_classifier(settings),
        destination=alert_destination(settings),
        alert_thresholds=settings.alert_thresholds,
        default_alert_threshold=settings.alert_default_threshold,
        relabel=relabel,
        news_since=since or news_since(settings),
        on_progress=on_progress,
    )
    read_in_english(warehouse, settings)
    return summary


@dataclass(frozen=True)
class TrainSummary:
    examples: int
    feedback: int
    classifier_version: str
    label_threshold: float
    relevance_threshold: float
    tuned_on: str | None
    head_path: Path
    duration_seconds: float

    def describe(self) -> str:
        tuned = f"tuned on {self.tuned_on}" if self.tuned_on else "kept from the previous head"
        return (
            f"Fitted classifier {self.classifier_version} on {self.examples} example(s) "
            f"({self.feedback} from analyst feedback) in {self.duration_seconds:.1f} s; "
            f"thresholds {tuned} (labels {self.label_threshold:.3f}, relevance "
            f"{self.relevance_threshold:.3f}); saved to {self.head_path}."
        )


def train(
    warehouse: Warehouse,
    settings: Settings,
    *,
    tune_on: Path | None = None,
    output: Path | None = None,
    use_feedback: bool = True,
) -> TrainSummary:
    """Refit the head on written examples + taxonomy + the warehouse's feedback."""
    from spacebrief.classifiers.head import load_head, packaged_head_path
    from spacebrief.classifiers.taxonomy import load_taxonomy
    from spacebrief.classifiers.training import train_head

    started = time.monotonic()
    taxonomy = load_taxonomy(settings.taxonomy_path)
    feedback = []
    if use_feedback and warehouse.path.exists():
        with warehouse.read() as con:
            feedback = label_store.feedback_examples(con)
    output = output or head_path(settings)
    previous_path = output if output.exists() else packaged_head_path()
    previous = load_head(previous_path) if previous_path.exists() else None
    head = train_head(
        taxonomy,
        feedback=feedback,
        tune_on=tune_on,
        previous=previous,
        classifier=Classifier(taxonomy, load_head(packaged_head_path())),
    )
    head.save(output)
    _loaded.clear()
    return TrainSummary(
        examples=head.examples,
        feedback=len(feedback),
        classifier_version=head.version,
        label_threshold=head.label_threshold,
        relevance_threshold=head.relevance_threshold,
        tuned_on=str(tune_on) if tune_on else None,
        head_path=output,
        duration_seconds=time.monotonic() - started,
    )
