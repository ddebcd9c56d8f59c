"""Bench: how long the e-mail delivery's uncertain window lasts after the server's 250.

SMTP cannot be asked what it accepted, so a crash between the server's acceptance and
the record of it means the next run must send again. spacebrief records the acceptance
first in a journal (one fsynced line), then in the warehouse ledger. This times both on
real files: the journal append is the window left; the ledger update (open the DuckDB
file, UPDATE, close) is what the window would be without the journal, the baseline,
before any wait for a busy warehouse (up to SPACEBRIEF_LOCK_WAIT_SECONDS).

    python bench/email_window.py [--deliveries 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spacebrief.alerts.email import SentJournal
from spacebrief.alerts.types import EmailDelivery
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse import email as email_sql
from spacebrief.warehouse.ledger import EMAIL_DELIVERIES, WarehouseLedger


def _figures(seconds: list[float]) -> str:
    return f"median {statistics.median(seconds) * 1000:.2f} ms, max {max(seconds) * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=50)
    n = parser.parse_args().deliveries
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        warehouse = Warehouse(root / "bench.duckdb")
        with warehouse.write() as con, transaction(con):
            email_sql.insert_owed(
                con, "bench", [(f"r{i}@example.org", f"<{i}@bench>") for i in range(n)]
            )
        journal, ledger = (
            SentJournal(root / "accepted.jsonl"),
            WarehouseLedger(warehouse, EMAIL_DELIVERIES),
        )
        journalled, recorded = [], []
        for i in range(n):
            delivery = EmailDelivery("bench", f"r{i}@example.org", f"<{i}@bench>", "sending")
            started = time.perf_counter()
            journal.record(delivery)
            journalled.append(time.perf_counter() - started)
            started = time.perf_counter()
            ledger.mark_sent([delivery.ledger_id])
            recorded.append(time.perf_counter() - started)
    print(f"{n} deliveries, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"window with the journal (append + fsync)          : {_figures(journalled)}")
    print(f"baseline: ledger update (open DuckDB, UPDATE, close): {_figures(recorded)}")
    print(f"ratio (median): {statistics.median(recorded) / statistics.median(journalled):.0f} x")


if __name__ == "__main__":
    main()
