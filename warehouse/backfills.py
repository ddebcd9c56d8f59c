"""Data steps that a migration needs and SQL cannot do, run in the migration's transaction.

070 rewrites stored URLs into the canonical form ingest now computes (w3lib: sorted query,
normalised escapes), so that re-reading a feed finds the rows it stored before, by
(source, URL), and adds no duplicate. Ids are left alone: labels and alerts point at them.
160 fills `current_classifications` from the classifications already stored (the actors
and stories of stored items are read by `spacebrief backfill`: Python, minutes on a
large warehouse, too long for a migration that holds the write lock).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa


def _recanonicalise_urls(con: duckdb.DuckDBPyConnection) -> None:
    from spacebrief.ingest import canonical_url

    rows = con.execute("SELECT item_id, url FROM items WHERE url IS NOT NULL").fetchall()
    changed = [
        (item_id, new) for item_id, url in rows if (new := canonical_url(url)) and new != url
    ]
    if not changed:
        return
    table = pa.table(
        {
            "item_id": pa.array([c[0] for c in changed], pa.string()),
            "url": pa.array([c[1] for c in changed], pa.string()),
        }
    )
    con.register("_canonical_urls", table)
    try:
        con.execute(
            "UPDATE items SET url = c.url FROM _canonical_urls c WHERE items.item_id = c.item_id"
        )
    finally:
        con.unregister("_canonical_urls")


def _fill_current_classifications(con: duckdb.DuckDBPyConnection) -> None:
    from spacebrief.warehouse.labels import refresh_current_classifications

    refresh_current_classifications(con)


AFTER_MIGRATION: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    70: _recanonicalise_urls,
    160: _fill_current_classifications,
}
