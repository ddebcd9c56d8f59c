"""Every third-party module the tests import is a package pyproject.toml declares.

A package that only arrives as another's dependency (websockets and cryptography came
with Prefect) vanishes the day that package drops it, and the test servers with it. The
declared set is the project's dependencies and its extras (`make test` installs them
all), with what a requirement's own extras pull in (`httpx[brotli]` declares brotli).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"spacebrief", "tests"}
# a requirement line: its name, then its extras in brackets
REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _name(requirement: str) -> str:
    match = REQUIREMENT.match(requirement)
    assert match, f"not a requirement: {requirement!r}"
    return _normal(match.group(1))


def pulled_by_extra(distribution: str, extra: str) -> set[str]:
    """What installing `distribution[extra]` adds, by its installed metadata."""
    try:
        lines = requires(distribution) or []
    except PackageNotFoundError:
        return set()
    marker = re.compile(rf"""extra\s*==\s*["']{re.escape(extra)}["']""")
    return {_name(line) for line in lines if marker.search(line)}


def declared_distributions() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    lines = list(project["dependencies"])
    for group in project.get("optional-dependencies", {}).values():
        lines += group
    names = set()
    for line in lines:
        match = REQUIREMENT.match(line)
        assert match, f"not a requirement: {line!r}"
        names.add(_normal(match.group(1)))
        for extra in filter(None, (e.strip() for e in (match.group(2) or "").split(","))):
            names |= pulled_by_extra(match.group(1), extra)
    return names


def imported_modules(root: Path) -> dict[str, set[str]]:
    """Top-level third-party modules imported by the files under `root`, with where."""
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in FIRST_PARTY:
                    found.setdefault(top, set()).add(path.relative_to(root).as_posix())
    return found


def test_the_scan_sees_the_test_servers_imports() -> None:
    found = imported_modules(REPO / "tests")
    assert "alerts/slack_server.py" in found["websockets"]
    assert "alerts/smtp_server.py" in found["cryptography"]
    assert "os" not in found and "spacebrief" not in found


def test_every_third_party_import_of_the_tests_is_declared() -> None:
    declared = declared_distributions()
    providers = packages_distributions()
    undeclared = {
        module: sorted(where)
        for module, where in imported_modules(REPO / "tests").items()
        if not {_normal(d) for d in providers.get(module, [])} & declared
    }
    assert undeclared == {}, "declare these in pyproject.toml's test extra"


def test_an_undeclared_import_is_caught(tmp_path: Path) -> None:
    (tmp_path / "server.py").write_text("import websockets\nimport yaml\nfrom os import path\n")
    providers = packages_distributions()
    found = imported_modules(tmp_path)
    assert set(found) == {"websockets", "yaml"}
    without = declared_distributions() - {"websockets"}
    assert not {_normal(d) for d in providers["websockets"]} & without
