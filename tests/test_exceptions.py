"""One exception tree: every error the package defines hangs from `SpacebriefError`, and
the drawing in `spacebrief.exceptions` is the tree as it is (names, parents, modules,
which ones are worth a retry), so it cannot go stale.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import socket
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

import spacebrief.exceptions
from spacebrief.exceptions import SpacebriefError, is_user_facing, worth_retrying

REPO = Path(__file__).resolve().parent.parent


def _package_modules() -> list[str]:
    """Every module of every package pyproject.toml installs (folders map to packages)."""
    packages = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
        "packages"
    ]
    names: list[str] = []
    for package in packages:
        module = importlib.import_module(package)
        names.append(package)
        names += [m.name for m in pkgutil.walk_packages(module.__path__, f"{package}.")]
    return sorted(set(names))


def _exception_classes() -> list[type[BaseException]]:
    found = []
    for name in _package_modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


PUBLIC = [cls for cls in _exception_classes() if not cls.__name__.startswith("_")]


@dataclass(frozen=True)
class Drawn:
    name: str
    parent: str | None
    module: str
    transient: bool


def _drawn_tree() -> dict[str, Drawn]:
    """The tree in the docstring: depth from the box-drawing prefix, 4 columns a level."""
    doc = spacebrief.exceptions.__doc__ or ""
    start = doc.index("    SpacebriefError")
    block = textwrap.dedent(doc[start : doc.index("\n\n", start)])
    drawn: dict[str, Drawn] = {}
    parents: list[Drawn] = []
    for line in block.splitlines():
        match = re.fullmatch(r"(?P<prefix>[│├└─ ]*)(?P<name>\w+)\s+(?P<note>.*)", line)
        assert match, f"not a line of the tree: {line!r}"
        depth = len(match["prefix"]) // 4
        parents = parents[:depth]
        parent = parents[-1] if parents else None
        where = re.match(r"(?:\[transient\] )?([\w.]+): ", match["note"])
        if where:
            module = where[1] if where[1].startswith("spacebrief.") else f"spacebrief.{where[1]}"
        else:
            assert parent is not None, line
            module = parent.module
        node = Drawn(
            match["name"],
            parent.name if parent else None,
            module,
            match["note"].startswith("[transient]"),
        )
        assert node.name not in drawn, f"{node.name} is drawn twice"
        drawn[node.name] = node
        parents.append(node)
    return drawn


def test_the_package_defines_exceptions_in_several_folders() -> None:
    """The walk must see the folders (spacebrief.<folder> maps to other directories)."""
    modules = {cls.__module__.split(".")[1] for cls in PUBLIC}
    assert {"alerts", "warehouse", "ingest", "web", "classifiers", "digest"} <= modules


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_public_exception_is_a_spacebrief_error(cls: type[BaseException]) -> None:
    assert issubclass(cls, SpacebriefError), f"{cls.__module__}.{cls.__name__}"


def test_public_exception_names_are_unique() -> None:
    names = [cls.__name__ for cls in PUBLIC]
    assert len(names) == len(set(names))


def test_the_docstring_draws_exactly_the_tree_the_code_has() -> None:
    drawn = _drawn_tree()
    classes = {cls.__name__: cls for cls in PUBLIC}
    assert set(drawn) == set(classes), "drawn but absent, or defined but not drawn"
    for name, node in drawn.items():
        cls = classes[name]
        assert cls.__module__ == node.module, name
        if node.parent is None:
            assert cls is SpacebriefError
        else:
            assert classes[node.parent] in cls.__bases__, f"{name} is not a {node.parent}"
        assert getattr(cls, "transient", None) is node.transient, name


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _raised(action) -> BaseException:
    try:
        action()
    except BaseException as error:
        return error
    raise AssertionError("nothing was raised")


def test_a_refused_connection_is_worth_a_retry_and_is_not_a_user_mistake() -> None:
    error = _raised(lambda: socket.create_connection(("127.0.0.1", _closed_port()), timeout=2))
    assert isinstance(error, ConnectionRefusedError)
    assert worth_retrying(error)
    assert not is_user_facing(error)


def test_a_missing_file_is_told_to_the_user_and_not_retried(tmp_path: Path) -> None:
    error = _raised(lambda: (tmp_path / "absent.yaml").read_text())
    assert is_user_facing(error)
    assert not worth_retrying(error)


def test_a_bug_is_neither_told_as_a_mistake_nor_retried() -> None:
    for error in (_raised(lambda: int("seven")), _raised(lambda: len(7))):  # type: ignore[arg-type]
        assert not is_user_facing(error)
        assert not worth_retrying(error)


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda cls: cls.__name__)
def test_ours_are_told_to_the_user_and_retried_only_when_transient(
    cls: type[SpacebriefError],
) -> None:
    error = cls.__new__(cls)  # some take keyword arguments; the class alone decides here
    assert is_user_facing(error)
    assert worth_retrying(error) is cls.transient


def test_the_flows_retry_condition_reads_the_tree() -> None:
    from prefect.states import Completed, Failed

    from spacebrief.flows.pipeline import AlertsNotDelivered, _worth_retrying
    from spacebrief.flows.settings import ConfigurationError
    from spacebrief.warehouse import WarehouseLocked

    def retried(error: BaseException) -> bool:
        return _worth_retrying(None, None, Failed(data=error))  # type: ignore[arg-type]

    assert retried(WarehouseLocked("busy"))
    assert retried(AlertsNotDelivered("2 alerts failed"))
    assert not retried(ConfigurationError("SPACEBRIEF_DIGEST_DAYS is wrong"))
    assert not retried(ValueError("a bug"))
    assert not _worth_retrying(None, None, Completed())  # type: ignore[arg-type]
