"""Stance: each label says whether its item supports the trend's statement or runs against it.

The judge's cross-encoder reads the statement and the item together; a label reads
"against" only when P(against) clears the judge's bar, chosen for precision.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.features import item_text
from spacebrief.classifiers.stance import AGAINST, SUPPORTS
from spacebrief.classifiers.training import (
    STANCE_FILES,
    stance_examples,
    training_dir,
    written_examples,
)
from spacebrief.classifiers.types import TextItem

FIXTURE = Path(__file__).parent / "fixtures" / "stance.jsonl"


def test_a_cosmonaut_on_a_crew_dragon_runs_against_d4_and_a_lunar_pact_supports_it(
    classifier: Classifier,
) -> None:
    against, supports = classifier.classify(
        [
            TextItem(
                "crew",
                "Russian cosmonaut to launch to the ISS on a SpaceX Crew Dragon",
                "Roscosmos cosmonaut Kirill Peskov will fly on NASA's next crew rotation under "
                "the integrated crew agreement with the United States.",
            ),
            TextItem(
                "pact",
                "Russia and China sign a deal on a lunar nuclear power plant",
                "Roscosmos and CNSA will build a reactor for their joint lunar base by 2035.",
            ),
        ]
    )
    bar = classifier.judge.fitted.against_threshold
    d4 = {label.trend_id: label for label in against.labels}["D4"]
    assert d4.stance == AGAINST and d4.stance_score >= bar
    for label in supports.labels:
        assert label.stance == SUPPORTS and 0.0 <= label.stance_score < bar


def test_new_ilrs_members_support_w1_and_r2(classifier: Classifier) -> None:
    """The issue's inversion: new ILRS partners were read as evidence against W1 and R2."""
    items = [
        TextItem(
            "th",
            "Thailand's science ministry becomes the latest member of the China-led lunar station",
            "The agreement with CNSA makes Thailand one of the ILRS partners in Southeast Asia.",
        ),
        TextItem(
            "fr",
            "Le Sénégal signe avec la Chine un accord pour rejoindre la station lunaire ILRS",
            "Dakar devient un nouveau partenaire de la Station internationale de recherche "
            "lunaire, portée par Pékin et Moscou.",
        ),
    ]
    for result in classifier.classify(items):
        labels = {label.trend_id: label for label in result.labels}
        assert "W1" in labels, result
        assert all(label.stance == SUPPORTS for label in labels.values()), result


def test_against_is_found_with_high_precision_on_pairs_we_never_trained_on(
    classifier: Classifier,
) -> None:
    """tests/classifiers/fixtures/stance.jsonl: 98 pairs of events outside the training
    files, 64 against. Each pair is judged as a label of its trend."""
    records = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines() if line]
    texts = [item_text(r["title"], r.get("summary")) for r in records]
    scores = classifier.score(texts)
    trend_ids = classifier.taxonomy.trend_ids
    keys = [(row, trend_ids.index(r["trend"])) for row, r in enumerate(records)]
    candidates = [k for k in keys if scores.candidate[k[0]]]
    judged = classifier.judge_stance(scores, candidates)
    called = [judged.get(k, (SUPPORTS, 0.0))[0] == AGAINST for k in keys]
    gold = [r["stance"] == AGAINST for r in records]
    true = sum(c and g for c, g in zip(called, gold, strict=True))
    assert sum(gold) >= 60
    precision, recall = true / max(sum(called), 1), true / sum(gold)
    # Measured with the shipped judge (docs/classifier.md); precision first, since a
    # false "against" hides support and silences an alert.
    assert precision >= 0.85, (precision, recall)
    assert recall >= 0.4, (precision, recall)


def test_the_fixture_shares_no_text_with_the_training_files() -> None:
    fixture = {json.loads(line)["title"] for line in FIXTURE.read_text("utf-8").splitlines()}
    for name in STANCE_FILES:
        path = training_dir() / name
        titles = {json.loads(line)["title"] for line in path.read_text("utf-8").splitlines()}
        assert not fixture & titles, name


def test_stance_pairs_are_not_read_as_trend_examples() -> None:
    texts = {example.text for example in written_examples()}
    assert not texts & {pair.text for pair in stance_examples()}


def test_a_stance_pair_with_an_unknown_stance_is_refused_in_one_sentence(
    tmp_path: Path,
) -> None:
    (tmp_path / "stance-pairs.jsonl").write_text(
        '{"title": "x", "trend": "D4", "stance": "neutral"}\n', "utf-8"
    )
    with pytest.raises(ClassifierError, match=r"stance-pairs.jsonl:1 is not a stance pair"):
        stance_examples(tmp_path)
