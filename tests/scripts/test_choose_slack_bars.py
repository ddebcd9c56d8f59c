"""scripts/choose_slack_bars.py refuses, in one sentence that says what to run, the
scores it cannot choose on, and saves nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "choose_slack_bars.py"


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_missing_scores_ask_for_the_cross_validated_run(tmp_path: Path) -> None:
    output = tmp_path / "head.npz"
    done = _run("--scores", tmp_path / "absent.npz", "--output", output)
    assert done.returncode == 1
    assert "There are no out-of-fold scores at" in done.stderr
    assert "train_judge.py --folds 5" in done.stderr
    assert not output.exists()


def test_scores_of_one_fold_are_refused(tmp_path: Path) -> None:
    # A --ship-fold run scores fold 0 only: bars chosen there rest on a fifth of the data.
    scores = tmp_path / "scores.npz"
    n = 8
    np.savez(
        scores,
        logits=np.zeros((n, 20), dtype=np.float32),
        targets=np.zeros((n, 20), dtype=np.float32),
        screen_features=np.zeros((n, 538), dtype=np.float32),
        example_fold=np.zeros(n, dtype=np.int64),
    )
    output = tmp_path / "head.npz"
    done = _run("--scores", scores, "--output", output)
    assert done.returncode == 1
    assert "scores one fold only" in done.stderr and "--folds 5" in done.stderr
    assert not output.exists()


def test_scores_without_their_texts_are_refused(tmp_path: Path) -> None:
    # The relevance rule reads each text's script; scores saved without them cannot say it.
    scores = tmp_path / "scores.npz"
    n = 8
    np.savez(
        scores,
        logits=np.zeros((n, 20), dtype=np.float32),
        targets=np.zeros((n, 20), dtype=np.float32),
        screen_features=np.zeros((n, 538), dtype=np.float32),
        example_fold=np.arange(n, dtype=np.int64) % 2,
    )
    output = tmp_path / "head.npz"
    done = _run("--scores", scores, "--output", output)
    assert done.returncode == 1
    assert "keeps no texts" in done.stderr and "train_judge.py --folds 5" in done.stderr
    assert not output.exists()
