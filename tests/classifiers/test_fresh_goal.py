"""Issue 23's goal on events no other file names (seeds/evaluation/fresh*.jsonl).

The held-out split keeps the same event in other words on both sides; these eleven sets were
written after every shipped model was fitted, on events that no training, candidate or
evaluation file names. They show how far the judgement carries to unseen news, and it is
short of the goal: the bounds below are today's figures less a margin, a regression
guard (docs/classifier.md, "Where it stands"), with the goal beside each.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from spacebrief.classifiers.batch import evaluate_file
from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.evaluation import EvalReport

SEEDS = Path(__file__).parents[2] / "seeds"
FRESH = tuple(f"fresh{n}.jsonl" for n in ("", 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12))

# Measured 7 December 2026 (sixth session) with the shipped model, after rule 28b's space lean:
# relevance accuracy, off-theme false positives, watch stories on Slack, "against" right.
#   fresh:  0.889, 0/14, 18/30, 2/4 (both wrong verdicts on a label gold does not give)
#   fresh2: 0.833, 2/18, 16/32, 0/0
#   fresh3: 0.921, 0/18, 16/37, 3/3 (0.843 at its first reading, before the Turkish-İ fix)
#   fresh4: 0.862, 2/18, 22/40, 0/0
#   fresh5: 0.898, 0/18, 9/24, 1/1 (0.750 at its first reading, before the unread-script rule)
#   fresh6: 0.874, 6/29, 12/26, 0/0 (0.747 at its first reading, rule 25's)
#   fresh7: 0.800, 4/30, 12/25, 0/1 (0.767 at its first reading, rule 26's; one supporting
#           label reads "against")
#   fresh8: 0.811, 6/30, 11/26, 0/0 (its first reading decided rule 27: 0.789 before it)
#   fresh9: 0.800, 8/30, 8/21, 0/0 (its first reading decided rule 28, not shipped: 0.756 before it)
#   fresh10: 0.744, 5/30, 3/11, 1/1 (its first reading decided rule 28b: 0.722 before it)
#   fresh11: 0.733, 4/30, 10/28, 0/0 (its first reading decided rule 29, not shipped)
#   fresh12: 0.822, 2/26, 11/41, 0/0 (measured in the ninth session, the same model; its
#            first reading decided rule 33, not shipped)
FLOORS = {
    "fresh.jsonl": {"relevance": 0.83, "false_positives": 1, "watch": 0.55},  # goal 0.96, 1%, 0.85
    "fresh2.jsonl": {"relevance": 0.78, "false_positives": 3, "watch": 0.40},
    "fresh3.jsonl": {"relevance": 0.88, "false_positives": 1, "watch": 0.35},
    "fresh4.jsonl": {"relevance": 0.82, "false_positives": 3, "watch": 0.45},
    "fresh5.jsonl": {"relevance": 0.85, "false_positives": 1, "watch": 0.30},
    "fresh6.jsonl": {"relevance": 0.83, "false_positives": 7, "watch": 0.38},
    "fresh7.jsonl": {"relevance": 0.76, "false_positives": 5, "watch": 0.40, "read_against": 1},
    "fresh8.jsonl": {"relevance": 0.76, "false_positives": 7, "watch": 0.35},
    "fresh9.jsonl": {"relevance": 0.76, "false_positives": 9, "watch": 0.33},
    "fresh10.jsonl": {"relevance": 0.70, "false_positives": 6, "watch": 0.25},
    "fresh11.jsonl": {"relevance": 0.69, "false_positives": 5, "watch": 0.30},
    "fresh12.jsonl": {"relevance": 0.78, "false_positives": 3, "watch": 0.25},
}


def event_name(text: str) -> str:
    """An event's name without its year: "X joins the ILRS (2023)" -> "x joins the ilrs"."""
    return re.sub(r"[\s,]*\(?\d{4}(?:-\d{4})?\)?$", "", text.strip().lower())


def events(path: Path) -> set[str]:
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return {event_name(r["event"]) for r in lines if r.get("event")}


@pytest.mark.parametrize("name", FRESH)
def test_no_fresh_event_is_named_by_a_training_candidate_or_held_out_file(name: str) -> None:
    others = [*(SEEDS / "training").glob("*.jsonl"), *(SEEDS / "candidates").glob("*.jsonl")]
    named = set().union(*(events(p) for p in [*others, SEEDS / "evaluation" / "heldout.jsonl"]))
    fresh = events(SEEDS / "evaluation" / name)
    assert len(fresh) >= 87
    assert not fresh & named


@pytest.fixture(scope="module", params=FRESH)
def measured(request: pytest.FixtureRequest, classifier: Classifier) -> tuple[str, EvalReport]:
    return request.param, evaluate_file(classifier, SEEDS / "evaluation" / request.param)


def test_relevance_and_false_positives_hold_on_unseen_events(
    measured: tuple[str, EvalReport],
) -> None:
    name, report = measured
    floors = FLOORS[name]
    assert report.items >= 87
    assert report.relevance_accuracy >= floors["relevance"]
    assert report.confusion["false_positive"] <= floors["false_positives"]


def test_watch_stories_reach_slack_and_no_supporting_label_reads_against(
    measured: tuple[str, EvalReport],
) -> None:
    name, report = measured
    goal = report.goal
    assert goal is not None
    assert goal.watch_share_pinged >= FLOORS[name]["watch"]
    assert goal.supporting_read_against <= FLOORS[name].get("read_against", 0)
