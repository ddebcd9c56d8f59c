"""Run mypy over the package as it installs: `spacebrief` and its `spacebrief.<folder>`s.

mypy cannot follow setuptools' editable finder (an import hook) nor the `package-dir`
mapping that puts `alerts/` at `spacebrief.alerts`, and checking the folders under their
bare names would leave every `from spacebrief.<folder> import ...` unresolved (silently
`Any` with `ignore_missing_imports`). So this builds the installed layout as a tree of
symbolic links under build/typecheck, read from pyproject's `package-dir` (one list of
folders), runs `mypy -p spacebrief` on it with the `[tool.mypy]` settings, and prints
each error at its path in the repository, so an editor can jump to it.

Usage: `python scripts/typecheck.py [extra mypy arguments]` (`make lint` runs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TREE = REPO / "build" / "typecheck"
PACKAGE = "spacebrief"


def folders() -> dict[str, str]:
    """`spacebrief.<folder>` -> the repository folder it installs from."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(config["tool"]["setuptools"]["package-dir"])


def build_tree() -> dict[str, str]:
    """The link tree; returns each linked prefix (tree-relative) -> repository prefix."""
    shutil.rmtree(TREE, ignore_errors=True)
    top = TREE / PACKAGE
    top.mkdir(parents=True)
    for entry in (REPO / PACKAGE).iterdir():
        if entry.name != "__pycache__":
            (top / entry.name).symlink_to(entry)
    prefixes = {f"{PACKAGE}/": f"{PACKAGE}/"}
    for package, folder in folders().items():
        parent, _, name = package.rpartition(".")
        if parent != PACKAGE:
            raise SystemExit(f"{package}: only folders directly under {PACKAGE} are mapped here")
        (top / name).symlink_to(REPO / folder, target_is_directory=True)
        prefixes[f"{PACKAGE}/{name}/"] = f"{folder}/"
    return prefixes


def main(argv: list[str]) -> int:
    prefixes = build_tree()
    tree = os.path.relpath(TREE, REPO) + "/"
    environment = {**os.environ, "MYPYPATH": str(TREE)}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "-p", PACKAGE, *argv],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in (result.stdout + result.stderr).splitlines():
        if line.startswith(tree):
            rest = line[len(tree) :]
            for linked, real in sorted(prefixes.items(), key=lambda p: -len(p[0])):
                if rest.startswith(linked):
                    line = real + rest[len(linked) :]
                    break
        print(line)
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
