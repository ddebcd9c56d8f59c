"""`spacebrief web` and `spacebrief backfill` (flows/cli/web_cmd.py) from the command line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from spacebrief.flows.cli import app
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse.items import insert_items
from spacebrief.warehouse.labels import store_classifications
from tests.flows.conftest import free_port
from tests.warehouse.test_stories import ITEMS, VECTORS, classification


def test_a_taken_port_is_one_sentence(home: Path, monkeypatch, restored_environ) -> None:
    Warehouse(home / "spacebrief.duckdb").initialise()
    monkeypatch.setenv("COLUMNS", "400")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = CliRunner().invoke(app, ["web", "--port", str(taken.getsockname()[1])])
    assert result.exit_code == 1
    assert result.output.startswith("Error: Cannot listen on 127.0.0.1 port ")
    assert "choose another port (--port)" in result.output  # the CLI names the option


@pytest.mark.slow
def test_spacebrief_web_serves_until_ctrl_c(home: Path) -> None:
    Warehouse(home / "spacebrief.duckdb").initialise()
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "spacebrief"), "web", "--port", str(port)],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert page.status_code == 200 and "No edition has been written yet" in page.text
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert f"Reading room on http://127.0.0.1:{port}/ (read-only); Ctrl-C stops." in output


def test_backfill_reads_what_the_classify_step_did_not(
    home: Path, monkeypatch, restored_environ
) -> None:
    warehouse = Warehouse(home / "spacebrief.duckdb")
    with warehouse.write() as con, transaction(con):
        insert_items(con, ITEMS)
        store_classifications(con, [classification(i, v) for i, v in VECTORS.items()])
    monkeypatch.setenv("COLUMNS", "400")
    first = CliRunner().invoke(app, ["backfill"])
    again = CliRunner().invoke(app, ["backfill"])
    assert first.exit_code == again.exit_code == 0, first.output
    assert first.output.strip().startswith(
        "Read 4 stored item(s) for their actors and stories (11 actor mention(s))"
    )
    assert again.output.strip().startswith("Read 0 stored item(s)")
