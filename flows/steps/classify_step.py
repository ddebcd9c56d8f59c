"""The classify step: label what the current classifier has not labelled, and owe alerts.

Items are classified in chunks with no warehouse connection open (the model is the slow
part), then each chunk's classifications, labels and alert-ledger rows are written in ONE
transaction, so a label never exists without the alert it owes, and a crash loses at most
the chunk in flight (which the next run picks up, since it is still pending).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from spacebrief.alerts.config import SLACK_PREFIX, destination_for
from spacebrief.alerts.rules import apply_rules, select_candidates
from spacebrief.alerts.types import AlertCandidate, RuleHit
from spacebrief.classifiers.classifier import Classifier
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps import ProgressCallback
from spacebrief.warehouse import alerts as alert_ledger
from spacebrief.warehouse import labels as label_store
from spacebrief.warehouse import watch_rules as rule_store

if TYPE_CHECKING:
    from spacebrief.classifiers.evaluation import LabelledItem
from spacebrief.warehouse import Connection, Warehouse, transaction

log = logging.getLogger(__name__)

CHUNK = 256
_loaded: dict[tuple[Path, Path, float], Classifier] = {}


@dataclass(frozen=True)
class ClassifySummary:
    classified: int
    relevant: int
    labels: int
    new_alerts: tuple[AlertCandidate, ...]
    duration_seconds: float
    classifier_version: str = ""
    taxonomy_version: str = ""
    relabel: bool = False

    def describe(self) -> str:
        if not self.classified:
            return (
                f"Nothing to classify: no stored item is waiting for classifier "
                f"{self.classifier_version} (taxonomy {self.taxonomy_version})."
            )
        verb = "Re-labelled" if self.relabel else "Classified"
        return (
            f"{verb} {self.classified} item(s) in {self.duration_seconds:.1f} s: "
            f"{self.relevant} on-theme, {self.labels} trend label(s), "
            f"{len(self.new_alerts)} new watch-list alert(s) owed."
        )


def alert_bars(settings: Settings, trend_ids: tuple[str, ...]) -> dict[str, float]:
    """The Slack bar of each watch-list trend (`SPACEBRIEF_ALERT_THRESHOLDS` first)."""
    bars = {}
    for trend_id in trend_ids:
        bar = settings.alert_thresholds.get(trend_id, settings.alert_default_threshold)
        if bar is not None:
            bars[trend_id] = bar
    return bars


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
        _loaded[key] = Classifier.load(settings.taxonomy_path, head)
    return _loaded[key]


def alert_destination(settings: Settings) -> str:
    return destination_for(
        settings.slack_bot_token is not None,
        settings.slack_channel,
        settings.slack_webhook_url is not None,
    )


def rule_hits(
    con: Connection, item_ids: Sequence[str], slack_bot: bool
) -> dict[str, list[RuleHit]]:
    """item_id -> the watch and mute rules it matches (SQL, in the caller's transaction).
    A rule's own channels apply only with a bot token (a webhook has one channel)."""
    rules = rule_store.list_rules(con)
    matches = rule_store.match_rules(con, rules, item_ids)
    hits: dict[str, list[RuleHit]] = {}
    for rule in rules:
        destinations = tuple(f"{SLACK_PREFIX}{c}" for c in rule.channels) if slack_bot else ()
        for item_id in matches.get(rule.name, ()):
            hits.setdefault(item_id, []).append(RuleHit(rule.name, rule.mute, destinations))
    return hits


def classify(
    warehouse: Warehouse,
    settings: Settings,
    *,
    relabel: bool = False,
    on_progress: ProgressCallback | None = None,
) -> ClassifySummary:
    started = time.monotonic()
    classifier = load_classifier(settings)
    destination = alert_destination(settings)
    versions = (classifier.version, classifier.taxonomy.version)
    with warehouse.write() as con:
        label_store.store_trends(con, classifier.taxonomy)
        pending = label_store.pending_items(con, *versions, relabel=relabel)
    total = len(pending.items)
    relevant = labels = 0
    new_alerts: list[AlertCandidate] = []
    if on_progress:
        on_progress(0, total)
    for start in range(0, total, CHUNK):
        chunk = pending.items[start : start + CHUNK]
        classifications = classifier.classify(chunk)
        candidates = select_candidates(
            classifications,
            pending.clusters,
            settings.alert_thresholds,
            settings.alert_default_threshold,
            destination,
        )
        with warehouse.write() as con, transaction(con):
            labels += label_store.store_classifications(con, classifications)
            hits = rule_hits(
                con, [c.item_id for c in classifications], settings.slack_bot_token is not None
            )
            ruled = apply_rules(candidates, classifications, pending.clusters, hits, destination)
            inserted = alert_ledger.insert_pending_alerts(con, ruled)
            new_alerts.extend(c for c in inserted if not c.muted)
        relevant += sum(c.relevant for c in classifications)
        if on_progress:
            on_progress(min(start + CHUNK, total), total)
    summary = ClassifySummary(
        classified=total,
        relevant=relevant,
        labels=labels,
        new_alerts=tuple(new_alerts),
        duration_seconds=time.monotonic() - started,
        classifier_version=versions[0],
        taxonomy_version=versions[1],
        relabel=relabel,
    )
    log.info(summary.describe())
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
    head = train_head(taxonomy, feedback=feedback, tune_on=tune_on, previous=previous)
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
