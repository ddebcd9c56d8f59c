"""The `spacebrief` Typer app and what every command shares.

User mistakes and faults that are not bugs (a locked warehouse, a missing file, a bad
feed URL) come out as one sentence and exit code 1, never a traceback: every such error
is a `SpacebriefError` (see the tree in `spacebrief.exceptions`), or an `OSError` naming
a file, and `SpacebriefGroup` prints it as one line and exits 1. Anything else (a
`ValueError`, a `TypeError`) is a bug: it keeps its traceback, for the bug report.

The library's sentences speak of the thing (the mail server's URL, the window's days);
an error carries the setting or the argument it is about, and the CLI adds what a person
types to change it: the environment variable (`SPACEBRIEF_SMTP_URL`) or the command's
option (`--days`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

import spacebrief
from spacebrief import Settings, Spacebrief, SpacebriefError, load_settings
from spacebrief.exceptions import is_user_facing
from spacebrief.flows.cli.terminal import untrusted
from spacebrief.flows.prefect_env import configure_offline_environment
from spacebrief.settings import variable_of

if TYPE_CHECKING:
    # typer bundles its own click (`typer._click`, no public name): `invoke` receives that
    # click's Context (typer.Context is only its subclass for command callbacks).
    from typer._click import Context as ClickContext

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def print_error(error: object, hint: str | None = None) -> None:
    """`Error: <one sentence>` on stderr, `hint` (an option or a variable) before its full
    stop when the sentence does not name it; the sentence may quote feed text or SQL."""
    sentence = str(error)
    if hint and hint not in sentence:
        body = sentence[:-1] if sentence.endswith(".") else sentence
        sentence = f"{body} ({hint})."
    err_console.print(
        Text.assemble(("Error: ", "bold red"), untrusted(sentence)),
        highlight=False,
        soft_wrap=True,
    )


def hint_for(error: BaseException, ctx: ClickContext | None) -> str | None:
    """What a person types to fix `error`: the invoked command's option for the argument
    it is about, else the setting's environment variable."""
    if not isinstance(error, SpacebriefError):
        return None
    if error.parameter and ctx is not None:
        command = ctx.command
        if ctx.invoked_subcommand:
            command = command.get_command(ctx, ctx.invoked_subcommand) or command  # type: ignore[attr-defined]
        for param in command.params:
            if param.name == error.parameter and param.opts[0].startswith("-"):
                return str(param.opts[0])
    if error.setting:
        return variable_of(error.setting)
    return None


class SpacebriefGroup(TyperGroup):
    def invoke(self, ctx: ClickContext) -> object:
        try:
            return super().invoke(ctx)
        except Exception as error:
            if not is_user_facing(error):
                raise
            print_error(error, hint_for(error, ctx))
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


def handle() -> Spacebrief:
    """The API's handle on the configured warehouse: every command calls it, as any
    caller of the API does (the CLI is thin over it, as sqlite-utils' is)."""
    return spacebrief.open(settings=settings())


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every step.")) -> None:
    configure_offline_environment()
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
