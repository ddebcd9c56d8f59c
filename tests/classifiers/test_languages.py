"""Feeds come in many languages: the classifier judges them as it judges English.

`fixtures/multilingual.jsonl` holds 30 items we wrote for this test from real events, in
the languages of the evaluation set's non-English items (ro, hr, te, hi, no, sk, it, fr,
de, ar, pt, es, ru, zh): 16 on-theme, 14 off-theme. None is in the training files.
"""

from __future__ import annotations

from pathlib import Path

from spacebrief.classifiers.batch import evaluate_file
from spacebrief.classifiers.classifier import Classifier

FIXTURE = Path(__file__).parents[2] / "seeds" / "evaluation" / "multilingual.jsonl"


def test_on_theme_news_in_fourteen_languages_passes_the_gate_and_the_rest_does_not(
    classifier: Classifier,
) -> None:
    report = evaluate_file(classifier, FIXTURE)
    assert report.items == 30
    assert report.confusion["false_negative"] == 0
    assert report.confusion["false_positive"] == 0


def test_trends_are_found_in_other_languages_about_as_well_as_in_english(
    classifier: Classifier,
) -> None:
    report = evaluate_file(classifier, FIXTURE)
    assert report.micro_f1 >= 0.6, report.micro_f1
