"""Stance: each label says whether its item supports the trend's statement or runs against it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.stance import AGAINST, SUPPORTS, load_stance
from spacebrief.classifiers.stance_training import (
    SUPPORT_FILES,
    evaluate_stance,
    fit_stance,
    stance_pairs,
    training_examples,
    unfitted,
)
from spacebrief.classifiers.training import read_stance_file, training_dir, written_examples
from spacebrief.classifiers.types import STANCE_DOUBT, TextItem

FIXTURE = Path(__file__).parent / "fixtures" / "stance.jsonl"


def test_the_shipped_stance_head_loads_offline_for_every_trend(classifier: Classifier) -> None:
    stance = load_stance()
    assert stance.trend_ids == classifier.taxonomy.trend_ids
    # Both bars were chosen out of fold when it was fitted; the doubt bar the alerts and
    # the edition apply is the one it chose.
    assert stance.doubt == pytest.approx(STANCE_DOUBT) and stance.doubt < stance.threshold
    assert stance.statement_vectors.shape == (len(stance.trend_ids), 512)
    assert classifier.version.endswith("+" + stance.version)


CREW = TextItem(
    "crew",
    "Russian cosmonaut to launch to the ISS on a SpaceX Crew Dragon",
    "Roscosmos cosmonaut Kirill Peskov will fly on NASA's next crew rotation under "
    "the integrated crew agreement with the United States.",
)


def test_a_cosmonaut_on_a_crew_dragon_never_supports_d4_and_a_lunar_pact_does(
    classifier: Classifier,
) -> None:
    crew, pact = classifier.classify(
        [
            CREW,
            TextItem(
                "pact",
                "Russia and China sign a deal on a lunar nuclear power plant",
                "Roscosmos and CNSA will build a reactor for their joint lunar base by 2035.",
            ),
        ]
    )
    # Never support: read "against", or held in doubt (neither cited as support nor
    # alerted on), or no D4 label at all.
    d4 = {label.trend_id: label for label in crew.labels}.get("D4")
    assert d4 is None or not d4.clearly_supports
    supports = {label.trend_id: label for label in pact.labels}["D4"]
    assert supports.stance == SUPPORTS and supports.clearly_supports


@pytest.mark.xfail(
    strict=True,
    reason="issue 23 is open: the stance head holds the crew story's D4 label in doubt "
    "(P(against) 0.76 on 8 December), under its 'against' bar of 0.80",
)
def test_a_cosmonaut_on_a_crew_dragon_is_read_as_evidence_against_d4(
    classifier: Classifier,
) -> None:
    (crew,) = classifier.classify([CREW])
    d4 = {label.trend_id: label for label in crew.labels}["D4"]
    assert d4.stance == AGAINST and d4.stance_score >= load_stance().threshold


def test_against_is_found_with_high_precision_on_the_held_out_set(
    classifier: Classifier,
) -> None:
    examples = read_stance_file(FIXTURE)
    report = evaluate_stance(classifier, examples)
    assert report.against >= 60 and report.trends_against >= 15
    assert len(report.by_language) >= 6
    # Measured 6 December 2026 at the bar chosen out of fold (0.80): precision 1.000,
    # recall 0.234 (0.547 at main's 0.6, which read 25 of 289 supporting labels of our
    # held-out split "against"; docs/classifier.md). Precision first: a false "against"
    # silences an alert and tells the edition the opposite of the news.
    assert report.precision >= 0.9
    assert report.recall >= 0.18


def test_the_held_out_set_shares_no_text_with_the_training_file() -> None:
    def titles(path: Path) -> set[str]:
        return {json.loads(line)["title"] for line in path.read_text("utf-8").splitlines()}

    assert not titles(FIXTURE) & titles(training_dir() / "stance.jsonl")


def test_a_trend_file_joins_the_stance_recipe_only_when_named(tmp_path: Path) -> None:
    # New trend files moved the recipe's bars without anyone choosing to refit the stance.
    assert all((training_dir() / name).exists() for name in SUPPORT_FILES)
    line = '{"title": "%s", "summary": "", "labels": ["W1"]}\n'
    (tmp_path / "trends-rising.jsonl").write_text(line % "Bolivia joins the ILRS", "utf-8")
    (tmp_path / "trends-new.jsonl").write_text(line % "Senegal joins the ILRS", "utf-8")
    named = written_examples(tmp_path, names=SUPPORT_FILES)
    assert [e.text for e in named] == ["Bolivia joins the ILRS"]
    assert len(written_examples(tmp_path)) == 2


def test_the_recipes_supporting_pairs_are_the_named_files_labelled_items() -> None:
    written = {e.text for e in read_stance_file(training_dir() / "stance.jsonl")}
    supports = {e.text for e in training_examples() if e.stance == SUPPORTS} - written
    assert supports == {
        e.text for e in written_examples(names=SUPPORT_FILES) if any(e.verdicts.values())
    }


def test_stance_examples_are_not_read_as_trend_examples() -> None:
    texts = {example.text for example in written_examples()}
    stance_titles = {
        e.text.split(". ")[0] for e in read_stance_file(training_dir() / "stance.jsonl")
    }
    assert not any(text.startswith(title) for text in texts for title in stance_titles)


def test_a_stance_example_with_an_unknown_stance_is_refused_in_one_sentence(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"title": "x", "trend": "D4", "stance": "neutral"}\n', "utf-8")
    with pytest.raises(ClassifierError, match=r"bad.jsonl:1 is not a stance example"):
        read_stance_file(path)


@pytest.mark.slow
def test_the_shipped_stance_head_behaves_like_a_fresh_fit_of_its_recipe(
    classifier: Classifier,
) -> None:
    """The shipped stance head is what scripts/train_stance.py fits today: the head had
    drifted once (the gazetteer's new languages changed the evidence sentences it reads)
    with nothing to say so: its bar was 0.825 where the recipe gave 0.80, its P(against)
    up to 0.03 apart. Bytes may differ between CPUs; behaviour may not: the same bars (grid
    values), P(against) within 0.01."""
    shipped = load_stance()
    placeholder = Classifier(
        classifier.taxonomy,
        classifier.head,
        classifier.screen,
        classifier.encoder,
        classifier.judge,
        stance=unfitted(classifier.taxonomy, classifier.encoder),
    )
    fresh = fit_stance(placeholder, training_examples())
    assert fresh.examples == shipped.examples
    assert fresh.threshold == pytest.approx(shipped.threshold, abs=1e-6)
    assert fresh.doubt == pytest.approx(shipped.doubt, abs=1e-6)
    pairs = stance_pairs(classifier, read_stance_file(FIXTURE))
    assert np.allclose(
        fresh.against_probability(pairs), shipped.against_probability(pairs), atol=0.01
    )
