"""What can go wrong with the warehouse, worded for the person at the keyboard.

DuckDB's own exceptions stop here: `warehouse/` turns them into these, so no other folder
needs to import duckdb to tell a busy file from a damaged one.
"""

from spacebrief.exceptions import SpacebriefError


class WarehouseError(SpacebriefError):
    """The warehouse could not do what was asked; the message says why and what to do."""


class WarehouseLocked(WarehouseError):
    """Another process holds the DuckDB file; wait for it and try again."""

    transient = True


class WarehouseDamaged(WarehouseError):
    """The file is truncated, torn or not DuckDB at all; restore it or start a new one."""


class QueryError(WarehouseError):
    """SQL given to `spacebrief query` was refused or failed; the message quotes DuckDB."""
