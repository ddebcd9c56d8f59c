"""Ad-hoc SQL for analysts, locked to reading the warehouse.

The connection is opened read-only, so a mistyped DELETE cannot harm the warehouse. A
read-only connection can still reach outside the file (COPY ... TO, ATTACH ... READ_WRITE,
read_text('/etc/shadow'), INSTALL httpfs), so before the analyst's SQL runs we switch off
DuckDB's external access and lock its configuration, and accept only the statement types
in `ALLOWED` (SELECT includes WITH, FROM, VALUES, SHOW, DESCRIBE and SUMMARIZE). DuckDB's
own messages for anything refused are passed on in one sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from spacebrief.warehouse.exceptions import QueryError

ALLOWED = {
    duckdb.StatementType.SELECT: "SELECT",
    duckdb.StatementType.EXPLAIN: "EXPLAIN",
    duckdb.StatementType.PRAGMA: "PRAGMA",
}


def _first_line(error: duckdb.Error) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """No files but the warehouse, no extensions, no network, no changing that back."""
    row = con.execute(
        "SELECT current_setting('lock_configuration'), current_setting('enable_external_access')"
    ).fetchone()
    assert row is not None  # a SELECT without FROM returns one row
    locked, external = row
    if locked and not external:
        return  # this connection already ran a query
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def _refuse_statements(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as error:
        raise QueryError(f"The query failed: {_first_line(error)}") from error
    for statement in statements:
        if statement.type not in ALLOWED:
            kind = statement.type.name.replace("_STATEMENT", "")
            raise QueryError(
                f"spacebrief query is read-only and runs only {', '.join(ALLOWED.values())} "
                f"statements, not {kind}; use the duckdb CLI on a copy for anything else."
            )


def run_query(con: duckdb.DuckDBPyConnection, sql: str, limit: int | None = None) -> QueryResult:
    """Run one analyst query and fetch its rows (at most `limit`, when given)."""
    if limit is not None and limit < 0:
        raise QueryError(f"--limit must be 0 or more, not {limit}.")
    _refuse_statements(con, sql)
    try:
        lock_down(con)
        cursor = con.execute(sql)
    except duckdb.Error as error:
        raise QueryError(f"The query failed: {_first_line(error)}") from error
    if cursor.description is None:
        return QueryResult([], [])
    columns = [column[0] for column in cursor.description]
    rows = cursor.fetchmany(limit) if limit is not None else cursor.fetchall()
    return QueryResult(columns, rows)
