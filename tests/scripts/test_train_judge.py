"""scripts/train_judge.py's two target tables: what the judge learns, and what the Slack
bars' false-alert budget measures. A boundary file's item is in the second with its gold
relevance and in the first with its trends only (docs/classifier.md, rule 35)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import ModuleType

import pytest

from spacebrief.classifiers.taxonomy import load_taxonomy
from spacebrief.classifiers.training import TrainingExample

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "train_judge.py"


@pytest.fixture(scope="module")
def train_judge() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_judge", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_boundary_item_teaches_its_trends_and_is_measured_with_its_gold_relevance(
    train_judge: ModuleType,
) -> None:
    taxonomy = load_taxonomy()
    w1 = 1 + taxonomy.trend_ids.index("W1")
    examples = [
        TrainingExample("Egypt joins the ILRS", {"W1": True}, relevant=True),
        TrainingExample(
            "Roscosmos launches a Progress", {}, relevant=False, teaches_relevance=False
        ),
    ]
    gold = train_judge.targets(taxonomy, examples)
    taught = train_judge.targets(taxonomy, examples, gold=False)
    assert gold[:, 0].tolist() == [1.0, 0.0]
    assert taught[0, 0] == 1.0 and math.isnan(taught[1, 0])
    assert (taught[:, 1:] == gold[:, 1:]).all()
    assert gold[0, w1] == 1.0 and gold[1, w1] == 0.0
