"""seeds/training/ and seeds/candidates/: what every written example must be before a head
is fitted on it.

The trend files (trends-*.jsonl, trained on or waiting as candidates) carry the kinds of
seeds/README.md: a positive an analyst tags, a near-miss of a confusable neighbour naming
the trends it is written not to be, a hard negative with no labels. A line that breaks
those rules teaches the opposite of what its writer meant, and nothing downstream would
say so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spacebrief.classifiers.jsonlines import read_records
from spacebrief.classifiers.taxonomy import load_taxonomy
from spacebrief.classifiers.training import STANCE_FILES, training_dir, written_examples

CANDIDATES = training_dir().parent / "candidates"
TREND_FILES = sorted([*training_dir().glob("trends-*.jsonl"), *CANDIDATES.glob("trends-*.jsonl")])
KINDS = {"positive", "near-miss", "hard-negative"}


def lines(path: Path) -> list[dict]:
    return read_records(path, dict, what="training", shape="a JSON object")


@pytest.fixture(scope="module")
def trend_ids() -> set[str]:
    return {trend.trend_id for trend in load_taxonomy().trends}


def test_every_item_file_reads_as_examples_with_known_trends(trend_ids: set[str]) -> None:
    examples = written_examples()
    assert len(examples) > 2900
    assert {t for example in examples for t in example.verdicts} <= trend_ids
    item_files = [p for p in training_dir().glob("*.jsonl") if p.name not in STANCE_FILES]
    assert sum(len(lines(p)) for p in item_files) == len(examples)


@pytest.mark.parametrize("path", TREND_FILES, ids=lambda p: p.name)
def test_trend_file_lines_keep_to_their_kind(path: Path, trend_ids: set[str]) -> None:
    for record in lines(path):
        title = record["title"][:60]
        assert record["kind"] in KINDS, title
        assert record["event"].strip(), title
        assert set(record.get("contrast") or ()) <= trend_ids, title
        if record["kind"] == "hard-negative":
            assert record["labels"] == [], title
        else:
            assert record["labels"], title
            assert set(record["labels"]) <= trend_ids, title
        if record["kind"] == "near-miss":
            assert record["contrast"], title
            assert not set(record["contrast"]) & set(record["labels"]), title


def test_the_watch_breadth_candidates_widen_the_two_watch_trends_feeds_missed_most() -> None:
    records = lines(CANDIDATES / "trends-watch-breadth.jsonl")
    positives = [r for r in records if r["kind"] == "positive"]
    for trend in ("W3", "W6"):
        labelled = [r for r in positives if trend in r["labels"]]
        assert len(labelled) >= 25, trend
        assert len({r["language"] for r in labelled}) >= 12, trend
    negatives = [r for r in records if r["kind"] == "hard-negative"]
    assert {c for r in negatives for c in r["contrast"]} >= {"W3", "W6", "W7"}
