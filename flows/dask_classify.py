"""Classification spread over a Dask cluster: the first step past one machine.

The model is the slow part of classify, and it is embarrassingly parallel: the loop is
`Spacebrief.classify` (which items, relabel, batching, the alerts owed); this module only
maps its batches onto Dask workers through `prefect-dask`'s `DaskTaskRunner`. Each worker
runs the pure classifier; the flow writes each batch's results (and the alerts they owe)
in one transaction from its own process, so DuckDB still sees a single writer.
`with_cluster(address)` runs it on a real cluster (`tcp://scheduler:8786`); by default a
local one is created. docs/scaling.md says when this is worth it. prefect-dask is the
`dask` extra (`pip install 'spacebrief[dask]'`): it is imported when a cluster is asked
for, so this module imports without it and a missing extra is one sentence naming it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

import spacebrief
from spacebrief import Classification, TextItem
from spacebrief.classifiers.extras import import_extra
from spacebrief.flows.events import emit_watchlist_detected

__all__ = [
    "DaskClassifyReport",
    "classify_batch",
    "classify_on_dask",
    "classify_on_dask_flow",
    "dask_task_runner",
    "with_cluster",
]

LOCAL_CLUSTER = {"n_workers": 2, "threads_per_worker": 1, "processes": False}


@task(name="classify-batch", cache_policy=NO_CACHE, persist_result=False)
def classify_batch(
    items: list[TextItem], taxonomy_path: str, head: str
) -> tuple[str, list[Classification]]:
    """Runs on a Dask worker: the pure classifier, no warehouse; says which worker it was.
    The worker keeps one model in `spacebrief.load_classifier`'s cache, keyed on the head
    file's modification time: a head promoted meanwhile is loaded at the next batch."""
    from distributed import get_worker

    classifier = spacebrief.load_classifier(taxonomy_path, head)
    return get_worker().address, list(classifier.classify(items))


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


@flow(name="classify-on-dask", persist_result=False)
def classify_on_dask_flow(batches: int = 2, relabel: bool = False) -> DaskClassifyReport:
    """`Spacebrief.classify` with its batches mapped onto Dask workers; `with_cluster`
    gives the flow its Dask task runner."""
    sb = spacebrief.open(settings=spacebrief.load_settings())
    taxonomy_path, head = str(sb.settings.taxonomy_path), str(sb.head_path)
    workers: set[str] = set()

    def on_dask(parts: Sequence[Sequence[TextItem]]) -> Iterator[list[Classification]]:
        """Every batch submitted at once; the results come back in the batches' order."""
        futures = [classify_batch.submit(list(part), taxonomy_path, head) for part in parts]
        for future in futures:
            worker, classifications = future.result()
            workers.add(worker)
            yield classifications

    summary = sb.classify(relabel=relabel, batches=batches, map_batches=on_dask)
    emit_watchlist_detected(summary.new_alerts)
    report = DaskClassifyReport(
        summary.classified,
        summary.batches,
        summary.labels,
        len(summary.new_alerts),
        tuple(sorted(workers)),
    )
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


def classify_on_dask(batches: int = 2, relabel: bool = False) -> DaskClassifyReport:
    """The flow on a local 2-worker cluster (LOCAL_CLUSTER)."""
    return with_cluster()(batches=batches, relabel=relabel)
