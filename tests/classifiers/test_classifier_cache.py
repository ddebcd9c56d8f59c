"""One classifier cache per process, keyed on what defines the model: a long-lived
process (a flow's task worker, a Dask worker calling `spacebrief.load_classifier` for each
batch) keeps the model it loaded until the head file changes, then loads the new one."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import spacebrief
from spacebrief import ClassifierError
from spacebrief.classifiers.head import load_head, packaged_head_path
from spacebrief.classifiers.judge import load_fitted
from spacebrief.classifiers.stance import load_stance


def promote(head_file: Path, scale: float) -> str:
    """Write a refit head in place, as a promotion does: same path, new weights."""
    refit = load_head(packaged_head_path())
    refit = replace(refit, coef=refit.coef * scale, relevance_coef=refit.relevance_coef * scale)
    staged = head_file.with_suffix(".new.npz")
    refit.save(staged)
    os.replace(staged, head_file)
    return refit.version


def test_the_same_head_is_loaded_once_and_a_promoted_head_replaces_it(tmp_path: Path) -> None:
    head_file = tmp_path / "classifier" / "head.npz"
    first_version = promote(head_file, 0.5)

    first = spacebrief.load_classifier(head_path=head_file)
    assert spacebrief.load_classifier(head_path=head_file) is first, "the model was reloaded"
    assert first.head.version == first_version

    demoted_version = promote(head_file, 2.0)
    assert demoted_version != first_version

    second = spacebrief.load_classifier(head_path=head_file)
    assert second is not first, "a process kept classifying with the demoted head"
    assert second.head.version == demoted_version
    assert np.allclose(second.head.coef, first.head.coef * 4.0, rtol=1e-5, atol=1e-6)


def test_a_head_file_that_does_not_exist_yet_means_the_packaged_head(tmp_path: Path) -> None:
    absent = tmp_path / "classifier" / "head.npz"
    classifier = spacebrief.load_classifier(head_path=absent)
    assert classifier.head.version == load_head(packaged_head_path()).version
    head_version = promote(absent, 3.0)
    assert spacebrief.load_classifier(head_path=absent).head.version == head_version


def test_a_damaged_head_is_an_error_that_carries_its_path_and_its_repair(tmp_path: Path) -> None:
    """The library speaks of the thing (`refit`); the CLI adds the command that does it."""
    head_file = tmp_path / "head.npz"
    head_file.write_bytes(b"PK\x03\x04 cut short")  # a zip's start: once a BadZipFile traceback
    with pytest.raises(ClassifierError, match="damaged") as refused:
        spacebrief.load_classifier(head_path=head_file)
    assert (refused.value.path, refused.value.refit) == (head_file, True)
    assert "spacebrief " not in str(refused.value) and "--" not in str(refused.value)


@pytest.mark.parametrize(
    ("load", "script"),
    [(load_fitted, "train_judge.py"), (load_stance, "train_stance.py")],
    ids=["judge", "stance head"],
)
def test_a_damaged_or_missing_fitted_part_is_one_sentence_naming_its_rebuild(
    tmp_path: Path, load, script: str
) -> None:
    cut = tmp_path / "part.npz"
    cut.write_bytes(b"PK\x03\x04 cut short")
    with pytest.raises(ClassifierError, match=f"damaged or from another version .*{script}"):
        load(cut)
    with pytest.raises(ClassifierError, match=f"There is no .* at .*absent.npz: run .*{script}"):
        load(tmp_path / "absent.npz")


def test_cached_features_are_not_reused_across_gazetteer_versions(
    classifier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refit caches the written examples' features; a gazetteer edit changes their
    last columns, so features cached before it must not be read after it."""
    import spacebrief.classifiers.classifier as classifier_module

    monkeypatch.setenv("SPACEBRIEF_MODEL_CACHE", str(tmp_path))
    texts = ["Egypt joins the ILRS", "Russia and China sign a lunar station deal"]
    first = classifier.decision_features(texts, cache=True)
    assert np.array_equal(classifier.decision_features(texts, cache=True), first)
    assert len(list((tmp_path / "features").glob("*.npy"))) == 1

    monkeypatch.setattr(classifier_module, "GAZETTEER_VERSION", "edited")
    stale = np.zeros_like(first)
    np.save(next((tmp_path / "features").glob("*.npy")), stale)  # what the old key holds
    again = classifier.decision_features(texts, cache=True)
    assert len(list((tmp_path / "features").glob("*.npy"))) == 2
    assert np.allclose(again, first, atol=1e-3)
