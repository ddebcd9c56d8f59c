"""The wheel is what `pip install spacebrief` gets: build it, read it, install it elsewhere.

The build runs on a copy of the source tree (a stale build/ folder in the repository would
leak removed files into the wheel), offline: setuptools' backend called as `pip wheel
--no-build-isolation` calls it (the test extra brings setuptools). The install goes into a
fresh venv in tmp_path, away from the repository, so the bare folder names cannot be found
on the path by accident; a .pth written after the install lends it the test
environment's site-packages for the dependencies only.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "spacebrief-home"
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel built from a copy of the tree, and everything the build printed."""
    root = tmp_path_factory.mktemp("packaging")
    source, dist = root / "source", root / "dist"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE)
    # The backend itself, as `pip wheel --no-build-isolation` calls it: pip shows its
    # output only on failure or in some versions, the backend always prints its warnings.
    build = f"from setuptools import build_meta; build_meta.build_wheel({str(dist)!r})"
    # PYTHONDONTWRITEBYTECODE would add distutils' "byte-compiling is disabled" notices.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-c", build], capture_output=True, text=True, cwd=source, env=env
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    [wheel] = dist.glob("spacebrief-*.whl")
    return wheel, output


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_build_prints_no_warning(built: tuple[Path, str]) -> None:
    _, output = built
    # setuptools' warnings: BuildBackendWarning, SetuptoolsDeprecationWarning, distutils'
    # "warning:" lines.
    assert re.findall(r"\w*Warning\b.*|\bwarning:.*", output) == []


def test_the_wheel_holds_every_data_file_and_one_top_level_package(
    built: tuple[Path, str],
) -> None:
    wheel, _ = built
    names = _names(wheel)
    data = {
        "seeds": [
            "taxonomy.yaml",
            "sources.yaml",
            "samples/*",
            "training/*.jsonl",
            "evaluation/*.jsonl",
        ],
        "classifiers": ["fitted/*.npz"],
        "warehouse": ["migrations/*.sql"],
        "digest": ["templates/*.j2"],
        "web": ["templates/*.j2", "templates/room.css"],
    }
    expected = {"spacebrief/py.typed"}
    for folder, patterns in data.items():
        for pattern in patterns:
            found = sorted((REPO / folder).glob(pattern))
            assert found, f"{folder}/{pattern} matches nothing in the repository"
            expected |= {f"spacebrief/{p.relative_to(REPO).as_posix()}" for p in found}
    assert expected <= names, sorted(expected - names)
    assert any(n.endswith("classifiers/fitted/head.npz") for n in names)  # the fitted head
    assert {n.split("/")[0] for n in names} == {"spacebrief", "spacebrief-0.1.0.dist-info"}
    assert not [n for n in names if re.search(r"(^|/)(tests|bench|scripts)/", n)]


def test_installed_elsewhere_it_imports_as_spacebrief_only(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    wheel, _ = built
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False, system_site_packages=False)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install", "-q"),
            *("--no-deps", "--ignore-installed", "--no-index", str(wheel)),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert sorted(p.name for p in site.iterdir()) == ["spacebrief", "spacebrief-0.1.0.dist-info"]

    # The dependencies come from the test environment's site-packages, never the repository.
    lent = [p for p in sys.path if p.endswith("site-packages") and REPO not in Path(p).parents]
    lent.append(sysconfig.get_paths()["purelib"])
    (site / "zz_dependencies.pth").write_text("\n".join(dict.fromkeys(lent)) + "\n")
    check = f"""
import sys
from importlib import resources
import spacebrief.flows
from spacebrief.classifiers.taxonomy import default_taxonomy_path, load_taxonomy
assert spacebrief.flows.__file__.startswith({str(site)!r}), spacebrief.flows.__file__
try:
    import flows
except ModuleNotFoundError:
    pass
else:
    sys.exit(f"import flows found {{flows.__file__}}")
assert resources.files("spacebrief.seeds").joinpath("taxonomy.yaml").read_text("utf-8")
assert str(default_taxonomy_path()).startswith({str(site)!r})
print(len(load_taxonomy().trends))
"""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [python, "-c", check], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == 19
    cli = subprocess.run(
        [env_dir / "bin" / "spacebrief", "--help"], capture_output=True, text=True, env=env
    )
    assert cli.returncode == 0 and "sources" in cli.stdout, cli.stderr

    # The demo, from the wheel alone: the recorded samples, templates and migrations it
    # reads are the package's own, found without the repository on sys.path.
    demo_env = dict(env, SPACEBRIEF_HOME=str(tmp_path / "home"), COLUMNS="200")
    demo = subprocess.run(
        [env_dir / "bin" / "spacebrief", "demo"],
        capture_output=True,
        text=True,
        env=demo_env,
        cwd=tmp_path,
        timeout=600,
    )
    assert demo.returncode == 0, (demo.stdout + demo.stderr)[-3000:]
    assert "Traceback" not in demo.stdout + demo.stderr
    assert sorted(p.name for p in (tmp_path / "home" / "editions").iterdir()) == [
        "2025-03-24-28d.html",
        "2025-03-24-28d.json",
        "2025-03-24-28d.md",
        "2025-03-24-28d.txt",
    ]


def test_no_data_folder_shadows_a_name_of_its_package() -> None:
    """A data folder is importable as a namespace package: importing it replaces a
    same-named attribute of its parent (`warehouse.migrations()` once became a module).
    Checked in a fresh process, before anything imports the data folders."""
    import tomllib

    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    roots = setuptools["package-dir"]
    data = [
        name
        for name in setuptools["packages"]
        if "." in name
        and name.rpartition(".")[0] in roots
        and not (
            REPO / roots[name.rpartition(".")[0]] / name.rpartition(".")[2] / "__init__.py"
        ).exists()
    ]
    assert "spacebrief.warehouse.migrations" in data  # the check sees the data folders
    probe = "import importlib, sys\n" + "".join(
        f"print({n!r}) if hasattr(importlib.import_module({n.rpartition('.')[0]!r}), "
        f"{n.rpartition('.')[2]!r}) else None\n"
        for n in data
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
