"""What can go wrong with the warehouse, worded for the person at the keyboard.

DuckDB's own exceptions stop here: `warehouse/` turns them into these, so no other folder
needs to import duckdb to tell a busy file from a damaged one.
"""

from __future__ import annotations

from pathlib import Path

from spacebrief.exceptions import SpacebriefError


class WarehouseError(SpacebriefError):
    """The warehouse could not do what was asked; the message says why and what to do."""

    path: Path | None = None  # the DuckDB file (or the folder of its locks)


class WarehouseLocked(WarehouseError):
    """Another process holds the DuckDB file; wait for it and try again."""

    transient = True
    holder: str | None = None  # who holds it, as its holder file or DuckDB names it
    holder_pid: int | None = None  # its process id, when known


class WarehouseDamaged(WarehouseError):
    """The file is truncated, torn or not DuckDB at all; restore it or start a new one."""


class QueryError(WarehouseError):
    """SQL given to `Spacebrief.query` was refused or failed; the message quotes DuckDB."""

    sql: str | None = None


class RuleQueryError(WarehouseError):
    """A watch-rule query that cannot be used; the message is one sentence for a person."""

    query: str | None = None
    position: int | None = None  # the character (1-based) where it goes wrong, when known
