"""Momentum: this window's stories against the mean of the earlier windows."""

from __future__ import annotations

from spacebrief.digest.momentum import contradiction, describe_change, measure, reading, sparkline


def test_sparkline_scales_to_the_busiest_window_and_keeps_zero_lowest() -> None:
    assert sparkline([0, 2, 4, 8]) == "▁▃▅█"
    assert sparkline([0, 0, 0]) == "▁▁▁"
    assert sparkline([1, 1]) == "██"


def test_a_clear_rise_is_up_and_a_clear_fall_is_down() -> None:
    up = measure([1, 1, 2, 0, 4])
    assert (up.direction, up.arrow, up.current, up.previous_mean) == ("up", "↑", 4, 1.0)
    down = measure([4, 4, 4, 4, 1])
    assert (down.direction, down.arrow) == ("down", "↓")


def test_small_wobbles_on_busy_trends_are_flat() -> None:
    assert measure([10, 10, 10, 10, 11]).direction == "flat"
    assert measure([3, 3, 3, 3, 3]).arrow == "→"


def test_coverage_after_silence_is_new_and_silence_stays_flat() -> None:
    assert measure([0, 0, 0, 0, 2]).direction == "new"
    assert measure([0, 0, 0, 0, 0]).direction == "flat"


def test_only_real_contradictions_are_stated() -> None:
    assert contradiction("declining", [0, 0, 1, 0, 3], 0, 4, 7) is None  # more evidence
    assert contradiction("rising", [4, 4, 4, 4, 1], 0, 4, 7) is None  # fewer, yet supported
    assert contradiction("watch", [0, 0, 0, 0, 1], 3, 4, 7) == (
        "Counter-evidence outweighs support this window: 3 stories against the statement, 1 for it."
    )
    assert contradiction("declining", [1, 1, 1, 1, 2], 2, 4, 7) is None  # a tie is no verdict
    assert contradiction("rising", [2, 3, 1, 0, 0], 0, 4, 7) == (
        "Listed as rising, but no story has supported it in the last 2 weeks; "
        "6 stories did in the 3 weeks before."
    )
    assert contradiction("rising", [2, 3, 1, 0, 0], 1, 4, 7) is None  # one verdict: no banner
    assert contradiction("rising", [2, 3, 1, 0, 0], 2, 4, 7) == (
        "Counter-evidence outweighs support this window: 2 stories against the statement, 0 for it."
    )
    assert contradiction("rising", [2, 3, 1, 1, 0], 0, 4, 7) is None  # one quiet window
    assert contradiction("rising", [0, 0, 0, 0, 0], 0, 4, 7) is None  # never supported
    assert contradiction("declining", [2, 3, 1, 0, 0], 0, 4, 7) is None


def test_rising_coverage_is_read_in_the_words_of_each_family() -> None:
    up, new, down, flat = (
        measure([1, 1, 1, 1, 4]),
        measure([0, 0, 0, 0, 2]),
        measure([4, 4, 4, 4, 1]),
        measure([3, 3]),
    )
    assert reading("declining", up) == reading("declining", new) == "more signs of the decline"
    assert reading("declining", down) == "fewer signs of the decline"
    assert reading("rising", up) == "gaining" and reading("rising", down) == "losing pace"
    assert reading("watch", up) == "more activity to watch"
    assert all(reading(f, m) for f in ("rising", "declining", "watch") for m in (flat, down))
    assert reading("declining", up, contested=True) == "more coverage, most of it against"


def test_movement_wording_names_the_window_unit() -> None:
    assert describe_change(measure([1, 1, 2, 0, 4]), 4, 7) == (
        "rose to 4 stories, from an average of 1 over the previous 4 weeks"
    )
    assert describe_change(measure([2, 2]), 1, 1) == (
        "held at 2 stories, against an average of 2 over the previous day"
    )
    assert "previous 2 14-day windows" in describe_change(measure([3, 3, 0]), 2, 14)
