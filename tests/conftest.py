"""Fixtures every part of the suite shares.

The suite is hermetic: no network but servers the tests start on 127.0.0.1, the model
from its package, and a fresh SPACEBRIEF_HOME per test. The process environment is the
entry points' own (`OFFLINE_DEFAULTS`), forced rather than defaulted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from spacebrief.flows.prefect_env import OFFLINE_DEFAULTS
from tests.alerts.slack_server import FakeSlack

os.environ.update(OFFLINE_DEFAULTS)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
for _name in (
    "SLACK_BOT_TOKEN",
    "SLACK_CHANNEL",
    "SLACK_WEBHOOK_URL",
    "SLACK_API_URL",
    "SPACEBRIEF_SMTP_URL",
    "SPACEBRIEF_EMAIL_TO",
    "SPACEBRIEF_EMAIL_FROM",
    # A width in the environment at import fixes the CLI console's width for the whole
    # process (rich reads it once), over each test's own COLUMNS; pytest-xdist sets it.
    "COLUMNS",
    "LINES",
):
    os.environ.pop(_name, None)
# pytest-xdist's workers share the cores: each asks the models for its share, not for all
# of them (classifiers/threads.py), or the model-heavy files run half as fast again.
if _workers := int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0):
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // _workers)))

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` (other people's data): tests that read it skip where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present beside the repository")
    return SHARED


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SPACEBRIEF_HOME, with no Slack configured and no spacebrief.toml.

    The tests' feed servers listen on 127.0.0.1, which ingest fetches only when allowed.
    """
    home = tmp_path / "home"
    monkeypatch.setenv("SPACEBRIEF_HOME", str(home))
    monkeypatch.setenv("SPACEBRIEF_FETCH_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("SPACEBRIEF_CONFIG", str(tmp_path / "absent.toml"))
    return home


@pytest.fixture
def warehouse(tmp_path: Path):
    from spacebrief.warehouse import Warehouse

    return Warehouse(tmp_path / "test.duckdb")


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect test server for the whole session (~25 s once; per-test costs ~15 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A Slack Web API, webhook and Socket Mode server on 127.0.0.1 (alerts and CLI tests)."""
    server = FakeSlack().start()
    yield server
    server.stop()
