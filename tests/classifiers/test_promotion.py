"""Learning that cannot make things worse: a refit is promoted only when no worse."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import spacebrief
from spacebrief._learning import default_eval_paths
from spacebrief.classifiers.promotion import HeadFigures, decide, split_feedback
from spacebrief.classifiers.types import FeedbackExample
from spacebrief.flows.cli import app
from spacebrief.flows.settings import Settings
from spacebrief.ingest.types import Item
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse.items import insert_items
from spacebrief.warehouse.labels import record_feedback
from spacebrief.warehouse.train_attempts import list_attempts

FIXTURE = Path(__file__).parents[2] / "seeds" / "evaluation" / "multilingual.jsonl"


def test_no_worse_on_both_sets_promotes():
    old = HeadFigures(0.60, 0.90, 0.70)
    assert decide(old, HeadFigures(0.60, 0.90, 0.70))[0]
    assert decide(old, HeadFigures(0.62, 0.903, 0.75))[0]
    assert decide(old, HeadFigures(0.597, 0.90, None))[0]  # within the float tolerance


@pytest.mark.parametrize(
    ("new", "named"),
    [
        (HeadFigures(0.55, 0.90, 0.90), "evaluation macro F1 0.600 -> 0.550"),
        (HeadFigures(0.70, 0.80, 0.90), "evaluation relevance accuracy"),
        (HeadFigures(0.70, 0.95, 0.60), "held-out feedback agreement 0.700 -> 0.600"),
    ],
)
def test_worse_on_either_set_keeps_the_old_head_and_says_why(new, named):
    promote, reason = decide(HeadFigures(0.60, 0.90, 0.70), new)
    assert not promote
    assert reason.startswith("kept the old head") and named in reason


def test_too_little_held_out_feedback_cannot_call_a_head_no_worse():
    """One held-out verdict gave "0.000 -> 0.000" and a promotion; now it keeps the head."""
    same = HeadFigures(0.60, 0.90, 0.0)
    promote, reason = decide(same, same, held_out=1)
    assert not promote
    assert "only 1 held-out verdict" in reason and "at least 10" in reason
    assert decide(same, same, held_out=10)[0]
    assert decide(same, same, held_out=2, min_held_out=2)[0]


def test_the_held_out_third_is_stable_and_disjoint():
    feedback = [FeedbackExample(f"title {n}", "", "W1", n % 2 == 0) for n in range(90)]
    fitted, held = split_feedback(feedback)
    assert split_feedback(list(reversed(feedback)))[1] == list(reversed(held))
    assert not set(map(id, fitted)) & set(map(id, held))
    assert 15 <= len(held) <= 45


def _contradicting_warehouse(home: Path) -> Warehouse:
    """Feedback that denies every true label of the shipped evaluation items: fitting on
    it must make the head worse on that data, so it must not be promoted."""
    warehouse = Warehouse(home / "spacebrief.duckdb")
    now = datetime(2026, 12, 1, tzinfo=UTC)
    records = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines() if line]
    items = [
        Item(
            item_id=r["id"],
            url=None,
            guid=None,
            title=r["title"],
            summary=r.get("summary", ""),
            language=r.get("language"),
            source_id="fixture",
            source_name="Fixture",
            published_at=now,
            published_inferred=False,
            fetched_at=now,
            content_hash=r["id"],
            cluster_id=r["id"],
        )
        for r in records
    ]
    with warehouse.write() as con, transaction(con):
        insert_items(con, items)
        for r in records:
            for trend in r.get("labels") or []:
                record_feedback(con, r["id"], trend, False, analyst="slack:mallory", now=now)
    return warehouse


@pytest.mark.slow
def test_a_refit_that_is_worse_is_kept_out_recorded_and_shown(home):
    settings = Settings()
    warehouse = _contradicting_warehouse(home)
    assert default_eval_paths() == [FIXTURE]

    first = spacebrief.open(warehouse.path, settings=settings).train_and_promote()

    row = first.row
    assert row.decision == "kept", first.describe()
    assert "worse on" in row.reason
    assert row.new_eval_macro_f1 < row.old_eval_macro_f1
    assert row.old_version != row.new_version and row.eval_items == 30
    assert row.feedback_fitted + row.feedback_held_out == row.feedback_total
    assert not spacebrief.open(settings=settings).head_path.exists()  # the packaged head decides

    again = spacebrief.open(warehouse.path, settings=settings).train_and_promote()
    assert again.row.decision == "skipped" and "no new feedback" in again.row.reason
    with warehouse.read() as con:
        assert [a.decision for a in list_attempts(con)] == ["skipped", "kept"]

    shown = CliRunner().invoke(app, ["train", "--status"], env={"COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    assert "kept" in shown.output and "skipped" in shown.output
    assert f"{row.old_eval_macro_f1:.3f} -> {row.new_eval_macro_f1:.3f}" in shown.output


@pytest.mark.slow
def test_a_refit_that_is_no_worse_is_promoted_and_classify_loads_it(home):
    """Feedback that confirms the evaluation items' labels (so the fit cannot get worse on
    them: this exercises the promote path, it is not a quality figure)."""
    settings = Settings()
    warehouse = _contradicting_warehouse(home)
    records = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines() if line]
    with warehouse.write() as con, transaction(con):
        for r in records:
            for trend in r.get("labels") or []:
                record_feedback(con, r["id"], trend, True, analyst="slack:ana")

    result = spacebrief.open(warehouse.path, settings=settings).train_and_promote()

    assert result.row.decision == "promoted", result.describe()
    assert result.row.new_eval_macro_f1 >= result.row.old_eval_macro_f1 - 0.005
    assert spacebrief.open(settings=settings).head_path.exists()
    from spacebrief.classifiers.head import load_head

    assert load_head(spacebrief.open(settings=settings).head_path).version == result.row.new_version


@pytest.mark.slow
def test_a_refit_on_a_handful_of_verdicts_is_kept_until_more_feedback_comes(home):
    """The issue's `feedback ID W1 --yes` then `train --promote`: kept, and it says why."""
    settings = Settings()
    warehouse = _contradicting_warehouse(home)
    with warehouse.write() as con, transaction(con):
        con.execute("DELETE FROM feedback")
        first = con.execute("SELECT item_id FROM items ORDER BY item_id LIMIT 3").fetchall()
        for (item_id,) in first:
            record_feedback(con, item_id, "W1", True, analyst="ana")

    result = spacebrief.open(warehouse.path, settings=settings).train_and_promote()

    assert result.row.decision == "kept", result.describe()
    assert "held-out verdict" in result.row.reason and "at least 10" in result.row.reason
    assert not spacebrief.open(settings=settings).head_path.exists()

    shown = CliRunner().invoke(app, ["train", "--promote"], env={"COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    assert "at least 10" in shown.output


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_the_train_flow_records_its_attempt_under_prefect(home):
    from spacebrief.flows.pipeline import train_flow

    warehouse = Warehouse(Settings().warehouse_path)
    warehouse.initialise()

    summary = train_flow()

    assert summary.row.decision == "skipped"
    with warehouse.read() as con:
        assert [a.decision for a in list_attempts(con)] == ["skipped"]
