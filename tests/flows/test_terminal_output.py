"""Feed text never controls the analyst's terminal: no markup read, no raw escapes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacebrief.flows.cli import app
from spacebrief.flows.cli.terminal import untrusted, visible
from spacebrief.flows.settings import Settings
from spacebrief.warehouse import Warehouse
from tests.alerts.conftest import Stories

runner = CliRunner()
HOSTILE = "[/] [link=http://evil.example]click[/link] [bold]x \x1b[2J\x1b]8;;http://e\x07 \u202eabc"
RAW = ("\x1b", "\x07", "\u202e")


@pytest.fixture
def hostile_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLUMNS", "300")
    with Warehouse(home / "spacebrief.duckdb").write() as con:
        con.execute(
            "INSERT INTO sources (source_id, name, url) VALUES ('evil', ?, 'https://e.example/')",
            [HOSTILE],
        )
    return home


def assert_safe(output: str) -> None:
    assert not any(raw in output for raw in RAW), repr(output)


def test_visible_writes_controls_as_escapes_and_keeps_text():
    assert visible("a\x1b[2Jb\u202ec\nd\te") == "a\\x1b[2Jb\\u202ec\nd\te"
    assert untrusted("[/] boom").plain == "[/] boom"


def test_query_table_shows_markup_literally_and_escapes_visibly(hostile_home: Path) -> None:
    result = runner.invoke(app, ["query", 'SELECT name AS "[red]n" FROM sources'])
    assert result.exit_code == 0, result.output
    assert "[/] [link=http://evil.example]click[/link] [bold]x" in result.stdout
    assert "[red]n" in result.stdout
    assert "\\x1b[2J" in result.stdout and "\\u202e" in result.stdout
    assert_safe(result.stdout)


def test_query_csv_carries_no_raw_escapes(hostile_home: Path) -> None:
    result = runner.invoke(app, ["query", "SELECT name FROM sources", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert_safe(result.stdout)
    (_, (name,)) = list(csv.reader(io.StringIO(result.stdout)))
    assert name == visible(HOSTILE)


def test_sources_table_prints_feed_names_literally(hostile_home: Path) -> None:
    result = runner.invoke(app, ["sources", "--all"])
    assert result.exit_code == 0, result.output
    assert "[link=http://evil.example]" in result.stdout
    assert_safe(result.stdout)


def test_the_error_printer_prints_markup_in_an_error_literally(hostile_home: Path) -> None:
    result = runner.invoke(app, ["query", "select error('[/] boom \x1b[2J')"])
    assert result.exit_code == 1, result.output
    assert "[/] boom \\x1b[2J" in result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "Traceback" not in result.output
    assert_safe(result.output)


def test_alerts_dry_run_shows_hostile_titles_without_escapes(home: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    stories = Stories(Warehouse(Settings().warehouse_path), "outbox")
    stories.add(f"Egypt joins ILRS {HOSTILE}", {"W1": 0.81})
    result = runner.invoke(app, ["alerts", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Egypt joins ILRS" in result.stdout and "\\x1b[2J" in result.stdout
    assert_safe(result.stdout)
