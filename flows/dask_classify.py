"""Classification spread over a Dask cluster: the first step past one machine.

The model is the slow part of classify, and it is embarrassingly parallel: batches of
items go to Dask workers through `prefect-dask`'s `DaskTaskRunner`, each worker runs the
pure classifier, and the flow writes every result in ONE transaction from its own
process, so DuckDB still sees a single writer. Pass `cluster_address` (a
`tcp://scheduler:8786`) to use a real cluster; by default a local one is created.
docs/scaling.md says when this is worth it. prefect-dask is the `dask` extra
(`pip install 'spacebrief[dask]'`): it is imported when a cluster is asked for, so this
module imports without it and a missing extra is one sentence naming it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from spacebrief.alerts.rules import apply_rules, select_candidates
from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.extras import import_extra
from spacebrief.classifiers.types import Classification, TextItem
from spacebrief.flows.events import emit_watchlist_detected
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps.classify_step import alert_destination, head_path, rule_hits
from spacebrief.flows.write_lock import warehouse_write_lock
from spacebrief.warehouse import alerts as alert_ledger
from spacebrief.warehouse import labels as label_store
from spacebrief.warehouse import transaction

LOCAL_CLUSTER = {"n_workers": 2, "threads_per_worker": 1, "processes": False}

_classifiers: dict[tuple[str, str], Classifier] = {}
_loading = threading.Lock()


def _classifier(taxonomy_path: str, head: str) -> Classifier:
    """One classifier per worker process (threads of a worker share it)."""
    with _loading:
        key = (taxonomy_path, head)
        if key not in _classifiers:
            _classifiers[key] = Classifier.load(Path(taxonomy_path), Path(head))
        return _classifiers[key]


@task(name="classify-batch", cache_policy=NO_CACHE, persist_result=False)
def classify_batch(
    items: list[TextItem], taxonomy_path: str, head: str
) -> tuple[str, list[Classification]]:
    """Runs on a Dask worker: the pure classifier, no warehouse; says which worker it was."""
    from distributed import get_worker

    return get_worker().address, _classifier(taxonomy_path, head).classify(items)


@dataclass(frozen=True)
class DaskClassifyReport:
    classified: int
    batches: int
    labels: int
    new_alerts: int
    workers: tuple[str, ...] = ()

    def describe(self) -> str:
        return (
            f"Classified {self.classified} item(s) in {self.batches} parallel batch(es) on Dask: "
            f"{self.labels} trend label(s), {self.new_alerts} new watch-list alert(s) owed."
        )


def split(items: tuple[TextItem, ...], batches: int) -> list[list[TextItem]]:
    """Near-equal contiguous batches, none empty."""
    batches = max(1, min(batches, len(items)))
    size, extra = divmod(len(items), batches)
    out, start = [], 0
    for index in range(batches):
        end = start + size + (1 if index < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out


@flow(name="classify-on-dask", persist_result=False)
def classify_on_dask_flow(batches: int = 2) -> DaskClassifyReport:
    """The flow itself; `with_cluster` gives it its Dask task runner."""
    settings = Settings()
    warehouse = settings.warehouse()
    taxonomy_path, head = str(settings.taxonomy_path), str(head_path(settings))
    classifier = _classifier(taxonomy_path, head)
    versions = (classifier.version, classifier.taxonomy.version)
    with (
        warehouse_write_lock(settings.home, "spacebrief classify (dask)"),
        warehouse.write() as con,
    ):
        label_store.store_trends(con, classifier.taxonomy)
        pending = label_store.pending_items(con, *versions)
    parts = split(pending.items, batches) if pending.items else []
    futures = [classify_batch.submit(part, taxonomy_path, head) for part in parts]
    results = [future.result() for future in futures]
    workers = tuple(sorted({worker for worker, _ in results}))
    classifications: list[Classification] = [c for _, batch in results for c in batch]
    candidates = select_candidates(
        classifications,
        pending.clusters,
        settings.alert_thresholds,
        settings.alert_default_threshold,
        destination := alert_destination(settings),
    )
    labels, new_alerts = 0, []
    if classifications:
        with (
            warehouse_write_lock(settings.home, "spacebrief classify (dask)"),
            warehouse.write() as con,
            transaction(con),
        ):
            labels = label_store.store_classifications(con, classifications)
            hits = rule_hits(
                con, [c.item_id for c in classifications], settings.slack_bot_token is not None
            )
            ruled = apply_rules(candidates, classifications, pending.clusters, hits, destination)
            inserted = alert_ledger.insert_pending_alerts(con, ruled)
            new_alerts = [c for c in inserted if not c.muted]
    emit_watchlist_detected(new_alerts)
    report = DaskClassifyReport(len(classifications), len(parts), labels, len(new_alerts), workers)
    get_run_logger().info(report.describe())
    return report


def dask_task_runner(address: str | None = None, **cluster_kwargs: Any) -> Any:
    """A DaskTaskRunner on `address`, or on a local cluster (LOCAL_CLUSTER by default)."""
    prefect_dask = import_extra("prefect_dask", "dask")
    if address:
        return prefect_dask.DaskTaskRunner(address=address)
    return prefect_dask.DaskTaskRunner(cluster_kwargs=cluster_kwargs or LOCAL_CLUSTER)


def with_cluster(address: str | None = None, **cluster_kwargs: Any) -> Any:
    """The flow on an existing cluster (`address`) or a local one of another shape."""
    return classify_on_dask_flow.with_options(
        task_runner=dask_task_runner(address, **cluster_kwargs)
    )


def classify_on_dask(batches: int = 2) -> DaskClassifyReport:
    """The flow on a local 2-worker cluster (LOCAL_CLUSTER)."""
    return with_cluster()(batches=batches)
