"""Opening the DuckDB file, and keeping its schema current.

DuckDB admits one writing process, and while a process holds the file read-write no
other process can open it, not even read-only. So every unit of work opens its own
connection and closes it as soon as it is done (`Warehouse.write()` / `Warehouse.read()`),
which lets an analyst's `duckdb` session or `spacebrief query` get in between runs. When
the file is held by someone else we retry briefly, then raise `WarehouseLocked` naming
the holder, instead of DuckDB's raw IO error. A damaged file (truncated, torn, not
DuckDB at all) is one sentence too, whether it fails at open or on a later read.

A new file is written in the storage format of DuckDB 1.0 (`STORAGE_COMPATIBILITY`): the
Python package here is DuckDB 2, whose own format no 1.x release can open, and the
`duckdb` CLI most analysts have installed is a 1.x release.

Migrations are the numbered `migrations/NNN_name.sql` files, applied in order, each in
its own transaction and recorded in `schema_migrations`. The first write connection a
process opens on a file applies the missing ones before handing itself out; later ones
trust that (the same file, by device and inode: a file replaced since is migrated
again), and the SQL files are read once per process. A migration whose data step SQL
cannot express has it in `backfills.py`, run in the same transaction.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
from tenacity import Retrying, retry_if_exception_type, stop_before_delay

from spacebrief.retry import RetryAfterOrBackoff
from spacebrief.warehouse.backfills import AFTER_MIGRATION
from spacebrief.warehouse.exceptions import WarehouseDamaged, WarehouseError, WarehouseLocked
from spacebrief.warehouse.write_lock import DELIVERY_LOCK, held_lock

Connection = duckdb.DuckDBPyConnection
"""An open warehouse connection, as `write()`/`read()` hand out: other folders name the
type through this alias, so only `warehouse/` imports duckdb."""

STORAGE_COMPATIBILITY = "v1.0.0"
JOB_WAIT_SECONDS = 30 * 60.0  # a run waits out another run of its kind (Slack may be slow)
_LOCK_PATTERN = re.compile(r"lock", re.IGNORECASE)
_HOLDER_PATTERN = re.compile(r"held in (?P<prog>\S+) \(PID (?P<pid>\d+)\)")
_DAMAGE_PATTERN = re.compile(
    r"corrupt|checksum|not a valid DuckDB database|Could not read enough bytes", re.IGNORECASE
)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The packaged migrations, in the order they apply (read from the package once)."""
    return list(_read_migrations())


