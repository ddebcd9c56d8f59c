"""One reading of Retry-After and one wait strategy, for every retry loop of the project."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from spacebrief.retry import (
    RetryAfterOrBackoff,
    backoff_with_jitter,
    parse_retry_after,
    retry_after_header,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("Sun, 22 Nov 2026 12:05:00 GMT", 300.0),  # IMF-fixdate
        ("Sunday, 22-Nov-26 12:00:30 GMT", 30.0),  # obsolete RFC 850
        ("Sun Nov 22 12:01:00 2026", 60.0),  # obsolete asctime
        ("Sun, 22 Nov 2026 14:00:00 +0200", 0.0),  # a zone other than GMT, read as such
        ("Sun, 22 Nov 2026 11:00:00 GMT", 0.0),  # already past: now
    ],
)
def test_seconds_and_http_dates_are_read(value, seconds):
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "12 s", "٣", "Sun, 99 Foo"])
def test_garbage_and_negative_values_are_ignored(value):
    assert parse_retry_after(value, NOW) is None


def test_a_date_is_measured_against_the_clock_by_default():
    assert parse_retry_after("Sun, 22 Nov 2026 12:05:00 GMT") == 0.0  # that day is past
    assert parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT") > 2_000_000_000


def test_headers_of_any_case_and_slack_sdks_lists_are_read():
    assert retry_after_header({"Retry-After": "3"}, NOW) == 3.0
    assert retry_after_header({"retry-after": ["Sun, 22 Nov 2026 12:00:09 GMT"]}, NOW) == 9.0
    assert retry_after_header({"content-type": "text/plain"}, NOW) is None


def test_the_backoff_doubles_up_to_its_cap_with_jitter_in_the_upper_half():
    random.seed(17)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 10.0)]:
        waits = [backoff_with_jitter(attempt, 0.5, 10.0) for _ in range(200)]
        assert ceiling / 2 <= min(waits) and max(waits) <= ceiling
        assert max(waits) - min(waits) > ceiling / 4, "no jitter"


class _Busy(Exception):
    def __init__(self, retry_after: float | None) -> None:
        super().__init__("busy")
        self.retry_after = retry_after


def _waits(hints: list[float | None]) -> list[float]:
    """The sleeps tenacity asks for when each failed attempt carries the given hint."""
    slept: list[float] = []
    remaining = list(hints)

    def call() -> str:
        if remaining:
            raise _Busy(remaining.pop(0))
        return "done"

    retrying = Retrying(
        retry=retry_if_exception_type(_Busy),
        wait=RetryAfterOrBackoff(0.1, 1.0),
        stop=stop_after_attempt(len(hints) + 1),
        sleep=slept.append,
    )
    assert retrying(call) == "done"
    return slept


def test_the_wait_is_the_servers_when_it_gave_one_and_the_backoff_otherwise():
    slept = _waits([7.0, None, 0.0, None])
    assert slept[0] == 7.0 and slept[2] == 0.0
    assert 0.1 <= slept[1] <= 0.2  # attempt 2: half to all of 0.2
    assert 0.4 <= slept[3] <= 0.8  # attempt 4: half to all of 0.8
