"""`spacebrief run`, `demo` and `serve`: the commands that go through Prefect.

Each calls `configure_prefect()` before anything imports Prefect (Prefect reads its
settings at import), then imports the flows. The other commands never pay Prefect's
start-up cost.
"""

from __future__ import annotations

import logging
import os
import signal
from datetime import date
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from spacebrief.flows.cli.app import (
    SOURCES_COMMAND,
    app,
    console,
    err_console,
    handle,
    print_error,
    settings,
    with_hint,
)
from spacebrief.flows.cli.terminal import untrusted
from spacebrief.flows.prefect_env import configure_prefect

STEP_TITLES = {
    "ingest": "Fetching feeds",
    "classify": "Classifying items",
    "alerts": "Delivering alerts",
    "digest": "Writing the edition",
}

STARTING_PREFECT = "Starting Prefect"
SOURCES_HELP = "A sources.yaml FILE, one feed URL, or a DIR of feed files (default: settings)."


class ProgressDisplay:
    """Turns step events from the flows into one rich progress bar per step."""

    def __init__(self, view: Progress, warm_up: Any = None) -> None:
        self.view = view
        self.bars: dict[str, Any] = {}
        self.warm_up = warm_up  # the "Starting Prefect" line, done when a step begins

    def started(self, step: str) -> None:
        if self.warm_up is not None:
            self.view.update(self.warm_up, completed=1, total=1)
            self.warm_up = None
        if step not in self.bars:
            self.bars[step] = self.view.add_task(STEP_TITLES.get(step, step), total=None)

    def progress(self, step: str, done: int, total: int) -> None:
        self.started(step)
        self.view.update(self.bars[step], completed=done, total=max(total, 1))

    def finished(self, step: str, summary: Any) -> None:
        self.started(step)
        bar = self.bars[step]
        total = self.view.tasks[bar].total or 1
        self.view.update(bar, completed=total, total=total)
        self.view.console.print(
            Text.assemble(("✓ ", "green"), untrusted(summary.describe())),
            highlight=False,
            soft_wrap=True,
        )


def _not_prefect(record: logging.LogRecord) -> bool:
    return not record.name.startswith("prefect")


def _quiet_prefect_console() -> None:
    """Prefect's own console lines would tear the progress bars and print tracebacks for
    user mistakes that the CLI already reports in one sentence; the UI still has them all.
    `--verbose` keeps everything."""
    root = logging.getLogger()
    if root.getEffectiveLevel() > logging.INFO:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
        for handler in root.handlers:
            handler.setLevel(logging.WARNING)
            handler.addFilter(_not_prefect)


def _run_cycle(
    sources: str | None,
    *,
    edition_date: date | None = None,
    days: int | None = None,
    edition_from_newest_item: bool = False,
    news_from_oldest_item: bool = False,
) -> None:
    config = settings()
    handle().initialise()  # a damaged file: one sentence before Prefect starts
    configure_prefect(config.home)
    _quiet_prefect_console()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        # Importing Prefect and starting its local engine takes 5-20 s before any step.
        warm_up = progress.add_task(STARTING_PREFECT, total=None)
        from spacebrief.flows.ephemeral_server import start_ephemeral_server_tied_to_us
        from spacebrief.flows.pipeline import cycle_flow, set_step_listener

        start_ephemeral_server_tied_to_us()

        set_step_listener(ProgressDisplay(progress, warm_up))
        try:
            report = cycle_flow(
                sources=sources,
                edition_date=edition_date,
                days=days,
                edition_from_newest_item=edition_from_newest_item,
                news_from_oldest_item=news_from_oldest_item,
            )
        finally:
            set_step_listener(None)
    edition = report.edition
    console.print()
    console.print(f"Edition    {edition.markdown_path}", highlight=False, soft_wrap=True)
    console.print(f"           {edition.html_path}", highlight=False, soft_wrap=True)
    console.print(f"           {edition.json_path}", highlight=False, soft_wrap=True)
    console.print(f"Warehouse  {config.warehouse_path}", highlight=False, soft_wrap=True)
    if not (config.slack_bot_token or config.slack_webhook_url):
        console.print(
            f"Outbox     {config.outbox_path}  (Slack is not configured)",
            highlight=False,
            soft_wrap=True,
        )
    problems = _cycle_problems(report)
    for problem in problems:
        print_error(problem)
    if problems:
        raise typer.Exit(1)  # a cron job must notice: nothing read, or alerts left undelivered


