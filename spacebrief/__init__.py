"""spacebrief: news monitoring for space cooperation among China, Russia and the Global South.

The public API is what `__all__` lists; everything else (`spacebrief.<folder>.<module>`,
`spacebrief._<area>`) may change between releases. `open()` gives one handle with every
operation on it, as reader's `make_reader` gives one `Reader`:

    import spacebrief

    with spacebrief.open("spacebrief.duckdb") as sb:
        sb.ingest("seeds/sources.yaml")
        sb.classify()
        edition = sb.write_edition(day=date(2025, 3, 24))
        sb.deliver_alerts()   # the JSON-lines outbox beside the file, unless Slack is set

The records it takes and returns are plain dataclasses and pydantic models, exported
here with every exception it raises on purpose (the tree is drawn in
`spacebrief.exceptions`). Names load on first use (PEP 562), so `import spacebrief`
costs a few milliseconds and pulls in neither DuckDB nor the encoder until a name
needs them.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # not `typing`'s: importing typing would double this module's cost

# name -> the module that defines it
_EXPORTS: dict[str, str] = {
    # the handle, and what it takes and returns
    "open": "spacebrief.core",
    "Spacebrief": "spacebrief.core",
    "load_classifier": "spacebrief.core",
    "Settings": "spacebrief.settings",
    "load_settings": "spacebrief.settings",
    "IngestSummary": "spacebrief.ingest.engine",
    "ClassifySummary": "spacebrief._classify",
    "AlertsSummary": "spacebrief._alerts",
    "HeldLabel": "spacebrief._alerts",
    "SearchResult": "spacebrief._alerts",
    "EditionSummary": "spacebrief._editions",
    "EmailSummary": "spacebrief._editions",
    "Feedback": "spacebrief._learning",
    "TrainSummary": "spacebrief._learning",
    "PromotionSummary": "spacebrief._learning",
    "CatalogEdit": "spacebrief._ingest",
    "Source": "spacebrief.ingest.types",
    "Item": "spacebrief.ingest.types",
    "SourceHealth": "spacebrief.warehouse.sources",
    "TextItem": "spacebrief.classifiers.types",
    "Classification": "spacebrief.classifiers.types",
    "TrendScore": "spacebrief.classifiers.types",
    "Classifier": "spacebrief.classifiers.classifier",
    "EvalReport": "spacebrief.classifiers.evaluation",
    "StreamMeasures": "spacebrief.classifiers.evaluation",
    "GoalMeasures": "spacebrief.classifiers.evaluation",
    "Edition": "spacebrief.digest.types",
    "EditionHighlights": "spacebrief.alerts.edition",
    "AlertCandidate": "spacebrief.alerts.types",
    "PlannedMessage": "spacebrief.alerts.delivery",
    "Click": "spacebrief.alerts.feedback",
    "ClickOutcome": "spacebrief.alerts.feedback",
    "FeedbackListener": "spacebrief.alerts.socket_listener",
    "QueryResult": "spacebrief.warehouse.query",
    "WatchRule": "spacebrief.warehouse.watch_rules",
    "RuleMatch": "spacebrief.warehouse.watch_rules",
    "TrainAttemptRow": "spacebrief.warehouse.train_attempts",
    "BackfillReport": "spacebrief.warehouse.stories",
    "Warehouse": "spacebrief.warehouse.db",
    "FetchPolicy": "spacebrief.ingest._fetch",
    "Transport": "spacebrief.alerts.transports",
    "OutboxTransport": "spacebrief.alerts.transports",
    "SlackBotTransport": "spacebrief.alerts.transports",
    "WebhookTransport": "spacebrief.alerts.transports",
    # errors: the whole tree of spacebrief.exceptions
    "SpacebriefError": "spacebrief.exceptions",
    "ConfigurationError": "spacebrief.exceptions",
    "ServeError": "spacebrief.exceptions",
    "IngestError": "spacebrief.ingest.exceptions",
    "TargetRefused": "spacebrief.ingest.exceptions",
    "ClassifierError": "spacebrief.classifiers.exceptions",
    "MissingExtra": "spacebrief.classifiers.exceptions",
    "DigestError": "spacebrief.digest.exceptions",
    "AlertsError": "spacebrief.alerts.exceptions",
    "SlackConfigurationError": "spacebrief.alerts.exceptions",
    "RateLimited": "spacebrief.alerts.exceptions",
    "DeliveryUncertain": "spacebrief.alerts.exceptions",
    "MessageRejected": "spacebrief.alerts.exceptions",
    "ReconcileFailed": "spacebrief.alerts.exceptions",
    "AlertsNotDelivered": "spacebrief.alerts.exceptions",
    "EmailError": "spacebrief.alerts.exceptions",
    "EmailConfigurationError": "spacebrief.alerts.exceptions",
    "EmailUnreachable": "spacebrief.alerts.exceptions",
    "RecipientRefused": "spacebrief.alerts.exceptions",
    "WarehouseError": "spacebrief.warehouse.exceptions",
    "WarehouseLocked": "spacebrief.warehouse.exceptions",
    "WarehouseDamaged": "spacebrief.warehouse.exceptions",
    "QueryError": "spacebrief.warehouse.exceptions",
    "RuleQueryError": "spacebrief.warehouse.exceptions",
    "WebError": "spacebrief.web.exceptions",
}

__all__ = [
    "AlertCandidate",
    "AlertsError",
    "AlertsNotDelivered",
    "AlertsSummary",
    "BackfillReport",
    "CatalogEdit",
    "Classification",
    "Classifier",
    "ClassifierError",
    "ClassifySummary",
    "Click",
    "ClickOutcome",
    "ConfigurationError",
    "DeliveryUncertain",
    "DigestError",
    "Edition",
    "EditionHighlights",
    "EditionSummary",
    "EmailConfigurationError",
    "EmailError",
    "EmailSummary",
    "EmailUnreachable",
    "EvalReport",
    "Feedback",
    "FeedbackListener",
    "FetchPolicy",
    "GoalMeasures",
    "HeldLabel",
    "IngestError",
    "IngestSummary",
    "Item",
    "MessageRejected",
    "MissingExtra",
    "OutboxTransport",
    "PlannedMessage",
    "PromotionSummary",
    "QueryError",
    "QueryResult",
    "RateLimited",
    "RecipientRefused",
    "ReconcileFailed",
    "RuleMatch",
    "RuleQueryError",
    "SearchResult",
    "ServeError",
    "Settings",
    "SlackBotTransport",
    "SlackConfigurationError",
    "Source",
    "SourceHealth",
    "Spacebrief",
    "SpacebriefError",
    "StreamMeasures",
    "TargetRefused",
    "TextItem",
    "TrainAttemptRow",
    "TrainSummary",
    "Transport",
    "TrendScore",
    "Warehouse",
    "WarehouseDamaged",
    "WarehouseError",
    "WarehouseLocked",
    "WatchRule",
    "WebError",
    "WebhookTransport",
    "load_classifier",
    "load_settings",
    "open",
]

if TYPE_CHECKING:  # what a type checker and an editor see; at run time, __getattr__
    from spacebrief._alerts import AlertsSummary, HeldLabel, SearchResult
    from spacebrief._classify import ClassifySummary
    from spacebrief._editions import EditionSummary, EmailSummary
    from spacebrief._ingest import CatalogEdit
    from spacebrief._learning import Feedback, PromotionSummary, TrainSummary
    from spacebrief.alerts.delivery import PlannedMessage
    from spacebrief.alerts.edition import EditionHighlights
    from spacebrief.alerts.exceptions import (
        AlertsError,
        AlertsNotDelivered,
        DeliveryUncertain,
        EmailConfigurationError,
        EmailError,
        EmailUnreachable,
        MessageRejected,
        RateLimited,
        RecipientRefused,
        ReconcileFailed,
        SlackConfigurationError,
    )
    from spacebrief.alerts.feedback import Click, ClickOutcome
    from spacebrief.alerts.socket_listener import FeedbackListener
    from spacebrief.alerts.transports import (
        OutboxTransport,
        SlackBotTransport,
        Transport,
        WebhookTransport,
    )
    from spacebrief.alerts.types import AlertCandidate
    from spacebrief.classifiers.classifier import Classifier
    from spacebrief.classifiers.evaluation import EvalReport, GoalMeasures, StreamMeasures
    from spacebrief.classifiers.exceptions import ClassifierError, MissingExtra
    from spacebrief.classifiers.types import Classification, TextItem, TrendScore
    from spacebrief.core import Spacebrief, load_classifier, open
    from spacebrief.digest.exceptions import DigestError
    from spacebrief.digest.types import Edition
    from spacebrief.exceptions import ConfigurationError, ServeError, SpacebriefError
    from spacebrief.ingest._fetch import FetchPolicy
    from spacebrief.ingest.engine import IngestSummary
    from spacebrief.ingest.exceptions import IngestError, TargetRefused
    from spacebrief.ingest.types import Item, Source
    from spacebrief.settings import Settings, load_settings
    from spacebrief.warehouse.db import Warehouse
    from spacebrief.warehouse.exceptions import (
        QueryError,
        RuleQueryError,
        WarehouseDamaged,
        WarehouseError,
        WarehouseLocked,
    )
    from spacebrief.warehouse.query import QueryResult
    from spacebrief.warehouse.sources import SourceHealth
    from spacebrief.warehouse.stories import BackfillReport
    from spacebrief.warehouse.train_attempts import TrainAttemptRow
    from spacebrief.warehouse.watch_rules import RuleMatch, WatchRule
    from spacebrief.web.exceptions import WebError


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'spacebrief' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
