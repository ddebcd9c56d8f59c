"""The Prefect events spacebrief emits, and deployment triggers that could listen for them.

Ingest says "new items arrived"; classify says "a watch-list story was detected". They
once started the classify and alerts deployments; `serve` now hands the work to a warm
task worker instead (`flows/background.py`, docs/scaling.md says why), and the events
stay as a record in the UI's event feed and a hook for anyone's own automations (the
triggers below). The warehouse stays the record of what happened; an event only says "go".

Resource ids are stable names (`spacebrief.ingest`, `spacebrief.story.<cluster>`) so the
Prefect UI's event feed groups them and the triggers can match on them.
"""

from __future__ import annotations

from collections.abc import Iterable

from prefect.events import DeploymentEventTrigger, emit_event

from spacebrief import AlertCandidate

ITEMS_INGESTED = "spacebrief.items.ingested"
WATCHLIST_DETECTED = "spacebrief.watchlist.detected"
INGEST_RESOURCE = "spacebrief.ingest"
STORY_RESOURCE_PREFIX = "spacebrief.story."


def emit_items_ingested(
    *, new_items: int, feeds: int, fetched: int, failed: int, new_item_ids: Iterable[str] = ()
) -> None:
    """Tell listeners that `new_items` items reached the warehouse (only sent when > 0)."""
    if new_items <= 0:
        return
    emit_event(
        event=ITEMS_INGESTED,
        resource={"prefect.resource.id": INGEST_RESOURCE, "prefect.resource.name": "ingest"},
        payload={
            "new_items": new_items,
            "feeds": feeds,
            "fetched": fetched,
            "failed": failed,
            # A sample, not the list: events are small, the warehouse has the rest.
            "new_item_ids": list(new_item_ids)[:50],
        },
    )


def emit_watchlist_detected(candidates: Iterable[AlertCandidate]) -> int:
    """One event per qualifying story and trend; returns how many were sent."""
    sent = 0
    for candidate in candidates:
        emit_event(
            event=WATCHLIST_DETECTED,
            resource={
                "prefect.resource.id": f"{STORY_RESOURCE_PREFIX}{candidate.cluster_id}",
                "prefect.resource.name": candidate.item_id,
                "spacebrief.trend": candidate.trend_id,
            },
            payload={
                "trend_id": candidate.trend_id,
                "item_id": candidate.item_id,
                "cluster_id": candidate.cluster_id,
                "score": round(float(candidate.score), 4),
                "destination": candidate.destination,
            },
        )
        sent += 1
    return sent


def items_ingested_trigger() -> DeploymentEventTrigger:
    """Start the classify deployment whenever ingest stored new items."""
    return DeploymentEventTrigger(
        name="classify when items are ingested",
        expect={ITEMS_INGESTED},
        match={"prefect.resource.id": INGEST_RESOURCE},
    )


def watchlist_detected_trigger() -> DeploymentEventTrigger:
    """Start the alerts deployment whenever classify found a watch-list story.

    Several stories detected by one classify run start several alerts runs; the first
    delivers everything pending and the others find nothing left, which costs seconds and
    keeps delivery independent of event ordering.
    """
    return DeploymentEventTrigger(
        name="alert when a watch-list story is detected",
        expect={WATCHLIST_DETECTED},
        match={"prefect.resource.id": f"{STORY_RESOURCE_PREFIX}*"},
    )
