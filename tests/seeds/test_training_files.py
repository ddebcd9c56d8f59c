"""seeds/training/ and seeds/candidates/: what every written example must be before a head
is fitted on it.

The trend files (trends-*.jsonl, trained on or waiting as candidates) carry the kinds of
seeds/README.md: a positive an analyst tags, a near-miss of a confusable neighbour naming
the trends it is written not to be, a hard negative with no labels. A line that breaks
those rules teaches the opposite of what its writer meant, and nothing downstream would
say so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spacebrief.classifiers.jsonlines import read_records
from spacebrief.classifiers.taxonomy import load_taxonomy
from spacebrief.classifiers.training import STANCE_FILES, training_dir, written_examples

CANDIDATES = training_dir().parent / "candidates"
TREND_FILES = sorted([*training_dir().glob("trends-*.jsonl"), *CANDIDATES.glob("trends-*.jsonl")])
KINDS = {"positive", "near-miss", "hard-negative"}
SIGNING = re.compile(r"\bsigns? the artemis accords", re.IGNORECASE)


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


def test_the_watch_breadth_file_widens_the_two_watch_trends_feeds_missed_most() -> None:
    records = lines(training_dir() / "trends-watch-breadth.jsonl")
    positives = [r for r in records if r["kind"] == "positive"]
    for trend in ("W3", "W6"):
        labelled = [r for r in positives if trend in r["labels"]]
        assert len(labelled) >= 25, trend
        assert len({r["language"] for r in labelled}) >= 12, trend
    negatives = [r for r in records if r["kind"] == "hard-negative"]
    assert {c for r in negatives for c in r["contrast"]} >= {"W3", "W6", "W7"}


def test_bloc_declarations_on_weapons_in_space_are_r6_not_w7() -> None:
    """W7 is China and Russia together; a BRICS or SCO declaration is a bloc's voice in
    space governance, and teaching it as W7 made the head alert on every joint vote."""
    records = lines(training_dir() / "trends-watch-w7.jsonl")
    blocs = [r for r in records if r["event"].startswith(("BRICS", "SCO"))]
    assert len(blocs) >= 15
    for record in blocs:
        assert "W7" not in record["labels"] and "W7" in record["contrast"], record["event"]
    w7 = [r for r in records if "W7" in r["labels"]]
    assert len(w7) >= 20
    assert sum(r["kind"] == "hard-negative" for r in records) >= 10


@pytest.mark.parametrize("path", TREND_FILES, ids=lambda p: p.name)
def test_an_artemis_accords_signing_is_never_w1(path: Path) -> None:
    for record in lines(path):
        if SIGNING.search(record["event"]):
            assert "W1" not in record["labels"], record["event"]


def test_the_w1_contrasts_are_bloc_framings_labelled_r2() -> None:
    records = lines(training_dir() / "trends-watch-w1.jsonl")
    near = [r for r in records if r["kind"] == "near-miss"]
    assert len(near) >= 25
    assert all("R2" in r["labels"] and r["contrast"] == ["W1"] for r in near)
    assert sum("W1" in r["labels"] for r in records) >= 10


def test_indias_own_programme_is_not_w5_without_a_partner_in_the_text() -> None:
    """W5 is India as a bridge to the South; a GSLV launch of an Indian satellite is not."""
    records = lines(training_dir() / "trends-watch-w5.jsonl")
    assert len(records) >= 30
    assert all(r["contrast"] == ["W5"] and "W5" not in r["labels"] for r in records)


def test_russias_own_programme_is_not_d4_without_a_partner_in_the_text() -> None:
    records = lines(training_dir() / "trends-declining-d4.jsonl")
    assert len(records) >= 30
    assert all(r["contrast"] == ["D4"] and "D4" not in r["labels"] for r in records)


def test_each_relabel_names_a_training_line_that_now_carries_its_label(
    trend_ids: set[str],
) -> None:
    """Labels the older files missed (rule 31 of docs/classifier.md), applied for rule 35:
    seeds/watch-relabels.jsonl keeps the record of what changed and why."""
    relabels = lines(training_dir().parent / "watch-relabels.jsonl")
    assert len(relabels) >= 20
    files = {name: lines(training_dir() / name) for name in {r["file"] for r in relabels}}
    for relabel in relabels:
        assert relabel["add"] in trend_ids and relabel["why"].strip()
        titled = [r for r in files[relabel["file"]] if r["title"] == relabel["title"]]
        assert len(titled) == 1, relabel["title"]
        assert relabel["add"] in titled[0]["labels"], relabel["title"]
