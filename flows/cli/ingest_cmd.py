"""`spacebrief ingest` and `spacebrief sources`: read the feeds, and see which are sick."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows.cli.app import app, console, settings, warehouse


@app.command()
def ingest(
    sources: str | None = typer.Option(
        None, "--sources", help="sources.yaml, one feed URL, or a folder of feed files."
    ),
    force: bool = typer.Option(
        False, "--force", help="Fetch sources that are backing off or not yet due."
    ),
) -> None:
    """Fetch every feed, store the new items, and say which feeds failed."""
    from flows.steps.ingest_step import ingest as run_ingest

    with Progress(
        TextColumn("Fetching feeds"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("ingest", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = run_ingest(warehouse(), settings(), sources, on_progress=on_progress, force=force)
    console.print(summary.describe(), highlight=False)
    if summary.failed:
        console.print("Run `spacebrief sources` to see which feeds failed and why.")


def _when(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "-"
    seconds = (value - now).total_seconds()
    span = abs(seconds)
    if span < 90:
        text = f"{span:.0f} s"
    elif span < 5400:
        text = f"{span / 60:.0f} min"
    elif span < 172800:
        text = f"{span / 3600:.0f} h"
    else:
        text = f"{span / 86400:.0f} d"
    return f"in {text}" if seconds > 0 else f"{text} ago"


_STATUS_STYLE = {
    "ok": "green",
    "unchanged": "green",
    "empty": "yellow",
    "failed": "red",
}


def _every(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"
    return f"{seconds / 3600:.1f} h"


@app.command()
def sources() -> None:
    """Show each source's health and schedule: status, failures, items, interval, next fetch."""
    from warehouse.sources import source_health

    with warehouse().read() as con:
        rows = source_health(con)
    if not rows:
        console.print("No sources yet: run `spacebrief ingest` first.")
        return
    now = datetime.now(UTC)
    table = Table(title=f"{len(rows)} sources")
    columns = ("Source", "Status", "Last success", "Failures", "Items", "Every", "Next fetch")
    for column in (*columns, "Why", "Error"):
        table.add_column(column, overflow="fold")
    for row in rows:
        status = (row.last_status or "never fetched").replace("not_modified", "unchanged")
        style = _STATUS_STYLE.get(status, "dim")
        next_fetch = _when(row.next_fetch_at, now) if row.next_fetch_at else "next run"
        table.add_row(
            escape(row.name),
            f"[{style}]{escape(status)}[/{style}]",
            _when(row.last_success_at, now),
            str(row.consecutive_failures),
            str(row.items),
            _every(row.poll_interval_seconds),
            next_fetch,
            escape(row.schedule_reason or ""),
            escape((row.last_error or "")[:120]),
        )
    console.print(table)
