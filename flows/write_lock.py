"""One writer at a time: an exclusive file lock on `$SPACEBRIEF_HOME/.write.lock`.

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

The lock is `filelock`'s (an `flock` on Linux and macOS, `LockFileEx` on Windows). Who
holds it is written beside it, in `.write.lock.holder`, not in the lock file itself: a
lock file is the library's to open and truncate. The holder file may name a run that has
died since; the lock itself never outlives its process.

Readers (`spacebrief query`, an analyst's `duckdb`) never take this lock: they only meet
DuckDB's own lock during the seconds a step actually writes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from spacebrief.warehouse.exceptions import WarehouseLocked

logger = logging.getLogger(__name__)

DEFAULT_WAIT_SECONDS = 30 * 60.0
POLL_SECONDS = 0.2


def lock_path(spacebrief_home: Path) -> Path:
    return spacebrief_home / ".write.lock"


def holder_path(spacebrief_home: Path) -> Path:
    return spacebrief_home / ".write.lock.holder"


def current_holder(spacebrief_home: Path) -> str:
    """Who the holder file names (may be stale once the lock is free)."""
    try:
        return holder_path(spacebrief_home).read_text("utf-8").strip() or "another process"
    except FileNotFoundError:
        return "nobody"


@contextmanager
def warehouse_write_lock(
    spacebrief_home: Path, purpose: str, *, wait_seconds: float = DEFAULT_WAIT_SECONDS
) -> Iterator[None]:
    """Hold the writer lock for `purpose` (e.g. "classify"), waiting for the current holder."""
    spacebrief_home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path(spacebrief_home))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        logger.info(
            "Waiting for the warehouse writer lock held by %s.", current_holder(spacebrief_home)
        )
        try:
            lock.acquire(timeout=wait_seconds, poll_interval=POLL_SECONDS)
        except Timeout:
            raise WarehouseLocked(
                f"The warehouse under {spacebrief_home} has been locked for writing by "
                f"{current_holder(spacebrief_home)} for over {wait_seconds:.0f} s; "
                "wait for that run to finish or stop it, then try again."
            ) from None
    holder = holder_path(spacebrief_home)
    try:
        since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        holder.write_text(f"{purpose} (PID {os.getpid()}) since {since}\n", "utf-8")
        yield
    finally:
        holder.unlink(missing_ok=True)  # still holding the lock: no next holder wrote yet
        lock.release()
