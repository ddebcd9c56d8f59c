"""`spacebrief sources`: see which feeds are sick, and manage the catalog like a feed reader.

The table shows the catalog in use (SPACEBRIEF_SOURCES, or --sources), each source as
the warehouse knows it by URL; `--all` shows every source the warehouse has seen.
`fetch NAME` (or `--all`) fetches now, whatever the schedule. `import FILE.opml`,
`export`, `add URL` and `remove NAME` edit the sources.yaml that `run` and `serve` read
(SPACEBRIEF_SOURCES, or --catalog), keeping its comments.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from spacebrief.flows.cli.app import SpacebriefGroup, app, console, handle, settings
from spacebrief.flows.cli.terminal import untrusted, visible

sources_app = typer.Typer(cls=SpacebriefGroup, no_args_is_help=False)
app.add_typer(sources_app, name="sources")

CATALOG_HELP = "The sources.yaml to edit (default: SPACEBRIEF_SOURCES, else seeds/sources.yaml)."
SOURCES_HELP = "The catalog in use: sources.yaml, feed URL or folder (default: SPACEBRIEF_SOURCES)."


@sources_app.command("import")
def import_opml(
    opml: Path = typer.Argument(..., help="An OPML file exported by a feed reader."),
    catalog: Path | None = typer.Option(None, "--catalog", help=CATALOG_HELP),
    full_text: bool = typer.Option(
        False, "--full-text", help="Mark every imported source `full_text: true`."
    ),
) -> None:
    """Add an OPML file's feeds (folders become tags); known feeds are left as they are.

    Only http(s) feeds are imported: an outline naming a local path, another scheme or a
    link-local address is refused with one sentence (private addresses only when
    SPACEBRIEF_FETCH_ALLOW_PRIVATE is set).
    """
    edit = handle().import_opml(opml, catalog=catalog, full_text=full_text)
    for sentence in edit.refused:
        console.print(untrusted(sentence))
    refused = f"; {len(edit.refused)} refused (above)" if edit.refused else ""
    console.print(
        f"Imported {edit.added} source(s) from {escape(str(opml))} into "
        f"{escape(str(edit.catalog))}; {edit.already} already there{refused}.",
        highlight=False,
    )


@sources_app.command("export")
def export_opml(
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here instead of standard output."
    ),
    sources: str | None = typer.Option(
        None, "--sources", help="sources.yaml, feed URL or folder (default: SPACEBRIEF_SOURCES)."
    ),
) -> None:
    """Write the catalog as OPML 2.0, our fields (full_text, language...) as attributes."""
    document = handle().export_opml(sources)
    if output is None:
        sys.stdout.write(document)
        return
    output.write_text(document, "utf-8")
    console.print(f"Wrote {escape(str(output))}.", highlight=False)


@sources_app.command("add")
def add_source(
    url: str = typer.Argument(..., help="A feed URL, or a site page that links to its feed."),
    name: str | None = typer.Option(None, "--name", help="Name (default: the feed's title)."),
    catalog: Path | None = typer.Option(None, "--catalog", help=CATALOG_HELP),
    full_text: bool = typer.Option(
        False, "--full-text", help="Fetch each item's page for its article text."
    ),
    tag: list[str] = typer.Option([], "--tag", help="A tag (repeat for more)."),
) -> None:
    """Find a site's feed (<link rel="alternate">), check it parses, append it to the catalog."""
    edit = handle().add_source(url, name=name, catalog=catalog, full_text=full_text, tags=tag)
    console.print(untrusted(edit.describe()), highlight=False)


@sources_app.command("remove")
def remove_source(
    name: str = typer.Argument(..., help="The source's name, its id, or its URL."),
    catalog: Path | None = typer.Option(None, "--catalog", help=CATALOG_HELP),
) -> None:
    """Take a source out of the catalog (its stored items stay in the warehouse)."""
    edit = handle().remove_source(name, catalog=catalog)
    console.print(untrusted(edit.describe()), highlight=False)


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


