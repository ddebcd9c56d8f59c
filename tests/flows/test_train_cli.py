"""`spacebrief train --status/--promote` as an operator runs them, and the nightly train
flow under Prefect (the refit and its promotion rule are tested through the library in
tests/classifiers/test_promotion.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

import spacebrief
from spacebrief import Settings
from spacebrief.flows.cli import app
from spacebrief.flows.pipeline import train_flow
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse.labels import record_feedback
from spacebrief.warehouse.train_attempts import TrainAttemptRow, list_attempts, record_attempt
from tests.classifiers.test_promotion import _contradicting_warehouse

NIGHT = datetime(2025, 5, 1, 2, tzinfo=UTC)


def test_train_status_shows_each_attempt_with_its_decision_and_figures(home) -> None:
    warehouse = Warehouse(Settings().warehouse_path)
    warehouse.initialise()
    kept = TrainAttemptRow(
        NIGHT, NIGHT, "kept", "worse on the evaluation set", "old-v", "new-v",
        eval_items=30, old_eval_macro_f1=0.612, new_eval_macro_f1=0.587,
        old_eval_relevance=0.9, new_eval_relevance=0.88,
    )  # fmt: skip
    skipped = TrainAttemptRow(
        NIGHT.replace(day=2), NIGHT.replace(day=2), "skipped", "no new feedback"
    )
    with warehouse.write() as con, transaction(con):
        record_attempt(con, kept)
        record_attempt(con, skipped)

    shown = CliRunner().invoke(app, ["train", "--status"], env={"COLUMNS": "250"})

    assert shown.exit_code == 0, shown.output
    assert "kept" in shown.output and "skipped" in shown.output
    assert "0.612 -> 0.587" in shown.output


@pytest.mark.slow
def test_train_promote_says_why_a_refit_on_a_handful_of_verdicts_is_kept(home) -> None:
    """The issue's `feedback ID W1 --yes` then `train --promote`: kept, and it says why."""
    warehouse = _contradicting_warehouse(home)
    with warehouse.write() as con, transaction(con):
        con.execute("DELETE FROM feedback")
        first = con.execute("SELECT item_id FROM items ORDER BY item_id LIMIT 3").fetchall()
        for (item_id,) in first:
            record_feedback(con, item_id, "W1", True, analyst="ana")

    shown = CliRunner().invoke(app, ["train", "--promote"], env={"COLUMNS": "250"})

    assert shown.exit_code == 0, shown.output
    assert "at least 10" in shown.output
    assert not spacebrief.open(settings=Settings()).head_path.exists()


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_the_train_flow_records_its_attempt_under_prefect(home):
    warehouse = Warehouse(Settings().warehouse_path)
    warehouse.initialise()

    summary = train_flow()

    assert summary.row.decision == "skipped"
    with warehouse.read() as con:
        assert [a.decision for a in list_attempts(con)] == ["skipped"]
