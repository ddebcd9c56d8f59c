"""A read-only connection kept for a burst of reads, and let go so writers get in.

DuckDB keeps what it has read (column segments, index nodes) in the database instance,
and a fresh instance reads it all again: on a million items a page that needs six
look-ups costs about 150 ms from a cold instance and 30 ms from a warm one. But while any
process holds the file, even read-only, no other process may open it to write. So the
reading room keeps one read-only instance while pages are being read, closes it after
`idle_seconds` without a read, and at the latest after `hold_seconds`, then leaves the
file alone for `pause_seconds` before opening it again: a writer (whose open retries for
`SPACEBRIEF_LOCK_WAIT_SECONDS`, 10 s by default) always finds a gap within
`hold_seconds + pause_seconds`. Each read gets its own cursor (DuckDB connections are not
shared between threads); temporary tables live and die with the cursor.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from spacebrief.warehouse.db import Warehouse, _damage_is_one_sentence, _open
from spacebrief.warehouse.exceptions import WarehouseError


class HeldReader:
    """Read-only cursors on one shared instance of the warehouse, held briefly."""

    def __init__(
        self,
        warehouse: Warehouse,
        *,
        idle_seconds: float = 1.0,
        hold_seconds: float = 5.0,
        pause_seconds: float = 0.5,
    ) -> None:
        self.warehouse = warehouse
        self.idle_seconds = idle_seconds
        self.hold_seconds = hold_seconds
        self.pause_seconds = pause_seconds
        self._lock = threading.Condition()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._opened_at = 0.0
        self._last_used = 0.0
        self._closed_at = 0.0
        self._users = 0
        self._paused = False
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the held instance (opened if need be), closed on exit."""
        cursor = self._acquire()
        try:
            with _damage_is_one_sentence(self.warehouse.path):
                yield cursor
        finally:
            cursor.close()
            with self._lock:
                self._users -= 1
                self._last_used = time.monotonic()
                self._lock.notify_all()

    def _acquire(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            while True:
                if self._paused:
                    self._lock.wait(0.05)
                elif self._con is not None and self._expired():
                    if self._users == 0:
                        self._close()
                    else:
                        self._lock.wait(0.05)  # the reads in flight finish first
                elif self._con is None:
                    wait = self._closed_at + self.pause_seconds - time.monotonic()
                    if wait > 0:
                        self._lock.wait(wait)  # the gap a writer gets in through
                        continue
                    self._open()
                    break
                else:
                    break
            assert self._con is not None  # the loop ends only with one open
            self._users += 1
            self._last_used = time.monotonic()
            return self._con.cursor()

    def _open(self) -> None:
        if not self.warehouse.path.exists():
            raise WarehouseError(
                f"There is no warehouse at {self.warehouse.path} yet: ingest something into "
                "it first, or name another one.",
                path=self.warehouse.path,
                setting="home",
            )
        self._con = _open(
            self.warehouse.path, read_only=True, wait_seconds=self.warehouse.lock_wait_seconds
        )
        self._opened_at = self._last_used = time.monotonic()
        self._ensure_watcher()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The file let go (once the reads in flight are done) for this process's own
        write; reads wait until the block ends."""
        with self._lock:
            self._paused = True
            while self._users:
                self._lock.wait(0.05)
            self._close()
            self._closed_at = 0.0  # our own write is done: no writer to make room for
        try:
            yield
        finally:
            with self._lock:
                self._paused = False
                self._lock.notify_all()

    def _expired(self) -> bool:
        now = time.monotonic()
        return now - self._opened_at >= self.hold_seconds or (
            self._users == 0 and now - self._last_used >= self.idle_seconds
        )

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
            self._closed_at = time.monotonic()

    def _ensure_watcher(self) -> None:
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(
                target=self._watch, name="warehouse-reader", daemon=True
            )
            self._watcher.start()

    def _watch(self) -> None:
        """Close the instance once idle or held too long, so the file is freed unasked."""
        while not self._stop.wait(0.1):
            with self._lock:
                if self._con is None:
                    return
                if self._users == 0 and self._expired():
                    self._close()
                    return

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            self._close()
        if self._watcher is not None:
            self._watcher.join(2)