def _cycle_problems(report: Any) -> list[str]:
    """One sentence per thing a cron job must hear about: every feed failed, alerts left
    undelivered."""
    problems = []
    if report.ingest.all_failed:
        problems.append(with_hint(report.ingest.failure_sentence(), SOURCES_COMMAND))
    if report.alerts_error:
        problems.append(
            f"Alerts were not delivered ({report.alerts_error}); they stay pending: "
            "`spacebrief alerts --retry-failed` tries again."
        )
    elif report.alerts is not None and report.alerts.undelivered:
        problems.append(report.alerts.undelivered_sentence())
    return problems


@app.command()
def run(
    sources: str | None = typer.Option(None, "--sources", help=SOURCES_HELP),
) -> None:
    """One full cycle through the Prefect flows: ingest, classify, alerts, digest.

    Exits 1 when every feed tried failed or alerts were left undelivered."""
    _run_cycle(sources)


DEMO_DAYS = 28


@app.command()
def demo() -> None:
    """One full cycle on the recorded sample feeds, dated by their newest item; every
    recorded story counts as news, so its alerts go out."""
    _run_cycle(
        str(settings().samples_dir),
        days=DEMO_DAYS,
        edition_from_newest_item=True,
        news_from_oldest_item=True,
    )


@app.command()
def serve(
    sources: str | None = typer.Option(None, "--sources", help=SOURCES_HELP),
    port: int = typer.Option(4200, "--port", help="Port of the local Prefect server."),
) -> None:
    """Run everything unattended: each feed when due, a warm task worker, the Prefect UI."""
    # Ctrl-C stops serve at every stage, as the runner's loop does once it is up, even when
    # the process inherited SIGINT ignored (POSIX starts a background job of a
    # non-interactive shell so): else a Ctrl-C while the server starts was lost and serve
    # went on to run unattended.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    config = settings()
    configure_prefect(config.home)
    from spacebrief.flows.serve import (
        external_api_url,
        serve_deployments,
        start_local_server,
        ui_url_for,
    )

    server = None
    listener = None
    api_url = external_api_url()

    def ready(names: list[str]) -> None:
        console.print(f"Serving {', '.join(names)}.", highlight=False, soft_wrap=True)
        if listener is not None:
            console.print(
                "Slack feedback buttons: listening over Socket Mode (SLACK_APP_TOKEN is set)."
            )
        else:
            console.print("Slack feedback buttons: off (set SLACK_APP_TOKEN to hear clicks).")
        console.print(f"Prefect UI: {ui_url_for(api_url or '')}", highlight=False, soft_wrap=True)
        console.print(
            "Ingest runs now, then whenever a feed is due; classify and alerts run on the "
            "task worker. Ctrl-C stops everything."
        )

    try:
        if api_url is None:
            console.print(f"Starting a local Prefect server on 127.0.0.1:{port}…")
            server = start_local_server(config.home, port)  # a ServeError is one sentence
            api_url = server.api_url
            os.environ["PREFECT_API_URL"] = api_url
        if config.slack_app_token is not None:
            listener = handle().feedback_listener()
            listener.check_token()
            listener.start()
        serve_deployments(config, sources, on_ready=ready)
    except KeyboardInterrupt:
        err_console.print("Stopped while starting.")
        raise typer.Exit(130) from None
    finally:
        if listener is not None:
            listener.stop()
        if server is not None:
            server.stop()
            console.print("Prefect server stopped.")
    console.print("spacebrief serve stopped.")