@functools.cache
def _read_migrations() -> tuple[Migration, ...]:
    found = []
    for entry in resources.files("spacebrief.warehouse").joinpath("migrations").iterdir():
        match = re.fullmatch(r"(\d+)_(\w+)\.sql", entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise WarehouseError(f"Two migrations share a number: {versions}.")
    return tuple(found)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations this database lacks; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for migration in _read_migrations():
        if migration.version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(migration.sql)
            backfill = AFTER_MIGRATION.get(migration.version)
            if backfill is not None:
                backfill(con)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                [migration.version, migration.name],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(migration.version)
    return applied


_migrated: dict[Path, tuple[int, int]] = {}  # file -> (device, inode) brought current here
_migrating = threading.Lock()


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _ensure_current(
    con: duckdb.DuckDBPyConnection, path: Path, *, check: bool = False
) -> list[int]:
    """Migrate `path` once per process (again when the file was replaced since, or when
    `check` asks to read its schema_migrations anyway)."""
    key = path.resolve()
    with _migrating:
        identity = _file_identity(key)
        if not check and identity is not None and _migrated.get(key) == identity:
            return []
        applied = migrate(con)
        _migrated[key] = _file_identity(key) or (0, 0)
        return applied


def _locked(error: Exception, path: Path) -> WarehouseLocked:
    holder = _HOLDER_PATTERN.search(str(error))
    who = f"process {holder['pid']} ({holder['prog']})" if holder else "another process"
    return WarehouseLocked(
        f"The warehouse at {path} is locked by {who}; DuckDB lets one process at a time "
        "open it. Wait for that run to finish (or close that duckdb session) and try again.",
        path=path,
        holder=holder["prog"] if holder else None,
        holder_pid=int(holder["pid"]) if holder else None,
    )


def _damaged(error: duckdb.Error, path: Path) -> WarehouseDamaged:
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return WarehouseDamaged(
        f"The warehouse at {path} is damaged or not a DuckDB file ({detail}); restore it "
        "from a backup, or move it aside to start a new one.",
        path=path,
    )


@contextmanager
def _damage_is_one_sentence(path: Path) -> Iterator[None]:
    """A torn or truncated file can fail on any read, not only at open."""
    try:
        yield
    except duckdb.Error as error:
        if _DAMAGE_PATTERN.search(str(error)):
            raise _damaged(error, path) from error
        raise


_Config = dict[str, str | bool | int | float | list[str]]  # duckdb.connect's config


def _connect_once(path: Path, *, read_only: bool, config: _Config) -> Connection:
    """One try at the file; `WarehouseLocked` when someone else holds it (worth a retry)."""
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as error:
        if _DAMAGE_PATTERN.search(str(error)):
            raise _damaged(error, path) from error
        if not _LOCK_PATTERN.search(str(error)):
            raise WarehouseError(
                f"Cannot open the warehouse at {path}: {error}", path=path
            ) from error
        raise _locked(error, path) from error
    except duckdb.ConnectionException as error:
        # Another thread of this process (serve's task worker) has the file open the
        # other way (read-only vs read-write); its connection is short, so wait.
        if "different configuration" not in str(error):
            raise WarehouseError(
                f"Cannot open the warehouse at {path}: {error}", path=path
            ) from error
        raise WarehouseLocked(
            f"Another connection of this process is using the warehouse at {path}; try again.",
            path=path,
            holder_pid=os.getpid(),
        ) from error
    except duckdb.Error as error:
        if _DAMAGE_PATTERN.search(str(error)):
            raise _damaged(error, path) from error
        raise


def _open(path: Path, *, read_only: bool, wait_seconds: float) -> Connection:
    """Connect, retrying a held file for up to `wait_seconds` (short waits: a holder's
    write lasts seconds), then the holder's `WarehouseLocked`."""
    config: _Config = (
        {}
        if read_only or path.exists()
        else {"storage_compatibility_version": STORAGE_COMPATIBILITY}
    )
    retrying = Retrying(
        retry=retry_if_exception_type(WarehouseLocked),
        wait=RetryAfterOrBackoff(0.1, 0.5),
        stop=stop_before_delay(wait_seconds),
        reraise=True,
    )
    return retrying(_connect_once, path, read_only=read_only, config=config)


@dataclass(frozen=True)
class Warehouse:
    """The warehouse file. Cheap to create; it opens connections only on demand.

    Every write goes through `write()` (or `initialise()`), which holds the writer lock
    (`warehouse/write_lock.py`) for as long as its connection is open: no caller can
    write without queueing behind the others.
    """

    path: Path
    lock_wait_seconds: float = 10.0

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection with the schema current, closed on exit."""
        with held_lock(self.path.parent, wait_seconds=self.lock_wait_seconds):
            con = _open(self.path, read_only=False, wait_seconds=self.lock_wait_seconds)
            try:
                with _damage_is_one_sentence(self.path):
                    _ensure_current(con, self.path)
                    yield con
            finally:
                con.close()

    @contextmanager
    def exclusive(self, job: str, wait_seconds: float = JOB_WAIT_SECONDS) -> Iterator[None]:
        """One `job` run at a time (ingest, classify), whoever starts it: a second run
        waits, then finds the work done (no feed fetched twice, no item classified twice)."""
        with held_lock(self.path.parent, wait_seconds=wait_seconds, name=f".{job}.lock", what=job):
            yield

    @contextmanager
    def delivering(self, wait_seconds: float = JOB_WAIT_SECONDS) -> Iterator[None]:
        """One delivery run at a time (alerts, edition posts, e-mail), whoever starts it:
        rows left `sending` are then a crashed run's, safe to reconcile."""
        with held_lock(
            self.path.parent,
            wait_seconds=wait_seconds,
            name=DELIVERY_LOCK,
            what="delivering alerts or e-mail",
        ):
            yield

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection, closed on exit. The file must exist."""
        if not self.path.exists():
            raise WarehouseError(
                f"There is no warehouse at {self.path} yet: ingest something into it first, "
                "or name another one.",
                path=self.path,
                setting="home",
            )
        con = _open(self.path, read_only=True, wait_seconds=self.lock_wait_seconds)
        try:
            with _damage_is_one_sentence(self.path):
                yield con
        finally:
            con.close()

    def initialise(self) -> list[int]:
        """Create the file if needed and apply missing migrations (read from the file
        each time: a write trusts this process's note that the file is current)."""
        with held_lock(self.path.parent, wait_seconds=self.lock_wait_seconds):
            con = _open(self.path, read_only=False, wait_seconds=self.lock_wait_seconds)
            try:
                with _damage_is_one_sentence(self.path):
                    return _ensure_current(con, self.path, check=True)
            finally:
                con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT, rolled back on any error."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
