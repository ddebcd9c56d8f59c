"""Two processes and one DuckDB file: writers queue, readers get in between runs.

DuckDB lets one process open the file read-write, and then no other process can open it
at all. `spacebrief query` waits briefly for the holder and otherwise says who it is;
every write queues on the writer lock, which `Warehouse.write()` takes itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.exceptions import WarehouseLocked
from spacebrief.warehouse.write_lock import current_holder, held_lock

SPACEBRIEF = str(Path(sys.executable).with_name("spacebrief"))

HOLD_DUCKDB = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("INSERT INTO feedback VALUES ('item-1', 'W2', TRUE, 'holder', now())")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
open(sys.argv[3], "w").close()  # marks the release, written while still holding
con.close()
"""

HOLD_WRITER_LOCK = """
import sys, time
from pathlib import Path
from spacebrief.warehouse.write_lock import held_lock
with held_lock(Path(sys.argv[1]), purpose="holder run", wait_seconds=0):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    open(sys.argv[3], "w").close()  # marks the release, written while still holding
"""


def hold(script: str, target: Path, seconds: float) -> subprocess.Popen[str]:
    """Hold `target` for `seconds`; the file `<target>.released` appears just before release."""
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(target), str(seconds), f"{target}.released"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def query(env_home: Path, sql: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "SPACEBRIEF_HOME": str(env_home)}
    return subprocess.run(
        [SPACEBRIEF, "query", sql, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.fixture
def initialised(home: Path) -> Path:
    Warehouse(home / "spacebrief.duckdb").initialise()
    return home


@pytest.mark.slow
def test_query_waits_for_a_short_write_in_another_process_and_then_reads(initialised):
    holder = hold(HOLD_DUCKDB, initialised / "spacebrief.duckdb", 3)
    try:
        result = query(initialised, "SELECT count(*) AS n FROM feedback")
    finally:
        holder.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"n": 1}]
    assert (initialised / "spacebrief.duckdb.released").exists()


@pytest.mark.slow
def test_query_explains_who_holds_the_warehouse_when_the_write_lasts(initialised):
    holder = hold(HOLD_DUCKDB, initialised / "spacebrief.duckdb", 25)
    try:
        result = query(initialised, "SELECT count(*) FROM items")
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert result.returncode == 1
    message = " ".join(result.stderr.split())
    assert f"PID {holder.pid}" in message or f"process {holder.pid}" in message
    assert "try again" in message
    assert "Traceback" not in result.stderr


def test_a_writer_waits_for_the_writer_lock_held_by_another_process(home):
    holder = hold(HOLD_WRITER_LOCK, home, 1.5)
    try:
        with held_lock(home, purpose="second run", wait_seconds=30):
            released_before_we_got_it = Path(f"{home}.released").exists()
            assert "second run" in current_holder(home)
    finally:
        holder.wait(timeout=30)
    assert released_before_we_got_it


def test_a_writer_that_cannot_wait_names_the_holder(home):
    holder = hold(HOLD_WRITER_LOCK, home, 20)
    try:
        with (
            pytest.raises(WarehouseLocked) as error,
            held_lock(home, purpose="impatient run", wait_seconds=0.3),
        ):
            pass
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert f"holder run (PID {holder.pid})" in str(error.value)


def test_the_writer_lock_is_released_when_its_holder_dies(home):
    holder = hold(HOLD_WRITER_LOCK, home, 60)
    holder.kill()
    holder.wait(timeout=30)
    with held_lock(home, purpose="next run", wait_seconds=5):
        assert "next run" in current_holder(home)


def test_a_writer_in_another_thread_of_the_same_process_waits_too(home):
    """Exclusive per thread, not per process: serve's threads queue like processes."""
    outcome: list[str] = []

    def second_writer() -> None:
        try:
            with held_lock(home, purpose="second run", wait_seconds=0.3):
                outcome.append("got it")
        except WarehouseLocked as error:
            outcome.append(str(error))

    with held_lock(home, purpose="first run", wait_seconds=0):
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(10)
        assert "first run" in current_holder(home)
    assert len(outcome) == 1 and "first run" in outcome[0]
    assert current_holder(home) == "nobody"  # the holder file goes with the holder
    with held_lock(home, purpose="second run", wait_seconds=0):
        assert "second run" in current_holder(home)


def test_a_write_inside_a_write_of_the_same_thread_does_not_wait_for_itself(home):
    with held_lock(home, purpose="outer", wait_seconds=0):
        with held_lock(home, purpose="inner", wait_seconds=0):
            assert "outer" in current_holder(home)
        assert "outer" in current_holder(home)
    assert current_holder(home) == "nobody"


HOLD_THEN_WRITE = """
import sys, time
from pathlib import Path
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse.write_lock import held_lock
with held_lock(Path(sys.argv[1]).parent, purpose="holder run", wait_seconds=0):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    open(sys.argv[3], "w").close()
"""


def test_every_write_through_the_warehouse_queues_on_the_writer_lock(initialised):
    """`spacebrief feedback` (any command, any API call) waits for the holder, then writes;
    before, only the flow steps took the lock and a CLI write met DuckDB instead."""
    database = initialised / "spacebrief.duckdb"
    holder = hold(HOLD_THEN_WRITE, database, 3)
    try:
        with Warehouse(database, lock_wait_seconds=30).write() as con:
            released_first = Path(f"{database}.released").exists()
            con.execute("SELECT 1")
    finally:
        holder.wait(timeout=30)
    assert released_first


def test_a_write_that_cannot_wait_names_the_lock_holder(initialised):
    database = initialised / "spacebrief.duckdb"
    holder = hold(HOLD_THEN_WRITE, database, 20)
    try:
        with (
            pytest.raises(WarehouseLocked) as error,
            Warehouse(database, lock_wait_seconds=0.3).write(),
        ):
            pass
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert f"holder run (PID {holder.pid})" in str(error.value)
