"""`spacebrief watch add/list/test/remove` as an analyst runs it (the rules' effect on
alerts is tested through the library in tests/alerts/test_watch_rules.py)."""

from __future__ import annotations

from typer.testing import CliRunner

from spacebrief.flows.cli import app
from spacebrief.warehouse import Warehouse
from tests.alerts.test_watch_rules import BEIDOU, WEATHER, _ingest


def test_watch_cli_adds_lists_tests_and_removes_with_history(tmp_path, monkeypatch):
    monkeypatch.setenv("SPACEBRIEF_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    warehouse = Warehouse(tmp_path / "home" / "spacebrief.duckdb")
    _ingest(warehouse, BEIDOU, WEATHER)

    added = runner.invoke(app, ["watch", "add", "bd", "title:北斗", "--analyst", "ana"])
    assert added.exit_code == 0 and "Watch rule 'bd' added" in added.output
    bad = runner.invoke(app, ["watch", "add", "x", "ILRS AND (Egypt"])
    assert bad.exit_code == 1 and "ends too early" in bad.output
    assert len(bad.output.strip().splitlines()) == 1

    tried = runner.invoke(app, ["watch", "test", "北斗 OR storms", "--days", "3650"])
    assert tried.exit_code == 0, tried.output
    assert "2 item(s) in 2 stories matched; nothing was alerted." in tried.output
    listed = runner.invoke(app, ["watch", "list"])
    assert "bd" in listed.output and "title:北斗" in listed.output and "ana" in listed.output
    removed = runner.invoke(app, ["watch", "remove", "bd", "--analyst", "bo"])
    assert removed.exit_code == 0
    history = runner.invoke(app, ["watch", "list", "--history"])
    assert "add" in history.output and "remove" in history.output and "bo" in history.output
    assert runner.invoke(app, ["watch", "remove", "bd"]).exit_code == 1
