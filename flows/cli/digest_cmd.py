"""`spacebrief digest`: write (or rebuild) the edition for a date and window length,
and with `--send` e-mail it to SPACEBRIEF_EMAIL_TO (once per recipient)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from spacebrief.digest.exceptions import DigestError
from spacebrief.flows.cli.app import app, console, print_error, settings, warehouse
from spacebrief.flows.cli.terminal import untrusted
from spacebrief.flows.steps.digest_step import write_digest
from spacebrief.flows.steps.email_step import send_edition


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DigestError(f"--date wants a day as YYYY-MM-DD, not {value!r}.") from None


@app.command()
def digest(
    edition_date: str | None = typer.Option(
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
    with console.status("Building the edition…"):
        summary = write_digest(
            warehouse(), settings(), edition_date=_parse_date(edition_date), days=days, out_dir=out
        )
    console.print(untrusted(summary.describe()), highlight=False)
    for path in (summary.markdown_path, summary.html_path, summary.text_path, summary.json_path):
        console.print(f"  {path}", highlight=False)
    if send:
        with console.status("E-mailing the edition…"):
            emailed = send_edition(warehouse(), settings(), summary)
        console.print(untrusted(emailed.describe()), highlight=False)
        if emailed.undelivered:
            print_error(emailed.undelivered_sentence())
            raise typer.Exit(1)