def _full_text(row) -> str:
    """'12 extracted, 2 failed: <why the latest failed>' for a full-text source."""
    if not row.contents_ok and not row.contents_failed:
        return "-"
    text = f"{row.contents_ok} extracted"
    if row.contents_failed:
        text += f", [red]{row.contents_failed} failed[/red]"
        if row.content_error:
            text += f": {escape(visible(row.content_error[:100]))}"
    return text


@sources_app.command("fetch")
def fetch_now(
    name: str | None = typer.Argument(None, help="The source's name, its id, or its URL."),
    every: bool = typer.Option(False, "--all", help="Fetch every source of the catalog."),
    sources: str | None = typer.Option(None, "--sources", help=SOURCES_HELP),
) -> None:
    """Fetch a source now (or every one), whatever its schedule or backoff; a running
    `serve` classifies and alerts what it stores within a minute. Exits 1 when every
    feed tried failed."""
    from spacebrief.flows.cli.ingest_cmd import report_ingest

    if every == (name is not None):
        raise typer.BadParameter("name one source, or say --all (not both).")
    names = () if every else (str(name),)
    with console.status(f"Fetching {'every source' if every else 'the source'} now"):
        summary = handle().fetch_now(*names, location=sources)
    report_ingest(summary)


def _short(location: str) -> str:
    """A catalog's file name (a folder's name, a URL as it is): a title fits 80 columns."""
    if location.lower().startswith(("http://", "https://")):
        return location
    return Path(location).name or location


@sources_app.callback(invoke_without_command=True)
def sources(
    ctx: typer.Context,
    every: bool = typer.Option(
        False, "--all", help="Every source the warehouse has seen, not only the catalog's."
    ),
    location: str | None = typer.Option(None, "--sources", help=SOURCES_HELP),
) -> None:
    """The catalog in use: each source's health, schedule and full-text extraction
    (`--all`: every source ever seen); fetch, import, export, add, remove act on it."""
    if ctx.invoked_subcommand is not None:
        return
    where = location or settings().sources_location
    rows = handle().sources(where, every=every)
    if not rows:
        console.print("No sources yet: run `spacebrief ingest` first.")
        return
    now = datetime.now(UTC)
    # Five columns (six with full text), each cell a few short lines: at 80 columns every
    # column is still wider than its longest word, so rich wraps between words. The source
    # column has a fixed width (the longest name, at most 24, never less than its longest
    # word) that rich does not shrink, so no name is split or cut; the error folds.
    title = (
        f"{len(rows)} sources the warehouse has seen"
        if every
        else f"{len(rows)} sources in {escape(visible(_short(where)))}"
    )
    table = Table(title=title)
    with_text = any(row.contents_ok or row.contents_failed for row in rows)
    names = [visible(row.name) for row in rows]
    longest_word = max(len(word) for name in names for word in [*name.split(), ""])
    source_width = min(24, max(longest_word, *(len(name) for name in names), 6))
    table.add_column("Source", width=max(longest_word, source_width), overflow="fold")
    table.add_column("Status")
    table.add_column("Items", justify="right")
    if with_text:
        table.add_column("Full text")
    table.add_column("Schedule")
    table.add_column("Error", overflow="fold")
    for row in rows:
        status = (row.last_status or "never fetched").replace("not_modified", "unchanged")
        state = untrusted(status, _STATUS_STYLE.get(status, "dim"))
        if row.consecutive_failures:
            state.append(f", {row.consecutive_failures} in a row")
        state.append(f"\nlast ok {_when(row.last_success_at, now)}")
        next_fetch = _when(row.next_fetch_at, now) if row.next_fetch_at else "next run"
        schedule = untrusted(f"every {_every(row.poll_interval_seconds)}\nnext {next_fetch}")
        if row.schedule_reason:
            schedule.append("\n").append(untrusted(row.schedule_reason))
        cells: list[str | Text] = [
            untrusted(row.name),
            state,
            str(row.items),
            *([_full_text(row)] if with_text else []),
            schedule,
            untrusted((row.last_error or "")[:120]),
        ]
        table.add_row(*cells)
    console.print(table)
