"""Issue 23's goal on events no other file names (seeds/evaluation/fresh*.jsonl).

The held-out split keeps the same event in other words on both sides; these five sets were
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
FRESH = ("fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl", "fresh4.jsonl", "fresh5.jsonl")

# Measured 7 December 2026 with the shipped model: relevance accuracy, off-theme false
# positives, watch stories on Slack, "against" verdicts right.
#   fresh:  0.856, 1/14, 20/30, 2/4 (both wrong verdicts on a label gold does not give)
#   fresh2: 0.789, 2/18, 13/32, 0/1
#   fresh3: 0.921, 0/18, 16/37, 4/4 (0.843 at its first reading, before the Turkish-İ fix)
#   fresh4: 0.851, 2/18, 21/40, 0/0
#   fresh5: 0.773, 5/18, 8/24, 0/0 (0.750 at its first reading, before the unread-script rule)
FLOORS = {
    "fresh.jsonl": {"relevance": 0.80, "false_positives": 2, "watch": 0.55},  # goal 0.96, 1%, 0.85
    "fresh2.jsonl": {"relevance": 0.75, "false_positives": 3, "watch": 0.30},
    "fresh3.jsonl": {"relevance": 0.88, "false_positives": 1, "watch": 0.35},
    "fresh4.jsonl": {"relevance": 0.80, "false_positives": 3, "watch": 0.45},
    "fresh5.jsonl": {"relevance": 0.73, "false_positives": 6, "watch": 0.25},
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
    assert goal.supporting_read_against == 0
