"""Remove near-duplicates between the held-out split and the training text (and count).

    python scripts/dedupe_heldout.py [--dry-run]

The held-out split (seeds/evaluation/heldout.jsonl) was written apart from the training
files, but both describe the same world, often as the same wire headline, and a held-out
item that nearly repeats a training example measures memory, not judgement. A pair is a
near-duplicate when the titles match (difflib ratio above TITLE_RATIO after normalising
case, spaces and punctuation) or title + summary have character 3-5-gram cosine
similarity of at least TEXT_COSINE. Same real event, other words, is kept.

The training line leaves its file (the training files are large; the held-out split is
the one independent measure, so it stays whole); a held-out item that repeats one of the
taxonomy's own examples leaves the held-out file instead (the taxonomy is not edited).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import unicodedata
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
HELDOUT = REPO / "seeds" / "evaluation" / "heldout.jsonl"
TRAINING = REPO / "seeds" / "training"
TITLE_RATIO = 0.85
TEXT_COSINE = 0.8


def normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def training_records() -> list[dict]:
    """Every training line, with "_file" and "_line" saying where it is."""
    return [
        {**json.loads(line), "_file": path.name, "_line": number}
        for path in sorted(TRAINING.glob("*.jsonl"))
        for number, line in enumerate(path.read_text("utf-8").splitlines())
        if line.strip()
    ]


def taxonomy_records() -> list[dict]:
    import yaml

    taxonomy = yaml.safe_load((REPO / "seeds" / "taxonomy.yaml").read_text("utf-8"))
    return [
        {"title": text, "_file": "taxonomy.yaml"}
        for trend in taxonomy["trends"]
        for text in (trend["statement"], *trend.get("examples", []))
    ]


def near_duplicates(held: list[dict], training: list[dict]) -> dict[int, list[int]]:
    """Held-out line index -> the indices of the training records it nearly repeats."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    def text(r: dict) -> str:
        return normal(f"{r.get('title', '')} {r.get('summary', '')}")

    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=1)
    matrix = vectoriser.fit_transform([text(r) for r in training + held])
    train, test = matrix[: len(training)], matrix[len(training) :]
    cosine = (test @ train.T).toarray()
    titles = [normal(r.get("title", "")) for r in training]
    found: dict[int, list[int]] = {}
    for i, record in enumerate(held):
        title = normal(record.get("title", ""))
        matches = [
            int(k)
            for k in np.argsort(-cosine[i])[:50]
            if cosine[i, k] >= TEXT_COSINE
            or difflib.SequenceMatcher(None, title, titles[k]).ratio() > TITLE_RATIO
        ]
        if matches:
            found[i] = matches
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    lines = [line for line in HELDOUT.read_text("utf-8").splitlines() if line.strip()]
    held = [json.loads(line) for line in lines]
    training = training_records() + taxonomy_records()
    found = near_duplicates(held, training)
    drop_held = set()
    drop_training: dict[str, set[int]] = {}
    for i, matches in sorted(found.items()):
        for k in matches:
            record = training[k]
            print(
                f"{held[i].get('id')}: {held[i]['title'][:60]!r} ~ {record['_file']}: "
                f"{record['title'][:60]!r}"
            )
            if record["_file"] == "taxonomy.yaml":
                drop_held.add(i)
            else:
                drop_training.setdefault(record["_file"], set()).add(record["_line"])
    removed = sum(len(v) for v in drop_training.values())
    print(
        f"{len(found)} of {len(held)} held-out items nearly repeat a training text: "
        f"{removed} training line(s) to remove "
        f"({', '.join(f'{k} {len(v)}' for k, v in sorted(drop_training.items()))}), "
        f"{len(drop_held)} held-out item(s) that repeat a taxonomy example."
    )
    if args.dry_run:
        return
    for name, numbers in drop_training.items():
        path = TRAINING / name
        kept = [x for n, x in enumerate(path.read_text("utf-8").splitlines()) if n not in numbers]
        path.write_text("\n".join(kept) + "\n", "utf-8")
    if drop_held:
        kept = [line for i, line in enumerate(lines) if i not in drop_held]
        HELDOUT.write_text("\n".join(kept) + "\n", "utf-8")
    print("Removed them.")


if __name__ == "__main__":
    main()
