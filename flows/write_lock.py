"""One writer at a time: an exclusive `flock` on `$SPACEBRIEF_HOME/.write.lock`.

DuckDB admits one read-write process per file, and a second writer that finds the file
taken fails after `Warehouse.lock_wait_seconds` instead of queueing. Under `spacebrief
serve`, ingest, classify, alerts and digest runs are separate processes started by events
and schedules, so they can overlap; each flow step that writes therefore takes this lock
first and waits its turn (for as long as a run can reasonably last), then lets the step
open DuckDB for its writes only.

Why a file lock and not a Prefect global concurrency limit: the lock works the same with
the ephemeral API (`spacebrief run`), with a served local server, with Prefect Cloud and
with no Prefect at all (`spacebrief ingest` and friends), it needs no limit created on a
server first, and the kernel releases it when a process dies, so a killed run never
leaves a slot taken. Its limit is the machine: DuckDB's file is local too, and
docs/scaling.md says what replaces both when runs spread over several machines.

Readers (`spacebrief query`, an analyst's `duckdb`) never take this lock: they only meet
DuckDB's own lock during the seconds a step actually writes.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from spacebrief.warehouse.exceptions import WarehouseLocked

logger = logging.getLogger(__name__)

DEFAULT_WAIT_SECONDS = 30 * 60.0


def lock_path(spacebrief_home: Path) -> Path:
    return spacebrief_home / ".write.lock"


def current_holder(spacebrief_home: Path) -> str:
    """What the lock file says about its holder (may be stale once the lock is free)."""
    try:
        return lock_path(spacebrief_home).read_text("utf-8").strip() or "another process"
    except FileNotFoundError:
        return "nobody"


@contextmanager
def warehouse_write_lock(
    spacebrief_home: Path, purpose: str, *, wait_seconds: float = DEFAULT_WAIT_SECONDS
) -> Iterator[None]:
    """Hold the writer lock for `purpose` (e.g. "classify"), waiting for the current holder."""
    path = lock_path(spacebrief_home)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    logger.info(
                        "Waiting for the warehouse writer lock held by %s.",
                        current_holder(spacebrief_home),
                    )
                    waited = True
                if time.monotonic() >= deadline:
                    raise WarehouseLocked(
                        f"The warehouse under {spacebrief_home} has been locked for writing by "
                        f"{current_holder(spacebrief_home)} for over {wait_seconds:.0f} s; "
                        "wait for that run to finish or stop it, then try again."
                    ) from None
                time.sleep(0.2)
        since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{purpose} (PID {os.getpid()}) since {since}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
