"""classifiers/threads.py: the models take every core unless OMP_NUM_THREADS caps them."""

from __future__ import annotations

import os

import pytest

from spacebrief.classifiers.threads import model_threads


def test_a_caller_s_count_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert model_threads(3) == 3


def test_omp_num_threads_caps_the_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert model_threads() == 1


@pytest.mark.parametrize("value", ["", "0", "auto", "-2"])
def test_without_a_usable_cap_the_models_take_every_core(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", value)
    assert model_threads() == max(1, os.cpu_count() or 1)
