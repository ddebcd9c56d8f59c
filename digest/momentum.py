"""Trend momentum measured from coverage: this window against the windows before it.

The taxonomy says which trends the analysts expect to rise or decline; the counts say
what the news actually did. We measure distinct stories (not items), so one event
syndicated by ten outlets does not look like a surge. Each trend is a statement (a
declining trend states the decline), so rising coverage always means more evidence for
the statement; `reading` says what that is for each family.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacebrief.classifiers.types import TrendFamily
from spacebrief.digest.counter import DEFAULT_COUNTER_POLICY, CounterEvidencePolicy
from spacebrief.digest.types import Momentum

_BLOCKS = "▁▂▃▄▅▆▇█"
_ARROWS = {"up": "↑", "down": "↓", "flat": "→", "new": "↑"}


def sparkline(values: Sequence[int]) -> str:
    """One block per window; zero is the lowest block, the maximum the highest."""
    top = max(values, default=0)
    if top <= 0:
        return _BLOCKS[0] * len(values)
    steps = len(_BLOCKS) - 1
    return "".join(
        _BLOCKS[0] if v <= 0 else _BLOCKS[max(1, round(v / top * steps))] for v in values
    )


def measure(stories_oldest_first: Sequence[int]) -> Momentum:
    """Momentum of a trend from its stories per window (the edition's window last).

    "up"/"down" need both a relative change of a quarter and an absolute change of at
    least one story against the mean of the earlier windows, so a 1 -> 2 wobble on a
    quiet trend reads as up but 10 -> 11 does not; "new" is coverage after silence.
    """
    values = tuple(int(v) for v in stories_oldest_first)
    current = values[-1] if values else 0
    previous = values[:-1]
    previous_mean = sum(previous) / len(previous) if previous else 0.0
    if previous_mean == 0:
        direction = "new" if current > 0 and previous else "flat"
    elif current >= previous_mean * 1.25 and current - previous_mean >= 1:
        direction = "up"
    elif current <= previous_mean * 0.8 and previous_mean - current >= 1:
        direction = "down"
    else:
        direction = "flat"
    return Momentum(
        stories=values,
        current=current,
        previous_mean=round(previous_mean, 2),
        direction=direction,
        arrow=_ARROWS[direction],
        sparkline=sparkline(values),
    )


def windows_phrase(windows_before: int, days: int) -> str:
    """ "the previous 4 weeks", "the previous day", "the previous 3 14-day windows"."""
    singular, plural = {7: ("week", "weeks"), 1: ("day", "days")}.get(
        days, (f"{days}-day window", f"{days}-day windows")
    )
    if windows_before == 1:
        return f"the previous {singular}"
    return f"the previous {windows_before} {plural}"


def contradiction(
    family: TrendFamily,
    supporting_oldest_first: Sequence[int],
    against_now: int,
    windows_before: int,
    days: int,
    policy: CounterEvidencePolicy = DEFAULT_COUNTER_POLICY,
) -> str | None:
    """A plain sentence when the news runs against a trend, else None.

    Two cases are real contradictions: confident counter-evidence clearly outweighing
    support in the edition's window (`policy.outweighs`: one verdict is never enough), and a rising
    trend whose support has dried up for two windows or more after it had some. Falling
    or rising coverage alone is not one: every trend is a statement the news can support
    (a declining trend states the decline), and `reading` says what the movement means.
    A window whose only news is confident counter-evidence too few to outweigh support is
    not dry: the dry-up banner would then rest on those verdicts alone (Thailand keeping a
    foot in both lunar camps, read against R2, would banner R2 by itself); the quoted
    counter-evidence still shows.
    """
    supporting = [int(v) for v in supporting_oldest_first]
    now = supporting[-1] if supporting else 0
    if policy.outweighs(against_now, now):
        return (
            f"Counter-evidence outweighs support this window: {against_now} "
            f"{_stories(against_now)} against the statement, {now} for it."
        )
    dry = len(supporting) - len(list(_rstrip_zeros(supporting)))
    before = sum(supporting[: len(supporting) - dry])
    if family == TrendFamily.RISING and dry >= 2 and before > 0 and not against_now:
        last = windows_phrase(dry, days).replace("the previous", "the last")
        earlier = windows_phrase(len(supporting) - dry, days).replace("the previous", "the")
        return (
            f"Listed as rising, but no story has supported it in {last}; "
            f"{before} {_stories(before)} did in {earlier} before."
        )
    return None


def _rstrip_zeros(values: Sequence[int]) -> Sequence[int]:
    end = len(values)
    while end and values[end - 1] == 0:
        end -= 1
    return values[:end]


_READINGS = {
    TrendFamily.RISING: {
        "up": "gaining",
        "new": "gaining",
        "down": "losing pace",
        "flat": "holding",
    },
    TrendFamily.DECLINING: {
        "up": "more signs of the decline",
        "new": "more signs of the decline",
        "down": "fewer signs of the decline",
        "flat": "the decline goes on at the same pace",
    },
    TrendFamily.WATCH: {
        "up": "more activity to watch",
        "new": "more activity to watch",
        "down": "quieter",
        "flat": "steady activity",
    },
}


def reading(family: TrendFamily, momentum: Momentum, *, contested: bool = False) -> str:
    """What the coverage's movement means for a trend of this family, in a few words.

    Every trend is worded as a statement the news can support, so more supporting
    coverage means more evidence for the statement: for a declining trend that is more
    evidence of the decline, never a contradiction of it. When most of the window's
    stories run against the statement (`contested`), the movement says that instead.
    """
    if contested:
        return (
            "more coverage, most of it against"
            if momentum.direction in ("up", "new")
            else ("most coverage against")
        )
    return _READINGS.get(family, _READINGS[TrendFamily.WATCH])[momentum.direction]


def describe_change(momentum: Momentum, windows_before: int, days: int) -> str:
    """ "rose to 4 stories, from an average of 1.5 over ..." wording for the Expert's View."""
    before = format_mean(momentum.previous_mean)
    span = windows_phrase(windows_before, days)
    now = f"{momentum.current} {_stories(momentum.current)}"
    if momentum.direction == "new":
        return f"went from no coverage in {span} to {now}"
    if momentum.direction == "up":
        return f"rose to {now}, from an average of {before} over {span}"
    if momentum.direction == "down":
        return f"fell to {now}, from an average of {before} over {span}"
    return f"held at {now}, against an average of {before} over {span}"


def format_mean(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _stories(n: int) -> str:
    return "story" if n == 1 else "stories"
