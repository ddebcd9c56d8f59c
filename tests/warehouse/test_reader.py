"""The reading room's held read-only instance: shared between reads, let go for writers."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from spacebrief.warehouse import Warehouse, WarehouseLocked, transaction
from spacebrief.warehouse.reader import HeldReader

WRITE = """
import sys
from pathlib import Path
from spacebrief.warehouse import Warehouse, transaction
warehouse = Warehouse(Path(sys.argv[1]), lock_wait_seconds=float(sys.argv[2]))
with warehouse.write() as con, transaction(con):
    con.execute("INSERT INTO watch_rules VALUES ('from-outside', 'x', 'watch', [], NULL, now())")
print("written")
"""


def write_from_another_process(path: Path, wait: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WRITE, str(path), str(wait)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def initialised(warehouse: Warehouse) -> Warehouse:
    warehouse.initialise()
    return warehouse


def test_while_reads_hold_the_instance_another_process_cannot_write(
    initialised: Warehouse,
) -> None:
    reader = HeldReader(initialised, idle_seconds=60, hold_seconds=60)
    try:
        with reader.read() as con:
            assert con.execute("SELECT count(*) FROM items").fetchone() == (0,)
        refused = write_from_another_process(initialised.path, 0.3)  # held between reads
        assert refused.returncode != 0 and "WarehouseLocked" in refused.stderr
    finally:
        reader.close()
    assert write_from_another_process(initialised.path, 5).stdout.strip() == "written"


def test_an_idle_reader_lets_the_file_go(initialised: Warehouse) -> None:
    reader = HeldReader(initialised, idle_seconds=0.2, hold_seconds=60, pause_seconds=0.1)
    with reader.read() as con:
        con.execute("SELECT 1").fetchall()
    written = write_from_another_process(initialised.path, 10)  # waits out the idle time
    reader.close()
    assert written.stdout.strip() == "written", written.stderr


def test_a_writer_gets_in_between_reads_that_never_stop(initialised: Warehouse) -> None:
    reader = HeldReader(initialised, idle_seconds=5, hold_seconds=0.5, pause_seconds=0.3)
    stop = threading.Event()
    reads = []

    def keep_reading() -> None:
        while not stop.is_set():
            with reader.read() as con:
                reads.append(con.execute("SELECT count(*) FROM watch_rules").fetchone())

    thread = threading.Thread(target=keep_reading)
    thread.start()
    try:
        written = write_from_another_process(initialised.path, 10)
    finally:
        stop.set()
        thread.join(30)
        reader.close()
    assert written.stdout.strip() == "written", written.stderr
    assert (1,) in reads or len(reads) > 1  # reads went on around the write


def test_its_own_process_writes_while_the_reads_pause(initialised: Warehouse) -> None:
    reader = HeldReader(initialised, idle_seconds=60, hold_seconds=60)
    try:
        with reader.read() as con:
            con.execute("SELECT 1").fetchall()
        other = Warehouse(initialised.path, lock_wait_seconds=0.3)
        with pytest.raises(WarehouseLocked), other.write():  # the held instance is in the way...
            pass
        with reader.paused(), initialised.write() as con, transaction(con):  # ...unless paused
            con.execute("INSERT INTO watch_rules VALUES ('inside', 'x', 'watch', [], NULL, now())")
        with reader.read() as con:
            assert con.execute("SELECT name FROM watch_rules").fetchall() == [("inside",)]
    finally:
        reader.close()
