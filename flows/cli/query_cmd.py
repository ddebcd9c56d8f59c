"""`spacebrief query`: SQL that reads the warehouse, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import typer
from rich.table import Table

from spacebrief.flows.cli.app import app, console, handle
from spacebrief.flows.cli.terminal import untrusted, visible


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@app.command()
def query(
    sql: str = typer.Argument(..., help='The SQL to run, e.g. "SELECT * FROM v_watchlist".'),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, csv or json."),
    limit: int | None = typer.Option(None, "--limit", help="At most this many rows (0 or more)."),
) -> None:
    """Run SQL that reads the warehouse (tables and v_* views: see docs/warehouse.md).

    Only SELECT (with WITH, FROM, VALUES, SHOW, DESCRIBE, SUMMARIZE), EXPLAIN and PRAGMA
    run, on a read-only connection with no access to other files, extensions or the network,
    within SPACEBRIEF_QUERY_MEMORY_LIMIT (a quarter of the machine's memory by default).
    """
    result = handle().query(sql, limit=limit)
    if format is Format.json:
        records = [dict(zip(result.columns, map(_plain, row), strict=True)) for row in result.rows]
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    elif format is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")  # a shell reads LF lines
        writer.writerow([visible(column) for column in result.columns])
        for row in result.rows:
            writer.writerow(
                [
                    visible(json.dumps(v) if isinstance(v, list | dict) else v)
                    if v is not None
                    else None
                    for v in map(_plain, row)
                ]
            )
    else:
        table = Table(show_lines=False)
        for column in result.columns:
            table.add_column(untrusted(column))
        for row in result.rows:
            table.add_row(*(untrusted("" if v is None else v) for v in map(_plain, row)))
        console.print(table)
        console.print(f"{len(result.rows)} row(s)", style="dim")
