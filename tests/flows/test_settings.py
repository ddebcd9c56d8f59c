"""Configuration: SPACEBRIEF_* variables, spacebrief.toml, Slack's own names, no leaked secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacebrief.flows.settings import Settings


def test_home_decides_where_everything_lives(home: Path) -> None:
    settings = Settings()
    assert settings.warehouse_path == home / "spacebrief.duckdb"
    assert settings.editions_dir == home / "editions"
    assert settings.outbox_path.parent == home / "outbox"


def test_the_default_home_is_in_the_users_home_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SPACEBRIEF_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SPACEBRIEF_CONFIG", str(tmp_path / "absent.toml"))
    assert Settings().home == tmp_path / ".spacebrief"


def test_a_toml_file_configures_and_the_environment_wins(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "spacebrief.toml"
    config.write_text('digest_days = 14\ndigest_timezone = "Asia/Karachi"\n', "utf-8")
    monkeypatch.setenv("SPACEBRIEF_CONFIG", str(config))
    monkeypatch.setenv("SPACEBRIEF_DIGEST_DAYS", "3")
    settings = Settings()
    assert settings.digest_timezone == "Asia/Karachi"
    assert settings.digest_days == 3


def test_slack_is_configured_by_its_conventional_names(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("SLACK_CHANNEL", "#space-watch")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    settings = Settings()
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-very-secret"
    assert settings.slack_channel == "#space-watch"
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


def test_secrets_never_show_when_settings_are_printed(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/very-secret")
    settings = Settings()
    for shown in (repr(settings), str(settings), str(settings.public_dict())):
        assert "very-secret" not in shown


def test_the_fetch_defaults_are_the_fetchers_own(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One definition: a run with no fetch setting fetches exactly as `FetchPolicy()` does."""
    from spacebrief.flows.steps.ingest_step import policy_from
    from spacebrief.ingest import FetchPolicy

    monkeypatch.delenv("SPACEBRIEF_FETCH_ALLOW_PRIVATE")
    settings = Settings()
    library = FetchPolicy()
    assert settings.fetch_concurrency == library.concurrency == 64
    assert (settings.fetch_per_host, settings.fetch_max_bytes) == (
        library.per_host,
        library.max_bytes,
    )
    assert policy_from(settings) == library
