"""spacebrief: news monitoring for space cooperation among China, Russia and the Global South.

The public API is what `__all__` lists; everything else (`spacebrief.<folder>.<module>`)
may change between releases. A whole cycle:

    import spacebrief

    warehouse = spacebrief.open_warehouse("spacebrief.duckdb")
    spacebrief.ingest_feeds(warehouse, "seeds/sources.yaml")
    spacebrief.classify_pending(warehouse)
    edition = spacebrief.build_edition(warehouse, day=date(2025, 3, 24))
    spacebrief.deliver_pending_alerts(warehouse)   # the JSON-lines outbox by default

The functions live in `spacebrief.core`; the records they take and return are the
folders' own (an `Item` is ingest's, a `Classification` the classifier's), re-exported.
Names load on first use (PEP 562), so `import spacebrief` costs a few milliseconds and
pulls in neither DuckDB nor the encoder until a function needs them.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # not `typing`'s: importing typing would double this module's cost

# name -> the module that defines it
_EXPORTS: dict[str, str] = {
    # functions
    "open_warehouse": "spacebrief.core",
    "ingest_feeds": "spacebrief.core",
    "read_items": "spacebrief.core",
    "read_classifications": "spacebrief.core",
    "load_classifier": "spacebrief.core",
    "classify_texts": "spacebrief.core",
    "classify_pending": "spacebrief.core",
    "build_edition": "spacebrief.core",
    "deliver_pending_alerts": "spacebrief.core",
    "destination_of": "spacebrief.core",
    # what they return
    "ClassifySummary": "spacebrief.core",
    "IngestSummary": "spacebrief.ingest.engine",
    "Warehouse": "spacebrief.warehouse.db",
    "Source": "spacebrief.ingest.types",
    "Item": "spacebrief.ingest.types",
    "TextItem": "spacebrief.classifiers.types",
    "Classification": "spacebrief.classifiers.types",
    "TrendScore": "spacebrief.classifiers.types",
    "Classifier": "spacebrief.classifiers.classifier",
    "Edition": "spacebrief.digest.types",
    "DeliveryReport": "spacebrief.alerts.delivery",
    # what ingest and delivery take
    "FetchPolicy": "spacebrief.ingest._fetch",
    "Limits": "spacebrief.alerts.delivery",
    "Transport": "spacebrief.alerts.transports",
    "OutboxTransport": "spacebrief.alerts.transports",
    "SlackBotTransport": "spacebrief.alerts.transports",
    "WebhookTransport": "spacebrief.alerts.transports",
    # errors
    "SpacebriefError": "spacebrief.exceptions",
}

__all__ = [
    "Classification",
    "Classifier",
    "ClassifySummary",
    "DeliveryReport",
    "Edition",
    "FetchPolicy",
    "IngestSummary",
    "Item",
    "Limits",
    "OutboxTransport",
    "SlackBotTransport",
    "Source",
    "SpacebriefError",
    "TextItem",
    "Transport",
    "TrendScore",
    "Warehouse",
    "WebhookTransport",
    "build_edition",
    "classify_pending",
    "classify_texts",
    "deliver_pending_alerts",
    "destination_of",
    "ingest_feeds",
    "load_classifier",
    "open_warehouse",
    "read_classifications",
    "read_items",
]

if TYPE_CHECKING:  # what a type checker and an editor see; at run time, __getattr__
    from spacebrief.alerts.delivery import DeliveryReport, Limits
    from spacebrief.alerts.transports import (
        OutboxTransport,
        SlackBotTransport,
        Transport,
        WebhookTransport,
    )
    from spacebrief.classifiers.classifier import Classifier
    from spacebrief.classifiers.types import Classification, TextItem, TrendScore
    from spacebrief.core import (
        ClassifySummary,
        build_edition,
        classify_pending,
        classify_texts,
        deliver_pending_alerts,
        destination_of,
        ingest_feeds,
        load_classifier,
        open_warehouse,
        read_classifications,
        read_items,
    )
    from spacebrief.digest.types import Edition
    from spacebrief.exceptions import SpacebriefError
    from spacebrief.ingest import FetchPolicy
    from spacebrief.ingest.engine import IngestSummary
    from spacebrief.ingest.types import Item, Source
    from spacebrief.warehouse.db import Warehouse


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'spacebrief' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
