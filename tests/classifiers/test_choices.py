"""How the Slack bars and the "against" bar are chosen from out-of-fold scores.

Small made-up score tables stand for the out-of-fold scores of scripts/train_judge.py:
the rules are specified here, the figures they give on our examples are in
docs/train_judge_report.json.
"""

from __future__ import annotations

import numpy as np

from spacebrief.classifiers import choices


def _table(watch_scores: list[float], gold: list[bool], relevant: list[bool]):
    """One watch trend W1 beside one rising trend R1 (which never alerts)."""
    scores = np.array([[0.9, s] for s in watch_scores], dtype=np.float32)
    gold_array = np.array([[False, g] for g in gold])
    labelled = scores >= 0.3
    known = np.ones_like(gold_array)
    return ("R1", "W1"), scores, labelled, gold_array, np.array(relevant), known


def test_a_slack_bar_never_sits_at_or_below_the_label_threshold() -> None:
    # Every story and no false alert at any bar: the lowest bar allowed is the floor.
    trends, scores, labelled, gold, relevant, known = _table(
        [0.35, 0.5, 0.9, 0.1, 0.1], [True, True, True, False, False], [True] * 3 + [False] * 2
    )
    everyone = np.ones(len(relevant), dtype=bool)
    (bar,) = choices.slack_bars(
        trends, scores, labelled, gold, relevant, known, 0.3, relevance_known=everyone
    )
    assert bar.trend_id == "W1"
    assert bar.bar == choices.ALERT_FLOOR  # the floor, above 0.3 + ALERT_MARGIN
    (high,) = choices.slack_bars(
        trends, scores, scores >= 0.7, gold, relevant, known, 0.7, relevance_known=everyone
    )
    assert high.bar == min(b for b in choices.GRID if b >= 0.7 + choices.ALERT_MARGIN - 1e-9)


def test_bars_rise_until_false_alerts_on_an_ordinary_stream_fit_the_budget() -> None:
    # Off-theme items scoring up to 0.6 would alert at a low bar: many per 1,000 items.
    stories = [0.95] * 17 + [0.5] * 3
    noise = [0.45, 0.55, 0.6] + [0.05] * 97
    trends, scores, labelled, gold, relevant, known = _table(
        stories + noise, [True] * 20 + [False] * 100, [True] * 20 + [False] * 100
    )
    (bar,) = choices.slack_bars(
        trends, scores, labelled, gold, relevant, known, 0.3, relevance_known=np.ones(120, bool)
    )
    assert bar.false_per_1000 <= choices.FALSE_ALERTS_PER_1000
    assert 0.6 < bar.bar <= 0.95
    assert bar.recall == 17 / 20


def test_an_example_of_unknown_relevance_is_no_ordinary_stream_false_alert() -> None:
    # Two items scoring 0.8 for W1 that are not about it: off-theme news would put the bar
    # above them; "neither" stance pairs (on-theme items about another trend, relevance
    # unknown) must not, nor count as the ordinary stream.
    stories = [0.95] * 18 + [0.78] * 2
    others = [0.8, 0.8] + [0.05] * 98
    trends, scores, labelled, gold, relevant, known = _table(
        stories + others, [True] * 20 + [False] * 100, [True] * 20 + [False] * 100
    )
    off_theme = np.ones(120, dtype=bool)
    (strict,) = choices.slack_bars(
        trends, scores, labelled, gold, relevant, known, 0.3, relevance_known=off_theme
    )
    assert strict.bar > 0.8 and strict.recall == 18 / 20
    unknown = off_theme.copy()
    unknown[20:22] = False
    (floor,) = choices.slack_bars(
        trends, scores, labelled, gold, relevant, known, 0.3, relevance_known=unknown
    )
    assert floor.bar == choices.ALERT_FLOOR and floor.recall == 1.0
    assert floor.false_per_1000 == 0.0


def test_the_against_bar_is_the_lowest_with_precision_and_few_supporting_pairs_read_against() -> (
    None
):
    stance = ["against"] * 10 + ["supports"] * 100 + ["neither"] * 20
    p = np.array(
        [0.9] * 6 + [0.5] * 2 + [0.1] * 2 + [0.2] * 99 + [0.6] + [0.55] + [0.01] * 19,
        dtype=np.float32,
    )
    chosen = choices.against_bar(p, stance)
    called = p >= chosen.bar
    right = (called & (np.array(stance) == "against")).sum()
    assert right / called.sum() >= choices.AGAINST_PRECISION
    assert chosen.supports_read_against <= choices.SUPPORTS_READ_AGAINST
    # Over 0.2: 8 of 10 found, with one supporting and one unrelated pair (0.8, 1%);
    # at 0.2 or below the supporting pairs flood in.
    assert 0.2 < chosen.bar <= 0.5 and chosen.recall == 0.8


def test_the_doubt_bar_holds_back_at_most_one_supporting_pair_in_a_hundred() -> None:
    # 200 supporting pairs, five of them doubtful-looking: 1% is 2 pairs, so the bar sits
    # just over the third highest (0.7), and against-pairs do not move it.
    supporting = [0.1] * 195 + [0.5, 0.6, 0.7, 0.8, 0.9]
    p_against = np.array([*supporting, 0.95, 0.3, 0.2])
    bar = choices.doubt_bar(p_against, ["supports"] * 200 + ["against"] * 3)
    assert bar == min(b for b in choices.GRID if b > 0.7)


def test_the_target_table_of_train_judge_reads_nan_as_not_known() -> None:
    # Column 0 is relevance, then one column per trend: the two 0.8 items of W1 have no
    # known relevance, so they are neither on-theme nor ordinary-stream examples.
    scores = np.array([[0.9, s] for s in [0.95] * 20 + [0.8, 0.8] + [0.05] * 98])
    targets = np.zeros((120, 3))
    targets[:20] = [1, 0, 1]
    targets[20:22, 0] = np.nan
    (bar,) = choices.slack_bars_from_targets(("R1", "W1"), scores, scores >= 0.3, targets, 0.3)
    assert bar.bar == choices.ALERT_FLOOR and bar.false_per_1000 == 0.0 and bar.recall == 1.0
    targets[20:22, 0] = 0
    (strict,) = choices.slack_bars_from_targets(("R1", "W1"), scores, scores >= 0.3, targets, 0.3)
    assert strict.bar > 0.8


def test_chosen_bars_go_in_their_trends_places_and_the_rest_keep_theirs() -> None:
    bars = [choices.SlackBar("W2", 0.8, 0.9, 0.95, 0.1)]
    trends = ("R1", "W1", "W2")
    fresh = choices.bar_array(trends, bars)
    assert np.isnan(fresh[:2]).all() and fresh[2] == np.float32(0.8)
    base = np.array([np.nan, 0.75, 0.75], dtype=np.float32)
    kept = choices.bar_array(trends, bars, base)
    assert kept[1] == np.float32(0.75) and kept[2] == np.float32(0.8)
    assert base[2] == np.float32(0.75)  # the head's own array is not changed in place
