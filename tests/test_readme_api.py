"""The README's Python API example runs as written, and prints what it promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _example() -> str:
    readme = (REPO / "README.md").read_text("utf-8")
    found = re.search(r"<!-- api-example -->\n```python\n(.*?)```", readme, re.S)
    assert found, "README.md lost its <!-- api-example --> block"
    return found.group(1)


@pytest.mark.slow
def test_the_readme_api_example_runs_a_whole_cycle(tmp_path: Path, home: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(_example().replace('"demo.duckdb"', repr(str(tmp_path / "demo.duckdb"))))
    run = subprocess.run(
        [sys.executable, str(script)], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    assert "81 new items" in lines[0]
    assert "Classified 81 item(s)" in lines[1]
    assert re.match(r".+ - [1-9]\d* stories, [1-9]\d* sources$", lines[2])
    sent, second = re.fullmatch(r"(\d+) alerts sent; (\d+) the second time", lines[3]).groups()
    assert int(sent) > 0 and int(second) == 0
    assert lines[4].startswith("True [('W1', ")  # W1: the ILRS gains Global South partners
    assert lines[5] == "2025-03-24-28d.md True"  # the written edition is the one it built
    assert list(tmp_path.rglob("2025-03-24-28d.md")), "the edition's Markdown was written"
