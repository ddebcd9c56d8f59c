"""Waiting before trying again: the server's `Retry-After`, else backoff with jitter.

One parser of `Retry-After` and one wait strategy, for every loop that retries a call to
another machine (the feed fetcher in ingest, the Slack post and the Socket Mode reconnect
in alerts, the warehouse's lock wait); the loops themselves are tenacity's `Retrying`, so
none is written by hand. Like `spacebrief.untrusted`, this module imports nothing from
the project's folders, so any folder may import it without a new edge in the import graph.

`Retry-After` (RFC 9110 §10.2.3) is either delay-seconds (a non-negative integer) or an
HTTP-date; a date already past means "now" (0 s); anything else (a negative number, a
fraction, prose) is ignored, as if the header were absent. There is no cap here: each
caller bounds the wait by its own budget (the fetcher's 30 s per source, the Slack run's
total rate-limit wait) and says so when the server asks for more.

The backoff is exponential with "equal jitter": attempt n waits between half and all of
`min(maximum, first * 2**(n-1))`, so retries never come sooner than half the schedule
and several spacebrief processes that failed together do not retry in step.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from tenacity import RetryCallState
from tenacity.wait import wait_base

__all__ = [
    "RetryAfterOrBackoff",
    "backoff_with_jitter",
    "parse_http_date",
    "parse_retry_after",
    "retry_after_header",
]


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP-date (IMF-fixdate, or the obsolete RFC 850 and asctime forms) in UTC."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value (delay-seconds or an HTTP-date), or None.

    `now` is the clock a date is measured against (default: the current time).
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text)
    when = parse_http_date(text)
    if when is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def retry_after_header(headers: Mapping[str, Any], now: datetime | None = None) -> float | None:
    """`parse_retry_after` of a header mapping of any case; a list value (slack-sdk's
    headers) gives its first item."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            return parse_retry_after(raw if isinstance(raw, str) else None, now)
    return None


def backoff_with_jitter(attempt: int, first: float, maximum: float) -> float:
    """The wait after failed attempt number `attempt` (1, 2, ...): see the module notes."""
    ceiling = min(maximum, first * 2 ** max(attempt - 1, 0))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _server_hint(state: RetryCallState) -> float | None:
    """The `retry_after` the last attempt carried: on its exception, or on its result."""
    outcome = state.outcome
    if outcome is None:
        return None
    carrier = outcome.exception() if outcome.failed else outcome.result()
    hint = getattr(carrier, "retry_after", None)
    return float(hint) if isinstance(hint, int | float) and hint >= 0 else None


class RetryAfterOrBackoff(wait_base):
    """tenacity wait: the server's `Retry-After` when the last attempt carried one (as a
    `retry_after` attribute of the exception it raised or the value it returned), else
    `backoff_with_jitter`. Pair it with `stop_before_delay` to refuse a wait past a budget.
    """

    def __init__(self, first: float, maximum: float) -> None:
        self.first = first
        self.maximum = maximum

    def __call__(self, retry_state: RetryCallState) -> float:
        hint = _server_hint(retry_state)
        if hint is not None:
            return hint
        return backoff_with_jitter(retry_state.attempt_number, self.first, self.maximum)
