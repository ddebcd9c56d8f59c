"""Write docs/cli.md from the `spacebrief` commands themselves.

`tests/flows/test_cli_docs.py` runs `render()` and compares it with the file, so the
reference can never drift from the code: after changing a command, run
`python scripts/cli_docs.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"

INTRO = """# The spacebrief command line

Every command, its arguments and options. Generated from the code by
`python scripts/cli_docs.py`; a test checks it is current.

Configuration comes from `SPACEBRIEF_*` variables and an optional `spacebrief.toml`
(see the README). User mistakes end with one sentence and exit code 1.
"""


def _param_line(param: object) -> str:
    opts = ", ".join(f"`{o}`" for o in (*param.opts, *param.secondary_opts))
    help_text = (getattr(param, "help", None) or "").strip()
    default = getattr(param, "default", None)
    shown = ""
    if (
        param.param_type_name == "option"
        and default not in (None, False, ())
        and not callable(default)
    ):
        shown = f" (default: `{getattr(default, 'value', default)}`)"
    if param.param_type_name == "argument":
        opts = f"`{param.name.upper()}`"
        help_text = help_text or "argument"
    return f"- {opts}: {help_text}{shown}".rstrip()


def render() -> str:
    from spacebrief.flows.cli import app

    group = typer.main.get_command(app)
    parts = [INTRO]
    for name in sorted(group.commands):
        _document(parts, f"spacebrief {name}", group.commands[name], "##")
    return "\n".join(parts)


def _document(parts: list[str], path: str, command: object, level: str) -> None:
    """A command's section; a group's subcommands follow it one level down."""
    if command.hidden:
        return
    parts.append(f"{level} {path}\n")
    parts.append((command.help or "").strip() + "\n")
    params = [p for p in command.params if p.name != "help"]
    if params:
        parts.append("\n".join(_param_line(p) for p in params) + "\n")
    for name in sorted(getattr(command, "commands", {}) or {}):
        _document(parts, f"{path} {name}", command.commands[name], level + "#")


if __name__ == "__main__":
    DOC.write_text(render(), "utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
