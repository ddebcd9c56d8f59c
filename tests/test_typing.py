"""The package type-checks: the public API is typed (py.typed ships), so a type error is
a defect a user's checker would report first.

Runs `scripts/typecheck.py` (mypy over the installed layout, as `make lint` does); about
30 s on a fresh clone, a second with mypy's cache.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_error_in_the_package() -> None:
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "typecheck.py")],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert done.returncode == 0 and not errors, "\n".join(errors) or done.stdout + done.stderr
