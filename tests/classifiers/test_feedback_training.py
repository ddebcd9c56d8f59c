"""Analyst feedback recorded through the handle becomes training data at the next refit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import spacebrief
from spacebrief import Settings
from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.head import load_head, packaged_head_path
from spacebrief.classifiers.taxonomy import load_taxonomy
from spacebrief.classifiers.training import all_examples, fit_head
from spacebrief.classifiers.types import TextItem
from spacebrief.ingest.types import Item
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.items import insert_items

NOW = datetime(2025, 5, 1, tzinfo=UTC)
TITLE = "Brazil weighs offers from Beijing and Washington for its next lunar partner"
SUMMARY = "Officials in Brasilia are studying both proposals before a decision next year."


@pytest.mark.slow
def test_feedback_changes_the_refitted_head_and_its_scores(home: Path, tmp_path: Path) -> None:
    settings = Settings()
    with Warehouse(settings.warehouse_path).write() as con:
        insert_items(
            con,
            [
                Item(
                    "brazil",
                    None,
                    None,
                    TITLE,
                    SUMMARY,
                    "en",
                    "s",
                    "S",
                    NOW,
                    False,
                    NOW,
                    "h",
                    "brazil",
                )
            ],
        )
    item = TextItem("brazil", TITLE, SUMMARY)
    before = Classifier.load().classify([item])[0].scores["W1"]

    with spacebrief.open(settings=settings) as sb:
        recorded = sb.feedback("brazil", "W1", True, analyst="ana")
        assert "supports W1" in recorded.describe()
        trained = sb.train()
    assert trained.feedback == 1 and "(1 from analyst feedback)" in trained.describe()

    refitted = home / "classifier" / "head.npz"
    assert refitted.exists()
    assert load_head(refitted).version != load_head(packaged_head_path()).version
    after = Classifier.load(head_path=refitted).classify([item])[0].scores["W1"]
    assert after > before
    assert load_head(refitted).label_threshold == load_head(packaged_head_path()).label_threshold


@pytest.mark.slow
def test_the_shipped_head_behaves_like_a_fresh_fit_on_this_machine(classifier: Classifier) -> None:
    """The shipped decision head is what its recipe fits over the shipped judge's vectors
    (scripts/train_judge.py; the judge itself is checked by behaviour in test_judge.py).
    Floating-point sums differ between CPUs, so the weights' bytes may differ; what must
    not differ is behaviour: the same verdicts and labels, scores within a tolerance."""
    taxonomy = load_taxonomy()
    examples = all_examples(taxonomy)
    shipped = load_head(packaged_head_path())
    features = classifier.decision_features([e.text for e in examples], cache=True)
    fresh = fit_head(
        taxonomy,
        examples,
        features,
        encoder=shipped.encoder,
        label_threshold=shipped.label_threshold,
        relevance_threshold=shipped.relevance_threshold,
        calibration=shipped.calibration,
    ).with_alert_bars(shipped.alert_bars)
    items = [TextItem(f"s{n}", text) for n, text in enumerate(SAMPLE_TEXTS)]
    base = (classifier.screen, classifier.encoder, classifier.judge)
    before = Classifier(taxonomy, shipped, *base).classify(items)
    after = Classifier(taxonomy, fresh, *base).classify(items)
    for old, new in zip(before, after, strict=True):
        assert old.relevant == new.relevant
        assert old.relevance == pytest.approx(new.relevance, abs=0.02)
        assert {t.trend_id for t in old.labels} == {t.trend_id for t in new.labels}
        for trend_id, score in old.scores.items():
            assert score == pytest.approx(new.scores[trend_id], abs=0.02)


SAMPLE_TEXTS = (
    "Egypt joins China's International Lunar Research Station. The agreement was signed "
    "by the Egyptian Space Agency and CNSA.",
    "US sanctions hit Roscosmos suppliers of satellite electronics.",
    "India offers NavIC navigation services to neighbouring countries.",
    "A bakery wins a regional prize for its sourdough.",
    "China's football association replaces the national team coach.",
    "NASA's Webb telescope images a distant galaxy cluster.",
)
