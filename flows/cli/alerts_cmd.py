"""`spacebrief alerts`: deliver owed Slack alerts, or show what would be sent."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from spacebrief import AlertsSummary, PlannedMessage
from spacebrief.flows.cli.app import app, console, handle, print_error
from spacebrief.flows.cli.terminal import untrusted


def _show_plan(summary: AlertsSummary) -> None:
    table = Table(title=f"Would send to {summary.destination}", show_lines=True)
    table.add_column("kind")
    table.add_column("trends")
    table.add_column("score", justify="right")
    table.add_column("stories", justify="right")
    table.add_column("decided by", overflow="fold")
    table.add_column("message (as Slack shows it)", overflow="fold")
    for message in summary.planned:
        lead = max(message.alerts, key=lambda a: a.score)
        trends = ", ".join(sorted({a.trend_id for a in message.alerts}))
        kind = message.kind + (" (thread)" if message.thread_ts else "")
        table.add_row(
            kind,
            trends,
            f"{lead.score:.2f}",
            str(len({a.cluster_id for a in message.alerts})),
            untrusted(_decided_by(message)),
            untrusted(message.text),
        )
    console.print(table)
    if summary.muted:
        muted = Table(title="Muted by a rule (last 7 days; not sent)")
        for column in ("trend", "title", "source", "decided by", "reason"):
            muted.add_column(column, overflow="fold")
        for row in summary.muted:
            muted.add_row(*(untrusted(value or "") for value in row))
        console.print(muted)
    if summary.held:
        held = Table(title="Held back (last 7 days): what pings nobody, and why")
        for column in ("trend", "score", "story", "why not"):
            held.add_column(column, overflow="fold")
        for label in summary.held:
            held.add_row(label.trend_id, f"{label.score:.2f}", untrusted(label.title), label.reason)
        console.print(held)


def _decided_by(message: PlannedMessage) -> str:
    """Per alert: the classifier, or the watch rule, that owes it, and why."""
    return "\n".join(
        f"{a.trend_id}: {a.decided_by or 'classifier'}" + (f" ({a.reason})" if a.reason else "")
        for a in message.alerts
    )


@app.command()
def alerts(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show what would be sent, send nothing, change nothing."
    ),
    retry_failed: bool = typer.Option(
        False, "--retry-failed", help="Give failed alerts a fresh set of attempts and re-send."
    ),
) -> None:
    """Deliver owed watch-list alerts to Slack (or the outbox when Slack is not configured).

    Exits 1 when some alerts could not be delivered (Slack unreachable, rate-limited,
    or a message refused); they stay in the ledger for the next run.
    """
    if dry_run:
        summary = handle().deliver_alerts(dry_run=True, retry_failed=retry_failed)
        _show_plan(summary)
        console.print(untrusted(summary.describe()), highlight=False)
        return
    with Progress(
        TextColumn("Delivering alerts"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("alerts", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = handle().deliver_alerts(retry_failed=retry_failed, on_progress=on_progress)
    console.print(untrusted(summary.describe()), highlight=False)
    if summary.failed_total:
        console.print("  (`spacebrief alerts --retry-failed` sends them again)", highlight=False)
    if summary.undelivered:
        print_error(summary.undelivered_sentence())
        raise typer.Exit(1)  # cron and CI must notice alerts left undelivered


@app.command()
def listen() -> None:
    """Hold the Slack Socket Mode connection alone: feedback buttons -> the warehouse."""
    import signal
    import threading

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    listener = handle().feedback_listener()
    listener.check_token()
    listener.start()
    console.print(
        "Listening for Slack feedback buttons over Socket Mode; Ctrl-C stops.", highlight=False
    )
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        listener.stop()
    console.print("Stopped listening.")
