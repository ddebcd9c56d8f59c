"""The handle's classifier: the one cache of loaded models, and the classify step.

A loaded classifier takes seconds and hundreds of megabytes, so every caller in a
process (the handle, the flows' tasks, a long-lived task worker, a Dask worker) gets it
from `cached_classifier`, keyed on what defines the model: the taxonomy file and its
version, and the head file with its inode, modification time and size. A refit that is
promoted, or an edited taxonomy with a new version, is a new key: the next call loads
the new model, and no worker keeps classifying with a demoted head.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from spacebrief.classifiers.types import Classification, TextItem

if TYPE_CHECKING:
    from spacebrief.alerts.types import AlertCandidate
    from spacebrief.classifiers.classifier import Classifier
    from spacebrief.classifiers.pending import BatchMap
    from spacebrief.core import ProgressCallback, Spacebrief
    from spacebrief.settings import Settings

log = logging.getLogger(__name__)

CLASSIFY_CHUNK = 256  # items classified, then written in one transaction
_ModelKey = tuple[str, str, str, int, int, int]
_loaded: dict[_ModelKey, Classifier] = {}
_loading = threading.Lock()


def _model_key(taxonomy_path: Path, head_path: Path) -> _ModelKey:
    from spacebrief.classifiers.head import packaged_head_path
    from spacebrief.classifiers.taxonomy import load_taxonomy

    head = head_path if head_path.exists() else packaged_head_path()
    stat = head.stat()
    version = load_taxonomy(taxonomy_path).version
    return (
        str(taxonomy_path.resolve()),
        version,
        str(head.resolve()),
        stat.st_ino,  # a promotion replaces the file: a new inode even within one mtime tick
        stat.st_mtime_ns,
        stat.st_size,
    )


def cached_classifier(
    taxonomy_path: str | PathLike[str] | None = None,
    head_path: str | PathLike[str] | None = None,
) -> Classifier:
    """The classifier for this taxonomy and head (default: the packaged ones; the packaged
    head too while `head_path` does not exist), loaded once per process and model."""
    from spacebrief.classifiers.classifier import Classifier
    from spacebrief.classifiers.head import packaged_head_path
    from spacebrief.classifiers.taxonomy import default_taxonomy_path

    taxonomy = Path(taxonomy_path) if taxonomy_path is not None else default_taxonomy_path()
    head = Path(head_path) if head_path is not None else packaged_head_path()
    with _loading:
        key = _model_key(taxonomy, head)
        if key not in _loaded:
            _loaded.clear()  # one model at a time: an old head is not kept alive
            _loaded[key] = Classifier.load(taxonomy, head)
        return _loaded[key]


def head_path(settings: Settings) -> Path:
    """Where a head refitted with feedback lives (until then, the packaged one is used)."""
    return settings.home / "classifier" / "head.npz"


def configured_classifier(settings: Settings) -> Classifier:
    return cached_classifier(settings.taxonomy_path, head_path(settings))


def slack_bars(
    classifier_bars: Mapping[str, float],
    alert_thresholds: Mapping[str, float] | None,
    default_alert_threshold: float | None,
) -> dict[str, float]:
    """Each trend's Slack bar: its own setting, else the default setting for all trends,
    else the classifier's bar for it (chosen on held-out folds, shipped with the head)."""
    bars = dict(classifier_bars) if default_alert_threshold is None else {}
    bars.update(alert_thresholds or {})
    return bars


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


def news_since(settings: Settings, now: datetime | None = None) -> datetime:
    """The start of the news horizon: older stories are held, not alerted."""
    return (now or datetime.now(UTC)) - timedelta(hours=settings.alert_news_horizon_hours)


@dataclass(frozen=True)
class ClassifySummary:
    """What a classify run did: counts, and the alerts it left owed in the ledger."""

    classified: int
    relevant: int
    labels: int
    new_alerts: tuple[AlertCandidate, ...]
    duration_seconds: float
    classifier_version: str = ""
    taxonomy_version: str = ""
    relabel: bool = False
    held_alerts: tuple[AlertCandidate, ...] = ()  # owed to nobody: not news, alerted already
    batches: int = 0
    english_readings: int = 0  # stories not in English given an English reading

    def describe(self) -> str:
        """One sentence for a person."""
        if not self.classified:
            return (
                f"Nothing to classify: no stored item is waiting for classifier "
                f"{self.classifier_version} (taxonomy {self.taxonomy_version})."
            )
        verb = "Re-labelled" if self.relabel else "Classified"
        held = ""
        if self.held_alerts:
            held = (
                f", {len(self.held_alerts)} held back (not news, or the story was alerted "
                "already: the alerts' dry run says which)"
            )
        return (
            f"{verb} {self.classified} item(s) in {self.duration_seconds:.1f} s: "
            f"{self.relevant} on-theme, {self.labels} trend label(s), "
            f"{len(self.new_alerts)} new watch-list alert(s) owed{held}."
        )


