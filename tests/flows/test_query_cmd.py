"""`spacebrief query`: read-only SQL in three formats, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacebrief.flows.cli import app
from spacebrief.warehouse import Warehouse

runner = CliRunner()


@pytest.fixture
def filled_home(home: Path) -> Path:
    with Warehouse(home / "spacebrief.duckdb").write() as con:
        con.execute(
            "INSERT INTO sources (source_id, name, url) VALUES"
            " ('a', 'Alpha Wire', 'https://a.example/rss'),"
            " ('b', 'Beta <News>', 'https://b.example/rss')"
        )
    return home


def test_json_output_is_a_list_of_records(filled_home: Path) -> None:
    result = runner.invoke(
        app, ["query", "SELECT source_id, name FROM sources ORDER BY 1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"source_id": "a", "name": "Alpha Wire"},
        {"source_id": "b", "name": "Beta <News>"},
    ]


def test_csv_output_has_a_header(filled_home: Path) -> None:
    result = runner.invoke(app, ["query", "SELECT name FROM sources ORDER BY 1", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["name"],
        ["Alpha Wire"],
        ["Beta <News>"],
    ]


def test_csv_lines_end_in_lf_so_a_shell_can_pass_a_field_on(filled_home: Path) -> None:
    """`spacebrief feedback $(spacebrief query ... -f csv | tail -1) W1 --yes` read a `\\r`
    into the item id while the CSV ended its lines with CRLF."""
    result = runner.invoke(app, ["query", "SELECT source_id FROM sources ORDER BY 1", "-f", "csv"])
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes  # `.stdout` would turn CRLF into LF for us
    assert b"\r" not in raw
    assert raw == b"source_id\na\nb\n"


def test_table_output_counts_rows(filled_home: Path) -> None:
    result = runner.invoke(app, ["query", "SELECT source_id, name FROM sources"])
    assert result.exit_code == 0, result.output
    assert "Alpha Wire" in result.stdout
    assert "2 row(s)" in result.stdout


def test_writes_are_refused_in_one_sentence(filled_home: Path) -> None:
    result = runner.invoke(app, ["query", "DELETE FROM sources"])
    assert result.exit_code == 1
    assert "read-only" in result.output
    assert "Traceback" not in result.output
    with Warehouse(filled_home / "spacebrief.duckdb").read() as con:
        assert con.execute("SELECT count(*) FROM sources").fetchone() == (2,)


def test_a_missing_warehouse_says_what_to_run(home: Path) -> None:
    result = runner.invoke(app, ["query", "SELECT 1"])
    assert result.exit_code == 1
    assert "There is no warehouse at" in result.output
    assert "ingest something into it first" in result.output
    assert "(SPACEBRIEF_HOME)" in result.output  # the CLI names the variable


@pytest.mark.parametrize(
    "sql",
    [
        "COPY sources TO '{out}/stolen.csv'",
        "ATTACH '{out}/other.duckdb' AS other (READ_WRITE)",
        "SELECT * FROM read_text('/etc/shadow')",
        "SELECT * FROM read_csv('/etc/hostname')",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SELECT 1; COPY sources TO '{out}/stolen.csv'",
    ],
    ids=["copy-to", "attach-rw", "read-text", "read-csv", "install", "load", "set", "second"],
)
def test_query_cannot_reach_beyond_the_warehouse(filled_home: Path, tmp_path: Path, sql) -> None:
    result = runner.invoke(app, ["query", sql.format(out=tmp_path)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "stolen.csv").exists() and not (tmp_path / "other.duckdb").exists()


def test_query_still_answers_select_show_describe_explain_and_pragma(filled_home: Path) -> None:
    for sql in (
        "WITH s AS (SELECT * FROM sources) SELECT count(*) FROM s",
        "SHOW TABLES",
        "DESCRIBE sources",
        "EXPLAIN SELECT * FROM v_items",
        "PRAGMA table_info('sources')",
        "FROM sources",
    ):
        result = runner.invoke(app, ["query", sql, "-f", "json"])
        assert result.exit_code == 0, (sql, result.output)


def test_a_query_past_the_memory_limit_is_refused_in_one_sentence(
    filled_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 25, row 12: `SELECT length(repeat('x', 2000000000))` once took 4 GB.

    DuckDB builds that string outside its buffer manager, so its own `memory_limit`
    alone lets it through (measured: 4.0 GB at a 1 GB limit); the query runs under the
    process's data limit as well.
    """
    monkeypatch.setenv("SPACEBRIEF_QUERY_MEMORY_LIMIT", "256MB")
    result = runner.invoke(app, ["query", "SELECT length(repeat('x', 600000000)) AS n"])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "256MB" in lines[0] and "SPACEBRIEF_QUERY_MEMORY_LIMIT" in lines[0]
    again = runner.invoke(app, ["query", "SELECT count(*) AS n FROM sources", "-f", "json"])
    assert again.exit_code == 0 and json.loads(again.stdout) == [{"n": 2}]


def test_the_memory_limit_leaves_ordinary_queries_alone(
    filled_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPACEBRIEF_QUERY_MEMORY_LIMIT", "256MB")
    sql = "SELECT count(*) AS n, max(length(repeat('x', 1000))) AS longest FROM range(100000)"
    result = runner.invoke(app, ["query", sql, "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"n": 100000, "longest": 1000}]
    with Warehouse(filled_home / "spacebrief.duckdb").read() as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone() != ("256.0 MiB",)


@pytest.mark.parametrize("value", ["0", "-1GB", "lots", "120%"])
def test_a_memory_limit_that_is_not_a_size_is_one_sentence(
    filled_home: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SPACEBRIEF_QUERY_MEMORY_LIMIT", value)
    result = runner.invoke(app, ["query", "SELECT 1"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: The setting SPACEBRIEF_QUERY_MEMORY_LIMIT is wrong")
