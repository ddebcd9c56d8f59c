"""`spacebrief digest` as an analyst runs it: a past edition into a folder, and its
errors (the edition itself is tested through the library in tests/digest/)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from spacebrief.flows.cli import app
from spacebrief.warehouse import Warehouse
from tests.digest.conftest import fill, week_rows


def test_the_cli_rebuilds_a_past_edition_into_a_chosen_folder(home: Path, tmp_path: Path) -> None:
    fill(Warehouse(home / "spacebrief.duckdb"), week_rows())
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["digest", "--date", "2025-03-24", "--days", "7", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "2025-03-24.html",
        "2025-03-24.json",
        "2025-03-24.md",
        "2025-03-24.txt",
    ]
    bad = CliRunner().invoke(app, ["digest", "--date", "24/03/2025"])
    assert bad.exit_code == 1
    assert "YYYY-MM-DD" in bad.output


def test_a_missing_warehouse_is_one_clear_error(home: Path) -> None:
    result = CliRunner().invoke(app, ["digest", "--date", "2025-03-24"])
    assert result.exit_code == 1
    assert "There is no warehouse" in result.output
