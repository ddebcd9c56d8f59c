"""The classify loop, written once: which items to classify, in which batches, stored how.

`label_pending` asks a store for the items the current classifier has not labelled
(every item with `relabel`), cuts them into batches, has each batch classified and hands
each batch's classifications back to the store as soon as they arrive, so a crash loses
at most the batches in flight (they are still pending for the next run).

Where the model runs is the caller's choice: by default in this process, one batch after
another; `flows/dask_classify.py` passes a `map_batches` that sends the batches to Dask
workers at once. What a stored batch owes beyond its labels (alert-ledger rows: the
store in `spacebrief.core`) is the store's business: this module knows neither the
warehouse nor alerts. `spacebrief.classify_pending` is this loop on the warehouse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from spacebrief.classifiers.types import Classification, Taxonomy, TextItem

BATCH_SIZE = 256
Progress = Callable[[int, int], None]
# Classifies the batches and yields each one's classifications, in the batches' order.
BatchMap = Callable[[Sequence[Sequence[TextItem]]], Iterable[Sequence[Classification]]]


@dataclass(frozen=True)
class PendingItems:
    """Items to classify, and the story cluster of each (alerts go one per story)."""

    items: tuple[TextItem, ...]
    clusters: dict[str, str]


class ItemClassifier(Protocol):
    """What the loop needs of a classifier (`classifiers.classifier.Classifier` is one)."""

    @property
    def version(self) -> str: ...

    @property
    def taxonomy(self) -> Taxonomy: ...

    def classify(self, items: Sequence[TextItem]) -> Sequence[Classification]: ...


class ClassificationStore(Protocol):
    """Where the items come from and the classifications go (the warehouse, in flows/)."""

    def pending_items(
        self, taxonomy: Taxonomy, classifier_version: str, *, relabel: bool
    ) -> PendingItems:
        """Record the taxonomy's trends, then the items these versions have not classified
        (every item when `relabel`), oldest first."""
        ...

    def store_classifications(
        self, classifications: Sequence[Classification], clusters: Mapping[str, str]
    ) -> int:
        """Store one batch (replacing earlier rows of the same versions) with whatever it
        owes, in one transaction; returns the labels written."""
        ...


@dataclass(frozen=True)
class ClassifyRun:
    """What one pass of the loop did."""

    classified: int
    relevant: int
    labels: int
    batches: int
    classifier_version: str
    taxonomy_version: str
    relabel: bool


def split(items: Sequence[TextItem], batches: int) -> list[list[TextItem]]:
    """Near-equal contiguous batches, none empty (one per worker of a cluster)."""
    if not items:
        return []
    batches = max(1, min(batches, len(items)))
    size, extra = divmod(len(items), batches)
    out, start = [], 0
    for index in range(batches):
        end = start + size + (1 if index < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out


def chunk(items: Sequence[TextItem], size: int) -> list[list[TextItem]]:
    """Contiguous batches of `size` items (the last one shorter), none empty."""
    size = max(1, size)
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def label_pending(
    classifier: ItemClassifier,
    store: ClassificationStore,
    *,
    relabel: bool = False,
    batch_size: int = BATCH_SIZE,
    batches: int | None = None,
    map_batches: BatchMap | None = None,
    progress: Progress | None = None,
) -> ClassifyRun:
    """Classify what is pending and store it batch by batch.

    Batches are `batch_size` items, or `batches` near-equal parts when given (a cluster
    wants one per worker). `map_batches` runs the model (default: here, in order).
    """
    taxonomy = classifier.taxonomy
    pending = store.pending_items(taxonomy, classifier.version, relabel=relabel)
    parts = split(pending.items, batches) if batches else chunk(pending.items, batch_size)
    total = len(pending.items)
    relevant = labels = done = 0
    if progress:
        progress(0, total)
    classified = (map_batches or _in_process(classifier))(parts)
    for part, classifications in zip(parts, classified, strict=True):
        labels += store.store_classifications(classifications, pending.clusters)
        relevant += sum(c.relevant for c in classifications)
        done += len(part)
        if progress:
            progress(done, total)
    return ClassifyRun(
        classified=total,
        relevant=relevant,
        labels=labels,
        batches=len(parts),
        classifier_version=classifier.version,
        taxonomy_version=taxonomy.version,
        relabel=relabel,
    )


def _in_process(classifier: ItemClassifier) -> BatchMap:
    def classify_each(parts: Sequence[Sequence[TextItem]]) -> Iterator[Sequence[Classification]]:
        for part in parts:
            yield classifier.classify(part)

    return classify_each
