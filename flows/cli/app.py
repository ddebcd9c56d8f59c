"""The `spacebrief` Typer app and what every command shares.

User mistakes and faults that are not bugs (a locked warehouse, a missing file, a bad
feed URL) come out as one sentence and exit code 1, never a traceback: every such error
is a `SpacebriefError` (see the tree in `spacebrief.exceptions`), or an `OSError` naming
a file, and `SpacebriefGroup` prints it as one line and exits 1. Anything else (a
`ValueError`, a `TypeError`) is a bug: it keeps its traceback, for the bug report.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from spacebrief.core import open_warehouse
from spacebrief.exceptions import is_user_facing
from spacebrief.flows.cli.terminal import untrusted
from spacebrief.flows.prefect_env import configure_offline_environment
from spacebrief.flows.settings import Settings, load_settings
from spacebrief.warehouse import Warehouse

if TYPE_CHECKING:
    # typer bundles its own click (`typer._click`, no public name): `invoke` receives that
    # click's Context (typer.Context is only its subclass for command callbacks).
    from typer._click import Context as ClickContext

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def print_error(error: object) -> None:
    """`Error: <one sentence>` on stderr; the sentence may quote feed text or SQL."""
    err_console.print(
        Text.assemble(("Error: ", "bold red"), untrusted(error)), highlight=False, soft_wrap=True
    )


class SpacebriefGroup(TyperGroup):
    def invoke(self, ctx: ClickContext) -> object:
        try:
            return super().invoke(ctx)
        except Exception as error:
            if not is_user_facing(error):
                raise
            print_error(error)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=SpacebriefGroup,
    help="Space news monitoring for China, Russia and the Global South.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def settings() -> Settings:
    """Read afresh on each call: cheap, and tests change the environment between commands."""
    return load_settings()


def warehouse() -> Warehouse:
    """The configured warehouse, opened as any caller of the API opens one."""
    config = settings()
    return open_warehouse(config.warehouse_path, lock_wait_seconds=config.lock_wait_seconds)


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every step.")) -> None:
    configure_offline_environment()
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
