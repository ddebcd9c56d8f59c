"""`spacebrief web`: the reading room; `spacebrief backfill`: read stored items for it."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from spacebrief.flows.cli.app import app, console, handle


@app.command()
def web(
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on; anything but loopback needs SPACEBRIEF_WEB_TOKEN.",
    ),
    port: int = typer.Option(8700, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the reading room: editions, items, search, entities; teach with the token."""
    with handle() as sb:
        sb.serve_reading_room(
            host=host, port=port, on_ready=lambda said: console.print(said, highlight=False)
        )


@app.command()
def backfill(
    reread_actors: bool = typer.Option(
        False, "--reread-actors", help="Read every item's actors again (after a gazetteer change)."
    ),
) -> None:
    """Read stored items for the actors they name and the stories they join (new items
    are read when classified), and record which items older editions cite."""
    with Progress(
        TextColumn("Reading stored items"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("items", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = handle().backfill(reread_actors=reread_actors, on_progress=on_progress)
    console.print(report.describe(), highlight=False)
