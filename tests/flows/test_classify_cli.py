"""`spacebrief classify --input/--output`, `spacebrief eval` and `spacebrief feedback` as a
user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from spacebrief import Settings
from spacebrief.flows.cli import app
from spacebrief.warehouse import Warehouse

runner = CliRunner()

ITEMS = [
    {
        "id": "a",
        "title": "Senegal becomes a partner of China's lunar research station",
        "summary": "The West African country signed an ILRS memorandum with CNSA.",
        "source": "x",
    },
    {
        "id": "b",
        "title": "Perseid meteors light up the August sky",
        "summary": "Skywatchers counted dozens of meteors an hour.",
    },
]


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_classify_reads_items_and_writes_one_result_line_each(tmp_path: Path, home: Path) -> None:
    source = _write(tmp_path / "items.jsonl", ITEMS)
    target = tmp_path / "out" / "labels.jsonl"

    result = runner.invoke(app, ["classify", "--input", str(source), "--output", str(target)])

    assert result.exit_code == 0, result.output
    assert "Classified 2 item(s)" in result.output
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    for line in lines:
        assert {"id", "relevant", "relevance", "labels", "scores"} <= set(line)
        assert len(line["scores"]) == 19
    assert lines[0]["relevant"] and "W1" in lines[0]["labels"]
    assert set(lines[0]["stance"]) == set(lines[0]["labels"])
    assert lines[0]["stance"]["W1"]["stance"] in ("supports", "against")
    assert not lines[1]["relevant"] and lines[1]["labels"] == []
    assert not (home / "spacebrief.duckdb").exists()


def test_a_bad_input_line_is_one_sentence_and_exit_1(tmp_path: Path, home: Path) -> None:
    source = tmp_path / "items.jsonl"
    source.write_text('{"title": "no id"}\n')
    result = runner.invoke(
        app, ["classify", "--input", str(source), "--output", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert "items.jsonl:1 is not an item" in result.output
    assert "Traceback" not in result.output


def test_eval_prints_per_label_figures_and_json(tmp_path: Path, home: Path) -> None:
    labelled = _write(
        tmp_path / "labelled.jsonl",
        [
            {**ITEMS[0], "relevant": True, "labels": ["W1"]},
            {**ITEMS[1], "relevant": False, "labels": []},
        ],
    )
    result = runner.invoke(app, ["eval", "--input", str(labelled), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["items"] == 2
    assert report["relevance_accuracy"] == 1.0
    assert report["per_label"]["W1"]["recall"] == 1.0
    assert set(report["per_label"]) >= {"R1", "D6", "W7"}

    table = runner.invoke(app, ["eval", "--input", str(labelled)], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "macro" in table.output and "Relevance accuracy 1.000" in table.output
    assert "gold off-theme" in table.output


def test_eval_refuses_labels_the_taxonomy_does_not_know(tmp_path: Path, home: Path) -> None:
    labelled = _write(tmp_path / "l.jsonl", [{**ITEMS[0], "relevant": True, "labels": ["X9"]}])
    result = runner.invoke(app, ["eval", "--input", str(labelled)])
    assert result.exit_code == 1
    assert "X9" in result.output


def test_feedback_for_an_unknown_trend_or_item_is_one_sentence(home: Path) -> None:
    Warehouse(Settings().warehouse_path).initialise()
    unknown_trend = runner.invoke(app, ["feedback", "x", "Z1", "--no"])
    assert unknown_trend.exit_code == 1 and "'Z1' is not a trend" in unknown_trend.output
    unknown_item = runner.invoke(app, ["feedback", "x", "W1", "--no"])
    assert unknown_item.exit_code == 1 and "no item 'x'" in unknown_item.output
