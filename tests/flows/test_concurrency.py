"""Two processes and one DuckDB file: writers queue, readers get in between runs.

DuckDB lets one process open the file read-write, and then no other process can open it
at all. `spacebrief query` waits briefly for the holder and otherwise says who it is;
flow steps that write queue on the writer lock instead of failing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from spacebrief.flows.write_lock import current_holder, warehouse_write_lock
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.exceptions import WarehouseLocked

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
from spacebrief.flows.write_lock import warehouse_write_lock
with warehouse_write_lock(Path(sys.argv[1]), "holder run"):
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
        with warehouse_write_lock(home, "second run", wait_seconds=30):
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
            warehouse_write_lock(home, "impatient run", wait_seconds=0.3),
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
    with warehouse_write_lock(home, "next run", wait_seconds=5):
        assert "next run" in current_holder(home)


def test_a_second_writer_in_the_same_process_waits_too(home):
    """Exclusive per holder, not per process: serve's worker threads queue like processes."""
    with warehouse_write_lock(home, "first run"):
        with (
            pytest.raises(WarehouseLocked, match="first run"),
            warehouse_write_lock(home, "second run", wait_seconds=0.3),
        ):
            pass
        assert "first run" in current_holder(home)
    assert current_holder(home) == "nobody"  # the holder file goes with the holder
    with warehouse_write_lock(home, "second run", wait_seconds=0):
        assert "second run" in current_holder(home)
