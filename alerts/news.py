"""Only news pings: an alert is owed while its story is new, not when a backlog turns up.

A story is news when its report was published (or, undated, first seen) within the news
horizon (`SPACEBRIEF_ALERT_NEWS_HORIZON_HOURS`, 48 h). Everything else the classifier or a
watch rule would alert on is recorded as `held`, with the reason, and never sent: a new
feed's backlog, a relabel after a promotion or a taxonomy bump, a new watch rule, a newly
configured destination. `spacebrief alerts --dry-run` and `v_watchlist` show what was
held and why.

The other half of "once" (a story alerted by the classifier is not alerted again by it for
another trend) needs the ledger's memory, so it lives with the ledger
(`warehouse.alerts.insert_pending_alerts`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from spacebrief.alerts.types import AlertCandidate

DEFAULT_NEWS_HORIZON = timedelta(hours=48)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def not_news_reason(news_at: datetime, since: datetime) -> str:
    return (
        f"not news: published {_utc(news_at):%Y-%m-%d %H:%M} UTC, before the news horizon "
        f"({_utc(since):%Y-%m-%d %H:%M} UTC)"
    )


def hold_what_is_not_news(
    candidates: Sequence[AlertCandidate], news_at: Mapping[str, datetime], since: datetime
) -> list[AlertCandidate]:
    """The candidates, those whose item is older than `since` marked held (with why).

    `news_at` maps item_id -> when the item was published (first seen when undated); an
    item missing from it is news. Muted candidates stay muted: that decision is older.
    """
    out = []
    for candidate in candidates:
        when = news_at.get(candidate.item_id)
        if candidate.owed and when is not None and _utc(when) < _utc(since):
            candidate = replace(candidate, held_because=not_news_reason(when, since))
        out.append(candidate)
    return out
