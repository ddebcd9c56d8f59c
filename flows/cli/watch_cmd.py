"""`spacebrief watch`: the analysts' own rules (always alert on this, never on that).

Rules are stored in the warehouse with their history; the classify step applies them to
every new item, so a rule added now decides the alerts of the next cycle.
"""

from __future__ import annotations

import getpass

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from spacebrief.flows.cli.app import SpacebriefGroup, app, console, handle

watch_app = typer.Typer(
    cls=SpacebriefGroup,
    help="Watch rules (always alert on matching stories) and mute rules (never alert).",
    no_args_is_help=True,
)
app.add_typer(watch_app, name="watch")


def _analyst(given: str | None) -> str | None:
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


@watch_app.command("add")
def watch_add(
    name: str = typer.Argument(..., help="The rule's name (shown in its alerts' header)."),
    query: str = typer.Argument(
        ..., help="What to match, e.g. 'title:北斗 OR (ILRS AND -Artemis) source:\"CGTN\"'."
    ),
    channel: list[str] = typer.Option(
        [], "--channel", help="Slack channel id for this rule's alerts (repeatable; bot token)."
    ),
    mute: bool = typer.Option(False, "--mute", help="A mute rule: never alert on matches."),
    analyst: str | None = typer.Option(None, "--analyst", help="Who adds it (default: $USER)."),
) -> None:
    """Add (or replace) a rule; it applies to stories classified from now on."""
    replaced = handle().add_watch_rule(
        name, query, mute=mute, channels=channel, analyst=_analyst(analyst)
    )
    kind = "Mute rule" if mute else "Watch rule"
    verb = "replaced" if replaced else "added"
    console.print(
        f"{kind} {escape(name)!r} {verb}; it decides the alerts of stories classified from "
        "now on (`spacebrief watch test` shows what it would have matched).",
        highlight=False,
    )


@watch_app.command("list")
def watch_list(
    history: bool = typer.Option(False, "--history", help="Every add, replace and remove."),
) -> None:
    """The rules in force (or their history)."""
    if history:
        table = Table("when", "rule", "action", "kind", "query", "by")
        for at, name, action, kind, query, who in handle().watch_rule_history():
            table.add_row(
                f"{at:%Y-%m-%d %H:%M}", Text(name), action, kind, Text(query), Text(who or "")
            )
        console.print(table)
        return
    rules = handle().watch_rules()
    if not rules:
        console.print("No rules yet: `spacebrief watch add NAME 'QUERY'` adds one.")
        return
    table = Table("rule", "kind", "query", "channels", "added by", "added")
    for rule in rules:
        table.add_row(
            Text(rule.name),
            rule.kind,
            Text(rule.query),
            Text(", ".join(rule.channels) or "default"),
            Text(rule.created_by or ""),
            f"{rule.created_at:%Y-%m-%d %H:%M}" if rule.created_at else "",
        )
    console.print(table)


@watch_app.command("remove")
def watch_remove(
    name: str = typer.Argument(..., help="The rule's name."),
    analyst: str | None = typer.Option(None, "--analyst", help="Who removes it."),
) -> None:
    """Remove a rule (its history stays)."""
    rule = handle().remove_watch_rule(name, analyst=_analyst(analyst))
    console.print(f"Removed the {rule.kind} rule {escape(name)!r}.", highlight=False)


@watch_app.command("test")
def watch_test(
    query: str = typer.Argument(..., help="The query to try."),
    days: int = typer.Option(30, "--days", min=1, help="How far back to look."),
) -> None:
    """What a query would have matched in the warehouse, as a table; alerts nobody."""
    found = handle().search(query, days=days)
    total, matches = found.total, found.matches
    table = Table("published", "source", "title", "trends", title=f"Matches in {days} day(s)")
    for match in matches:
        table.add_row(
            f"{match.published_at:%Y-%m-%d}",
            Text(match.source_name or ""),
            Text(match.title),
            ", ".join(match.trends),
        )
    console.print(table)
    stories = found.stories
    shown = f" ({len(matches)} shown)" if total > len(matches) else ""
    console.print(
        f"{total} item(s) in {stories} stor{'y' if stories == 1 else 'ies'} matched{shown}; "
        "nothing was alerted.",
        highlight=False,
    )
