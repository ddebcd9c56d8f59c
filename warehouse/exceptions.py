"""What can go wrong with the warehouse, worded for the person at the keyboard."""


class WarehouseError(Exception):
    """The warehouse could not do what was asked; the message says why and what to do."""


class WarehouseLocked(WarehouseError):
    """Another process holds the DuckDB file; wait for it and try again."""
