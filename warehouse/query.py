"""Ad-hoc SQL for analysts, locked to reading the warehouse.

The connection is opened read-only, so a mistyped DELETE cannot harm the warehouse. A
read-only connection can still reach outside the file (COPY ... TO, ATTACH ... READ_WRITE,
read_text('/etc/shadow'), INSTALL httpfs), so before the analyst's SQL runs we switch off
DuckDB's external access and lock its configuration, and accept only the statement types
in `ALLOWED` (SELECT includes WITH, FROM, VALUES, SHOW, DESCRIBE and SUMMARIZE). DuckDB's
own messages for anything refused are passed on in one sentence.

A query may also be given a memory limit. DuckDB's `memory_limit` covers what its buffer
manager holds (hash tables, sorts, materialised results), but not every allocation: the
2 GB string of `SELECT length(repeat('x', 2000000000))` is built outside it (measured:
4.0 GB at a 1 GB limit). So for the length of the query and of fetching its rows the
process's data limit (RLIMIT_DATA, Linux) is lowered to what it uses now plus the limit:
an allocation past it fails inside DuckDB (its OutOfMemoryException) or in Python
(MemoryError), and either becomes one sentence. The limit is put back afterwards; it
is process-wide while the query runs, which suits the CLI's one-query process.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
    """An analyst query's column names and rows."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


def lock_down(con: duckdb.DuckDBPyConnection, memory_limit_bytes: int | None = None) -> None:
    """No files but the warehouse, no extensions, no network, no changing that back
    (nor the memory limit, when one is given)."""
    row = con.execute(
        "SELECT current_setting('lock_configuration'), current_setting('enable_external_access')"
    ).fetchone()
    assert row is not None  # a SELECT without FROM returns one row
    locked, external = row
    if locked and not external:
        return  # this connection already ran a query
    if memory_limit_bytes is not None:
        con.execute(f"SET memory_limit = '{int(memory_limit_bytes)}B'")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def _data_in_use() -> int | None:
    """Bytes of the process's private data now (VmData), where Linux says; else None."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


@contextmanager
def _data_limit(extra_bytes: int | None) -> Iterator[None]:
    """The process may grow by at most `extra_bytes` of data inside the block (Linux)."""
    used = _data_in_use() if extra_bytes is not None else None
    if used is None or extra_bytes is None or sys.platform != "linux":
        yield
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    wanted = used + extra_bytes
    for bound in (soft, hard):
        if bound != resource.RLIM_INFINITY:
            wanted = min(wanted, bound)  # never looser than the limits already set
    resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _refuse_statements(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as error:
        raise QueryError(f"The query failed: {_first_line(error)}", sql=sql) from error
    for statement in statements:
        if statement.type not in ALLOWED:
            kind = statement.type.name.replace("_STATEMENT", "")
            raise QueryError(
                f"A query is read-only and runs only {', '.join(ALLOWED.values())} "
                f"statements, not {kind}; use the duckdb CLI on a copy for anything else.",
                sql=sql,
            )


def run_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    limit: int | None = None,
    *,
    memory_limit_bytes: int | None = None,
    memory_limit_name: str = "the memory limit",
    memory_limit_setting: str | None = None,
) -> QueryResult:
    """Run one analyst query and fetch its rows (at most `limit`, when given), within
    `memory_limit_bytes` when given (`memory_limit_name` says what the limit is, and
    `memory_limit_setting` which setting set it)."""
    if limit is not None and limit < 0:
        raise QueryError(
            f"A query's row limit must be 0 or more, not {limit}.", sql=sql, parameter="limit"
        )
    _refuse_statements(con, sql)
    try:
        lock_down(con, memory_limit_bytes)
        with _data_limit(memory_limit_bytes):
            cursor = con.execute(sql)
            if cursor.description is None:
                return QueryResult([], [])
            columns = [column[0] for column in cursor.description]
            rows = cursor.fetchmany(limit) if limit is not None else cursor.fetchall()
    except (duckdb.OutOfMemoryException, MemoryError) as error:
        raise QueryError(
            f"The query needed more memory than {memory_limit_name} allows; narrow it (fewer "
            "rows or columns, a LIMIT, an aggregate) or raise that limit.",
            sql=sql,
            setting=memory_limit_setting,
        ) from error
    except duckdb.Error as error:
        raise QueryError(f"The query failed: {_first_line(error)}", sql=sql) from error
    return QueryResult(columns, rows)
