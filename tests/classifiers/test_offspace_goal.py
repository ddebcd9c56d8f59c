"""A known hole, held where it is: technology cooperation that is not space.

seeds/evaluation/offspace-probe.jsonl is 31 off-theme stories we wrote on 8 December
(tenth session) in Swahili, Hausa, Amharic, Kyrgyz, Kazakh, Uzbek, Tajik, Somali and
Zulu: China, Russia, India, Turkey or the Gulf building data centres, railways, dams,
nuclear plants and networks with Global South states, nothing about space. The gazetteer
does not read these languages, so the head's ungated bar decides them, and the shipped
head passes 9 of the 31. Teaching the head such stories (rule 36 of docs/classifier.md)
stopped 4 more but lowered the whole relevance scale, so it did not ship; this bound is a
regression guard, the goal (1%) far beyond it.
"""

from __future__ import annotations

from pathlib import Path

from spacebrief.classifiers.batch import evaluate_file
from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.jsonlines import read_records

SEEDS = Path(__file__).parents[2] / "seeds"
PROBE = SEEDS / "evaluation" / "offspace-probe.jsonl"
MEASURED_FALSE_POSITIVES = 9  # the shipped model, 8 December 2026


def test_the_probe_is_off_theme_news_on_events_no_training_or_candidate_file_names() -> None:
    probe = read_records(PROBE, dict, what="evaluation", shape="a JSON object")
    assert len(probe) == 31
    assert all(r["relevant"] is False and r["labels"] == [] for r in probe)
    written = [*(SEEDS / "training").glob("*.jsonl"), *(SEEDS / "candidates").glob("*.jsonl")]
    named = {
        r["event"].lower()
        for path in written
        for r in read_records(path, dict, what="training", shape="a JSON object")
        if r.get("event")
    }
    assert not {r["event"].lower() for r in probe} & named


def test_off_space_cooperation_in_languages_the_gazetteer_lacks_stays_within_its_bound(
    classifier: Classifier,
) -> None:
    report = evaluate_file(classifier, PROBE)
    false_positives = report.confusion["false_positive"]
    assert false_positives <= MEASURED_FALSE_POSITIVES + 1
