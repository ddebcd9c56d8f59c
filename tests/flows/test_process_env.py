"""The process environment is set in one place, by the entry points, never by the library."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacebrief.flows.cli import app
from spacebrief.flows.prefect_env import OFFLINE_DEFAULTS, PREFECT_DEFAULTS

REPO = Path(__file__).resolve().parents[2]
LIBRARY = ("alerts", "classifiers", "digest", "ingest", "seeds", "segmenter", "warehouse")


def test_every_command_runs_offline_unless_the_shell_says_otherwise(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in OFFLINE_DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "true")  # the user's choice stands

    CliRunner().invoke(app, ["sources"])  # fails (no warehouse yet) after the root callback

    assert os.environ["HF_HUB_OFFLINE"] == os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert os.environ["TOKENIZERS_PARALLELISM"] == "true"


def test_the_flow_processes_get_the_same_offline_defaults() -> None:
    assert OFFLINE_DEFAULTS.items() <= PREFECT_DEFAULTS.items()


_WRITING_CALLS = {
    f"os.environ.{method}" for method in ("setdefault", "update", "pop", "popitem", "clear")
} | {"os.putenv", "os.unsetenv"}


def _environment_writes(source: str) -> list[int]:
    """Lines of `os.environ[...] = / del`, `os.environ.setdefault(...)` and the like."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in _WRITING_CALLS:
            lines.append(node.lineno)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
            targets = [node.target] if isinstance(node, ast.AugAssign) else node.targets
            if any(ast.unparse(t).startswith("os.environ[") for t in targets):
                lines.append(node.lineno)
    return sorted(lines)


def test_no_library_module_changes_the_process_environment() -> None:
    modules = [path for folder in LIBRARY for path in sorted((REPO / folder).rglob("*.py"))]
    assert len(modules) > 50  # the walk found the library
    writes = {
        str(path.relative_to(REPO)): lines
        for path in modules
        if (lines := _environment_writes(path.read_text("utf-8")))
    }
    assert writes == {}


def test_the_environment_check_sees_each_kind_of_write() -> None:
    """Guards the guard: the old encoder's lines, and the other ways, are all found."""
    source = """import os
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ["TRANSFORMERS_OFFLINE"] = "1"
del os.environ["X"]
os.environ.update(A="1")
os.putenv("B", "2")
print(os.environ.get("C"), os.environ["D"])
"""
    assert _environment_writes(source) == [2, 3, 4, 5, 6]
