"""`spacebrief ingest`: read the feeds and store the new items."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from spacebrief import IngestSummary
from spacebrief.flows.cli.app import app, console, handle, print_error
from spacebrief.flows.cli.terminal import untrusted


@app.command()
def ingest(
    sources: str | None = typer.Option(
        None, "--sources", help="sources.yaml, one feed URL, or a folder of feed files."
    ),
    force: bool = typer.Option(
        False, "--force", help="Fetch sources that are backing off or not yet due."
    ),
    refetch_content: bool = typer.Option(
        False,
        "--refetch-content",
        help="Fetch and extract again the article pages of full_text sources, even those "
        "already done (after a new extractor version or content_selector).",
    ),
) -> None:
    """Fetch every feed that is due, store the new items, and say which feeds failed.

    Exits 1 when every feed it tried failed."""
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

        summary = handle().ingest(
            sources, force=force, refetch_content=refetch_content, on_progress=on_progress
        )
    report_ingest(summary)


def report_ingest(summary: IngestSummary) -> None:
    """The run in a sentence; exit 1, with a sentence saying so, when every feed failed."""
    console.print(untrusted(summary.describe()), highlight=False)
    if summary.all_failed:
        print_error(summary.failure_sentence())
        raise typer.Exit(1)
    if summary.failed:
        console.print("Run `spacebrief sources` to see which feeds failed and why.")
