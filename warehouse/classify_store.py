"""The warehouse as the classify loop's store (`classifiers.pending.ClassificationStore`).

Each batch's classifications, labels and the alert-ledger rows they owe are written in
ONE transaction, so a label never exists without the alert it owes; the actors its items
name and the stories they join (`warehouse.stories`) go in it too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from spacebrief.alerts.config import OUTBOX, SLACK_PREFIX
from spacebrief.classifiers.types import Classification
from spacebrief.warehouse.db import Warehouse

if TYPE_CHECKING:
    from spacebrief.alerts.types import AlertCandidate
    from spacebrief.classifiers.pending import PendingItems
    from spacebrief.classifiers.types import Taxonomy

# No bar for every trend at once: each watch trend's own, chosen on held-out folds of our
# examples and shipped with the classifier (docs/classifier.md, Slack bars).
DEFAULT_ALERT_THRESHOLD: float | None = None


class WarehouseClassificationStore:
    """The warehouse as the classify loop's store. Only news pings: a story published
    (first seen, when undated) before `news_since` owes a `held` row, never a message.
    The new alerts owed are kept in `new_alerts`, the held ones in `held_alerts`, for the
    caller to report.
    """

    def __init__(
        self,
        warehouse: Warehouse,
        *,
        destination: str = OUTBOX,
        alert_thresholds: Mapping[str, float] | None = None,
        default_alert_threshold: float | None = DEFAULT_ALERT_THRESHOLD,
        news_since: datetime | None = None,
    ) -> None:
        from spacebrief.alerts.news import DEFAULT_NEWS_HORIZON

        self.warehouse = warehouse
        self.destination = destination
        self.thresholds = dict(alert_thresholds or {})
        self.default_threshold = default_alert_threshold
        self.news_since = news_since or datetime.now(UTC) - DEFAULT_NEWS_HORIZON
        self.new_alerts: list[AlertCandidate] = []
        self.held_alerts: list[AlertCandidate] = []

    def pending_items(
        self, taxonomy: Taxonomy, classifier_version: str, *, relabel: bool
    ) -> PendingItems:
        from spacebrief.warehouse.labels import pending_items, store_trends

        with self.warehouse.write() as con:
            store_trends(con, taxonomy)
            return pending_items(con, classifier_version, taxonomy.version, relabel=relabel)

    def store_classifications(
        self, classifications: Sequence[Classification], clusters: Mapping[str, str]
    ) -> int:
        from spacebrief.alerts.news import hold_what_is_not_news
        from spacebrief.alerts.rules import apply_rules, select_candidates
        from spacebrief.warehouse.alerts import insert_pending_alerts
        from spacebrief.warehouse.db import transaction
        from spacebrief.warehouse.items import news_times
        from spacebrief.warehouse.labels import first_classified_at, store_classifications
        from spacebrief.warehouse.stories import read_for_the_room
        from spacebrief.warehouse.watch_rules import rule_hits

        destination = self.destination
        ids = [c.item_id for c in classifications]
        candidates = select_candidates(
            classifications, clusters, self.thresholds, self.default_threshold, destination
        )
        with self.warehouse.write() as con, transaction(con):
            classified_before = first_classified_at(con, ids)
            labels = store_classifications(con, classifications)
            read_for_the_room(con, [c.item_id for c in classifications])
            hits = rule_hits(
                con,
                ids,
                destination.startswith(SLACK_PREFIX),
                classified_before=classified_before,
            )
            ruled = apply_rules(candidates, classifications, clusters, hits, destination)
            ruled = hold_what_is_not_news(ruled, news_times(con, ids), self.news_since)
            inserted = insert_pending_alerts(con, ruled)
        self.new_alerts.extend(c for c in inserted if c.owed)
        self.held_alerts.extend(c for c in inserted if c.held)
        return labels
