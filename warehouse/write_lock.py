"""One writer at a time: an exclusive file lock beside the warehouse, taken by the warehouse.

DuckDB admits one read-write process per file, and a second writer that finds the file
taken fails instead of queueing. So `Warehouse.write()` takes `.write.lock` in the
warehouse's folder (`$SPACEBRIEF_HOME/.write.lock`) before it opens the file, and lets
go when the connection closes: every writer queues, whoever it is (the CLI, a flow run,
serve's task worker, the public API, a Slack click), because none of them can write
without going through `write()`. Holds last as long as one write (seconds), so the wait
is the warehouse's `lock_wait_seconds`.

Whole runs take a lock of their kind too (`Warehouse.exclusive`, `Warehouse.delivering`):
`.ingest.lock` and `.classify.lock`, so serve's start-up run, its wake-up's run and a
cron `spacebrief ingest` never fetch one feed twice or classify one item twice (the
second waits, then finds the work done); `.deliver.lock`, because a delivery run that
finds ledger rows `sending` must know that no live run is posting them before it
reconciles them against Slack, and only a crashed run's rows can be in that state while
the lock is free. A run lock is always taken before the writer lock, never inside it.

Why a file lock and not a Prefect global concurrency limit: it works the same with no
Prefect at all, needs nothing created on a server first, and the kernel releases it when
a process dies, so a killed run never leaves a slot taken. Its limit is the machine:
docs/scaling.md says what replaces it when writers spread over several machines.

The locks are `filelock`'s (`flock` on Linux and macOS, `LockFileEx` on Windows), one
object per path and process, re-entrant within a thread and exclusive between threads
(each thread holds its own descriptor), so serve's threads queue like processes and a
writer that is already inside a write may open another. Who holds a lock is written
beside it (`.write.lock.holder`); that file may name a run that died since, the lock
itself never outlives its process.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from spacebrief.warehouse.exceptions import WarehouseLocked

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.1
WRITE_LOCK = ".write.lock"
DELIVERY_LOCK = ".deliver.lock"
_HOLDER_PID = re.compile(r"\(PID (\d+)\)")

_purpose: ContextVar[str | None] = ContextVar("spacebrief_writer_purpose", default=None)


def lock_path(directory: Path, name: str = WRITE_LOCK) -> Path:
    return directory / name


def holder_path(directory: Path, name: str = WRITE_LOCK) -> Path:
    return directory / f"{name}.holder"


def current_holder(directory: Path, name: str = WRITE_LOCK) -> str:
    """Who the holder file names (may be stale once the lock is free)."""
    try:
        return holder_path(directory, name).read_text("utf-8").strip() or "another process"
    except FileNotFoundError:
        return "nobody"


def _default_purpose() -> str:
    """`spacebrief alerts`, `python -m spacebrief.flows.task_worker`: what this process is."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    words = [program, *(a for a in sys.argv[1:3] if not a.startswith("-"))]
    return " ".join(words)[:80]


@contextmanager
def writing_as(purpose: str) -> Iterator[None]:
    """Name the writes made inside (e.g. "spacebrief classify"), for the holder file."""
    token = _purpose.set(purpose)
    try:
        yield
    finally:
        _purpose.reset(token)


@contextmanager
def held_lock(
    directory: Path,
    *,
    wait_seconds: float,
    name: str = WRITE_LOCK,
    purpose: str | None = None,
    what: str = "writing",
) -> Iterator[None]:
    """Hold `directory/name`, waiting up to `wait_seconds` for its holder; re-entrant in a
    thread. Raises `WarehouseLocked` naming the holder when the wait runs out."""
    directory.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path(directory, name), is_singleton=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        logger.info("Waiting for the %s lock held by %s.", name, current_holder(directory, name))
        try:
            lock.acquire(timeout=max(wait_seconds, 0), poll_interval=POLL_SECONDS)
        except Timeout:
            holder_text = current_holder(directory, name)
            pid = _HOLDER_PID.search(holder_text)
            raise WarehouseLocked(
                f"The warehouse in {directory} has been locked for {what} by {holder_text} for "
                f"over {wait_seconds:.0f} s; wait for that run to finish or stop it, then "
                "try again.",
                path=directory,
                holder=holder_text,
                holder_pid=int(pid[1]) if pid else None,
            ) from None
    outermost = lock.lock_counter == 1
    holder = holder_path(directory, name)
    try:
        if outermost:
            since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            who = purpose or _purpose.get() or _default_purpose()
            holder.write_text(f"{who} (PID {os.getpid()}) since {since}\n", "utf-8")
        yield
    finally:
        if outermost:
            holder.unlink(missing_ok=True)  # still holding the lock: no next holder wrote yet
        lock.release()
