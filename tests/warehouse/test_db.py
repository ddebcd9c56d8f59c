"""The warehouse file: migrations, read-only access, and a clear word when it is locked."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from spacebrief.warehouse import (
    Warehouse,
    WarehouseError,
    WarehouseLocked,
    bundled_migrations,
    transaction,
)


def test_a_new_file_gets_every_migration_once(warehouse: Warehouse) -> None:
    applied = warehouse.initialise()
    assert applied == [m.version for m in bundled_migrations()]
    assert warehouse.initialise() == []
    with warehouse.read() as con:
        recorded = [
            row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()
        ]
    assert recorded == applied


def test_the_design_tables_and_analyst_views_exist(warehouse: Warehouse) -> None:
    warehouse.initialise()
    with warehouse.read() as con:
        names = {
            row[0]
            for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    assert {"sources", "fetches", "items", "labels", "trends", "alerts", "editions"} <= names
    assert {"v_items", "v_trend_daily", "v_watchlist"} <= names


def test_items_columns_are_the_ones_people_guess(warehouse: Warehouse) -> None:
    warehouse.initialise()
    with warehouse.read() as con:
        columns = {
            table: {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}
            for table in ("items", "fetches", "labels")
        }
    assert {"item_id", "url", "title", "summary", "source_id", "published_at", "fetched_at"} <= (
        columns["items"]
    )
    assert {"source_id", "started_at", "status", "error"} <= columns["fetches"]
    assert {"item_id", "trend_id", "score"} <= columns["labels"]


def test_reading_a_missing_warehouse_says_how_to_make_one(tmp_path: Path) -> None:
    with (
        pytest.raises(WarehouseError, match=r"no warehouse at .*: ingest something") as raised,
        Warehouse(tmp_path / "none.duckdb").read(),
    ):
        pass
    assert raised.value.path == tmp_path / "none.duckdb"


def test_read_connections_cannot_write(warehouse: Warehouse) -> None:
    warehouse.initialise()
    with warehouse.read() as con, pytest.raises(duckdb.Error, match="read-only"):
        con.execute("DELETE FROM items")


def test_a_failed_transaction_leaves_nothing_behind(warehouse: Warehouse) -> None:
    with warehouse.write() as con:
        with pytest.raises(RuntimeError), transaction(con):
            con.execute("INSERT INTO feedback VALUES ('i1', 'W1', true, 'ana', now())")
            raise RuntimeError("crash mid-write")
        assert con.execute("SELECT count(*) FROM feedback").fetchone() == (0,)


def test_a_warehouse_held_by_another_process_is_named_not_dumped(warehouse: Warehouse) -> None:
    warehouse.initialise()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys, time
                con = duckdb.connect({str(warehouse.path)!r})
                print("holding", flush=True)
                time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        impatient = Warehouse(warehouse.path, lock_wait_seconds=0.3)
        with (
            pytest.raises(WarehouseLocked, match=rf"process {holder.pid}\b.*try again"),
            impatient.read(),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 10
    while True:
        try:
            with warehouse.read() as con:
                assert con.execute("SELECT 1").fetchone() == (1,)
            break
        except WarehouseLocked:
            assert time.monotonic() < deadline


def _duckdb_cli() -> str | None:
    beside_python = Path(sys.executable).with_name("duckdb")
    return str(beside_python) if beside_python.exists() else shutil.which("duckdb")


def test_a_new_warehouse_opens_in_the_duckdb_1x_cli(warehouse: Warehouse) -> None:
    """Analysts open the file with the `duckdb` CLI they have, usually a 1.x release."""
    applied = warehouse.initialise()
    with warehouse.read() as con:
        tags = con.execute(
            "SELECT tags FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchone()[0]
    assert tags["storage_version"].startswith("v1.0.0")
    cli = _duckdb_cli()
    if cli is None:
        pytest.skip("the duckdb CLI is not installed (pip install duckdb-cli, part of .[test])")
    done = subprocess.run(
        [
            cli,
            "-readonly",
            "-csv",
            "-noheader",
            str(warehouse.path),
            "-c",
            "SELECT count(*) FROM schema_migrations; SELECT library_version FROM pragma_version()",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    count, version = done.stdout.split()
    assert int(count) == len(applied)
    assert version.startswith("v1."), f"expected a 1.x CLI, got {version}"


def test_a_reader_waits_for_a_writer_in_another_thread_of_the_same_process(tmp_path):
    # serve's task worker writes from a thread while serve checks which feeds are due.
    import threading

    warehouse = Warehouse(tmp_path / "threads.duckdb", lock_wait_seconds=10)
    warehouse.initialise()
    holding, release = threading.Event(), threading.Event()

    def write() -> None:
        with warehouse.write() as con:
            con.execute("CREATE TABLE IF NOT EXISTS probe (n INTEGER)")
            con.execute("INSERT INTO probe VALUES (1)")
            holding.set()
            release.wait(5)

    writer = threading.Thread(target=write)
    writer.start()
    assert holding.wait(10)
    threading.Timer(0.5, release.set).start()
    with warehouse.read() as con:
        assert release.is_set()
        assert con.execute("SELECT count(*) FROM probe").fetchone() == (1,)
    writer.join(5)