def classify(
    sb: Spacebrief,
    *,
    relabel: bool,
    news_start: datetime | None,
    batches: int | None,
    map_batches: BatchMap | None,
    on_progress: ProgressCallback | None,
) -> ClassifySummary:
    from spacebrief._alerts import destination
    from spacebrief.classifiers.pending import label_pending
    from spacebrief.warehouse.classify_store import WarehouseClassificationStore

    settings = sb.settings
    started = time.monotonic()
    classifier = configured_classifier(settings)
    store = WarehouseClassificationStore(
        sb.warehouse,
        destination=destination(settings),
        alert_thresholds=alert_bars(settings, classifier.alert_bars),
        default_alert_threshold=settings.alert_default_threshold,
        news_since=news_start or news_since(settings),
    )
    with sb.warehouse.exclusive("classify"):  # one at a time: no item classified twice
        run = label_pending(
            classifier,
            store,
            relabel=relabel,
            batch_size=CLASSIFY_CHUNK,
            batches=batches,
            map_batches=map_batches,
            progress=on_progress,
        )
    readings = read_in_english(sb)
    summary = ClassifySummary(
        classified=run.classified,
        relevant=run.relevant,
        labels=run.labels,
        new_alerts=tuple(store.new_alerts),
        held_alerts=tuple(store.held_alerts),
        duration_seconds=time.monotonic() - started,
        classifier_version=run.classifier_version,
        taxonomy_version=run.taxonomy_version,
        relabel=relabel,
        batches=run.batches,
        english_readings=readings,
    )
    log.info(summary.describe())
    return summary


def read_in_english(sb: Spacebrief) -> int:
    """Make and store the English readings owed (stories not in English, for the alerts
    and `v_items_english`); returns how many were written. With an LLM endpoint they are
    checked translations (a refused one falls back to a gist, not asked again until the
    model or the labels change)."""
    from spacebrief._editions import llm_endpoint
    from spacebrief.digest.english import english_reading
    from spacebrief.digest.llm import translated
    from spacebrief.warehouse import english as english_store
    from spacebrief.warehouse import transaction

    endpoint = llm_endpoint(sb.settings)
    method = f"llm:{endpoint.model}" if endpoint is not None else "gist"
    with sb.warehouse.read() as con:
        owed = english_store.owed_readings(con, method)
        statements = english_store.trend_statements(con) if owed else {}
    if not owed:
        return 0

    def translate(language: str, title: str, summary: str) -> tuple[str, str] | None:
        assert endpoint is not None
        return translated(endpoint, language, title, summary)

    rows = []
    for entry in owed:
        reading = english_reading(
            entry.item,
            statements=statements,
            translate=translate if endpoint is not None else None,
            stored=entry.translation,
        )
        rows.append((entry.item.item_id, reading, method, entry.classifier_version))
    with sb.warehouse.write() as con, transaction(con):
        english_store.save_readings(con, rows)
    kinds = [row[1].kind for row in rows]
    log.info(
        "Read %d story(ies) in English: %d translated, %d as a gist.",
        len(rows),
        kinds.count("translation"),
        kinds.count("gist"),
    )
    return len(rows)


def as_items(texts: Sequence[str | TextItem]) -> list[TextItem]:
    """A string is a title, its position its id; a `TextItem` keeps its own."""
    return [
        TextItem(id=str(index), title=text) if isinstance(text, str) else text
        for index, text in enumerate(texts)
    ]


def classify_texts(classifier: Classifier, texts: Sequence[str | TextItem]) -> list[Classification]:
    return list(classifier.classify(as_items(texts), with_embeddings=False))


def classify_lines(classifier: Classifier, input: Path) -> Iterator[Mapping[str, object]]:
    from spacebrief.classifiers.batch import classify_in_chunks, output_record, read_items

    for classification in classify_in_chunks(classifier, read_items(input)):
        yield output_record(classification)
