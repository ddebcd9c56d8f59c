"""Prefect stays behind the commands that run flows: the rest starts without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The CLI module with every command registered, the settings and every step module.
WITHOUT_PREFECT = [
    "spacebrief.flows.cli",
    "spacebrief.flows.settings",
    *(
        f"spacebrief.flows.steps.{p.stem}"
        for p in sorted((REPO / "flows" / "steps").glob("[!_]*.py"))
    ),
]


def test_the_cli_settings_and_steps_import_no_prefect(tmp_path: Path) -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {WITHOUT_PREFECT!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'prefect')[:3])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert done.stdout.strip() == "[]"


def test_the_flow_modules_do_import_prefect(tmp_path: Path) -> None:
    # The other side of the border, so the test above cannot pass by importing nothing.
    code = "import sys, spacebrief.flows.pipeline; print('prefect' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert done.stdout.strip() == "True"
