"""One classifier for the whole classifier suite: loading the encoder is the slow part."""

from __future__ import annotations

import pytest

from spacebrief.classifiers.classifier import Classifier


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    return Classifier.load()
