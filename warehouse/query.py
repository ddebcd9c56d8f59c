"""Ad-hoc SQL for analysts, on a read-only connection.

The connection is opened read-only, so a mistyped DELETE cannot harm the warehouse;
DuckDB refuses it with its own clear message, which we pass on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from warehouse.exceptions import WarehouseError


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def run_query(con: duckdb.DuckDBPyConnection, sql: str, limit: int | None = None) -> QueryResult:
    """Run one analyst query and fetch its rows (at most `limit`, when given)."""
    try:
        cursor = con.execute(sql)
    except duckdb.Error as error:
        raise WarehouseError(f"The query failed: {error}") from error
    if cursor.description is None:
        return QueryResult([], [])
    columns = [column[0] for column in cursor.description]
    rows = cursor.fetchmany(limit) if limit is not None else cursor.fetchall()
    return QueryResult(columns, rows)
