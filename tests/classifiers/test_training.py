"""classifiers/training.py: which examples teach what.

The boundary files (hard negatives and near-misses beside each watch trend) teach the trend
regressions and keep their gold relevance for measuring, but the relevance regression never
learns from them: as relevance examples they lowered the whole relevance scale under bars
chosen on the old one (docs/classifier.md, rules 33 to 35).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spacebrief.classifiers.taxonomy import load_taxonomy
from spacebrief.classifiers.training import (
    BOUNDARY_FILES,
    TrainingExample,
    fit_head,
    training_dir,
    written_examples,
)
from spacebrief.classifiers.types import Taxonomy


def _write(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")


def test_every_boundary_file_is_in_training() -> None:
    assert {p.name for p in training_dir().glob("*.jsonl")} >= set(BOUNDARY_FILES)


def test_a_boundary_file_teaches_trends_and_keeps_its_gold_relevance_for_measuring(
    tmp_path: Path,
) -> None:
    _write(tmp_path / "positives.jsonl", [{"title": "Egypt joins the ILRS", "labels": ["W1"]}])
    _write(
        tmp_path / BOUNDARY_FILES[0],
        [
            {"title": "Roscosmos launches a Progress to the ISS", "labels": []},
            {"title": "Rwanda signs up to the ILRS", "labels": ["W1"]},
        ],
    )
    by_title = {e.text.split(".")[0]: e for e in written_examples(tmp_path)}
    taught = by_title["Egypt joins the ILRS"]
    assert taught.teaches_relevance and taught.relevance_target is True
    negative = by_title["Roscosmos launches a Progress to the ISS"]
    assert negative.relevant is False and negative.relevance_target is None
    positive = by_title["Rwanda signs up to the ILRS"]
    assert positive.relevant is True and positive.relevance_target is None
    assert positive.verdicts == {"W1": True} and positive.complete


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def _examples(taxonomy: Taxonomy, rng: np.random.Generator, n: int, *, teaches: bool):
    trends = taxonomy.trend_ids
    examples, rows = [], []
    for k in range(n):
        trend = trends[k % len(trends)] if k % 3 else None
        examples.append(
            TrainingExample(
                f"example {teaches} {k}",
                {trend: True} if trend else {},
                relevant=trend is not None,
                teaches_relevance=teaches,
            )
        )
        rows.append(rng.normal(size=8) + (0 if trend is None else trends.index(trend) % 4))
    return examples, np.array(rows, dtype=np.float32)


def test_the_relevance_regression_does_not_learn_from_examples_that_do_not_teach_it(
    taxonomy: Taxonomy,
) -> None:
    rng = np.random.default_rng(0)
    teaching, x = _examples(taxonomy, rng, 120, teaches=True)
    boundary, b = _examples(taxonomy, rng, 60, teaches=False)
    # Gold relevance the regression would learn the opposite of, were it taught by them.
    boundary = [
        TrainingExample(e.text, e.verdicts, relevant=not e.relevant, teaches_relevance=False)
        for e in boundary
    ]
    identity = np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (len(taxonomy.trend_ids) + 1, 1))

    def fit(examples, features):
        return fit_head(taxonomy, examples, features, relevance_threshold=0.5, calibration=identity)

    alone, both = fit(teaching, x), fit(teaching + boundary, np.vstack([x, b]))
    np.testing.assert_allclose(both.relevance_coef, alone.relevance_coef, atol=1e-6)
    assert both.relevance_intercept == pytest.approx(alone.relevance_intercept, abs=1e-6)
    assert not np.allclose(both.coef, alone.coef, atol=1e-3)
