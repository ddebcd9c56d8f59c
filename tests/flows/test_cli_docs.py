"""Every command is documented, and docs/cli.md says what the code does."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import typer

from spacebrief.flows.cli import app

REPO = Path(__file__).resolve().parents[2]


def _cli_docs():
    spec = importlib.util.spec_from_file_location("cli_docs", REPO / "scripts" / "cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_contract_commands_exist() -> None:
    names = set(typer.main.get_command(app).commands)
    assert {
        "demo",
        "run",
        "ingest",
        "classify",
        "alerts",
        "digest",
        "eval",
        "query",
        "serve",
        "sources",
        "feedback",
        "train",
    } <= names


def test_every_command_has_a_help_text() -> None:
    for name, command in typer.main.get_command(app).commands.items():
        assert (command.help or "").strip(), f"`spacebrief {name}` has no help text"


def test_docs_cli_md_is_current() -> None:
    module = _cli_docs()
    assert module.DOC.read_text("utf-8") == module.render(), (
        "docs/cli.md is stale: run `python scripts/cli_docs.py`"
    )
