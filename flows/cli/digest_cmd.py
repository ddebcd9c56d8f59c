"""`spacebrief digest`: write (or rebuild) the edition for a date and window length,
and with `--send` e-mail it to SPACEBRIEF_EMAIL_TO (once per recipient)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from spacebrief import DigestError
from spacebrief.flows.cli.app import app, console, handle, print_error
from spacebrief.flows.cli.terminal import untrusted


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DigestError(
            f"An edition's day is written YYYY-MM-DD, not {value!r}.", parameter="day"
        ) from None


@app.command()
def digest(
    day: str | None = typer.Option(
        None, "--date", help="Edition date YYYY-MM-DD (window ends that day); default today (UTC)."
    ),
    days: int | None = typer.Option(
        None, "--days", help="Window length in days; default SPACEBRIEF_DIGEST_DAYS (7)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for the .md/.html/.json; default $SPACEBRIEF_HOME/editions."
    ),
    send: bool = typer.Option(
        False,
        "--send",
        help="Also e-mail it (SPACEBRIEF_SMTP_URL, _EMAIL_TO, _EMAIL_FROM); once per recipient.",
    ),
) -> None:
    """Write the newsletter edition (Markdown, HTML, text, JSON) from what the warehouse holds.

    With --send, exits 1 when the edition did not reach every recipient."""
    sb = handle()
    with console.status("Building the edition…"):
        summary = sb.write_edition(_parse_date(day), days, out_dir=out)
    console.print(untrusted(summary.describe()), highlight=False)
    if summary.suggested_day is not None:
        console.print(
            f"  (`spacebrief digest --date {summary.suggested_day.isoformat()} "
            f"--days {summary.days}`)",
            highlight=False,
        )
    for path in (summary.markdown_path, summary.html_path, summary.text_path, summary.json_path):
        console.print(f"  {path}", highlight=False)
    if send:
        with console.status("E-mailing the edition…"):
            emailed = sb.email_edition(summary)
        console.print(untrusted(emailed.describe()), highlight=False)
        if emailed.undelivered:
            print_error(emailed.undelivered_sentence())
            raise typer.Exit(1)
