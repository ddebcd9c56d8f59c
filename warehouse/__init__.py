"""The DuckDB warehouse: the only place in spacebrief that speaks SQL.

Public API: `Warehouse` (open connections per unit of work), `transaction`, the
exceptions, and the per-table modules (`warehouse.items`, `warehouse.labels`, …), whose
functions take an open connection and plain records.
"""

from spacebrief.warehouse.db import (
    Connection,
    Warehouse,
    bundled_migrations,
    migrate,
    transaction,
)
from spacebrief.warehouse.exceptions import (
    QueryError,
    WarehouseDamaged,
    WarehouseError,
    WarehouseLocked,
)

__all__ = [
    "Connection",
    "QueryError",
    "Warehouse",
    "WarehouseDamaged",
    "WarehouseError",
    "WarehouseLocked",
    "bundled_migrations",
    "migrate",
    "transaction",
]
