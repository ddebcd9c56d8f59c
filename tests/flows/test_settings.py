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
    from spacebrief._ingest import fetch_policy
    from spacebrief.ingest import FetchPolicy

    monkeypatch.delenv("SPACEBRIEF_FETCH_ALLOW_PRIVATE")
    settings = Settings()
    library = FetchPolicy()
    assert settings.fetch_concurrency == library.concurrency == 64
    assert (settings.fetch_per_host, settings.fetch_max_bytes) == (
        library.per_host,
        library.max_bytes,
    )
    assert fetch_policy(settings) == library


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SPACEBRIEF_FETCH_CONCURRENCY", "0"),
        ("SPACEBRIEF_FETCH_PER_HOST", "0"),
        ("SPACEBRIEF_FETCH_TIMEOUT_SECONDS", "0"),
        ("SPACEBRIEF_FETCH_MAX_BYTES", "-5"),
        ("SPACEBRIEF_INGEST_INTERVAL_MINUTES", "0"),
        ("SPACEBRIEF_DIGEST_DAYS", "0"),
        ("SPACEBRIEF_DIGEST_TOP_STORIES", "0"),
        ("SPACEBRIEF_LLM_TIMEOUT_SECONDS", "0"),
        ("SPACEBRIEF_LOCK_WAIT_SECONDS", "-1"),
        ("SPACEBRIEF_ALERT_MAX_PER_RUN", "-1"),
        ("SPACEBRIEF_ALERT_THRESHOLDS", '{"W4": 1.5}'),
        ("SPACEBRIEF_ALERT_MAX_PER_TREND", '{"W6": -2}'),
        ("SPACEBRIEF_SLACK_TIMEOUT_SECONDS", "0"),
        ("SPACEBRIEF_SMTP_TIMEOUT_SECONDS", "0"),
    ],
)
def test_a_number_out_of_range_is_one_sentence_naming_the_setting(
    home: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    """Issue 25, row 11: SPACEBRIEF_FETCH_CONCURRENCY=0 once hung every fetch for ever."""
    from spacebrief.flows.settings import ConfigurationError, load_settings

    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=f"The setting {name} is wrong"):
        load_settings()


@pytest.mark.parametrize(
    ("key", "nearest"),
    [
        ("digest_dayz", "digest_days"),
        ("Fetch_Concurency", "fetch_concurrency"),
        ("SPACEBRIEF_LLM_URL", "llm_url"),
        ("slack_chanel", "slack_channel"),
    ],
)
def test_an_unknown_key_in_the_toml_file_names_the_nearest_known_one(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, nearest: str
) -> None:
    from spacebrief.flows.settings import ConfigurationError, load_settings

    config = tmp_path / "spacebrief.toml"
    config.write_text(f'{key} = "x-secret-value"\n', "utf-8")
    monkeypatch.setenv("SPACEBRIEF_CONFIG", str(config))
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    message = str(raised.value)
    assert f"unknown setting `{key}`" in message and f"did you mean `{nearest}`?" in message
    assert "x-secret-value" not in message and message.count(". ") == 0


def test_the_known_keys_still_load_in_any_case_and_by_their_slack_names(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "spacebrief.toml"
    config.write_text('Digest_Days = 3\nSLACK_CHANNEL = "#space"\nfetch_concurrency = 1\n')
    monkeypatch.setenv("SPACEBRIEF_CONFIG", str(config))
    settings = Settings()
    assert (settings.digest_days, settings.slack_channel, settings.fetch_concurrency) == (
        3,
        "#space",
        1,
    )
