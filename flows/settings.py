"""Configuration: environment variables `SPACEBRIEF_*`, then an optional `spacebrief.toml`.

`SPACEBRIEF_HOME` decides where the warehouse, the editions and the Slack outbox live.
Slack is configured by its own conventional variables (`SLACK_BOT_TOKEN` +
`SLACK_CHANNEL`, or `SLACK_WEBHOOK_URL`; `SLACK_API_URL` for a proxy or a test server).
Secrets are `SecretStr`, so printing the settings never shows them.

The library folders never read settings: the CLI and the flows read them here and pass
plain values down.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from warehouse import Warehouse


def default_home() -> Path:
    return Path.home() / ".spacebrief"


def seeds_dir() -> Path:
    """The packaged seeds folder (taxonomy, catalog, samples)."""
    return Path(str(resources.files("seeds")))


def _toml_file() -> Path:
    return Path(os.environ.get("SPACEBRIEF_CONFIG", "spacebrief.toml"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SPACEBRIEF_", extra="ignore")

    home: Path = Field(default_factory=default_home)
    sources: str | None = None  # FILE, URL or DIR; default: seeds/sources.yaml
    taxonomy: Path | None = None  # default: seeds/taxonomy.yaml
    lock_wait_seconds: float = 10.0  # how long a command waits for a busy warehouse

    # Ingest
    fetch_concurrency: int = 64
    fetch_per_host: int = 4
    fetch_timeout_seconds: float = 20.0
    fetch_max_bytes: int = 10 * 1024 * 1024
    ingest_interval_minutes: int = 30

    # Digest
    digest_days: int = 7
    digest_top_stories: int = 12
    digest_cron: str = "0 7 * * *"
    digest_timezone: str = "UTC"
    digest_weekly: bool = False
    llm_url: str | None = None
    llm_model: str = "default"
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = 30.0

    # Learning from feedback: when `serve` tries a refit (promoted only if no worse)
    train_cron: str = "30 2 * * *"

    # Alerts
    alert_default_threshold: float | None = None  # None: the classifier's own thresholds
    alert_thresholds: dict[str, float] = Field(default_factory=dict)
    alert_max_per_run: int = 10
    alert_max_per_hour: int = 30
    alert_max_per_trend: dict[str, int] = Field(default_factory=dict)
    alert_max_rate_limit_wait_seconds: float = 30.0
    alert_backoff_seconds: float = 1.0
    slack_timeout_seconds: float = 10.0
    post_editions: bool = False

    # Slack: conventional names, no prefix.
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "SPACEBRIEF_SLACK_BOT_TOKEN")
    )
    slack_channel: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_CHANNEL", "SPACEBRIEF_SLACK_CHANNEL")
    )
    slack_webhook_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_WEBHOOK_URL", "SPACEBRIEF_SLACK_WEBHOOK_URL"),
    )
    slack_app_token: SecretStr | None = Field(  # Socket Mode: hear the feedback buttons
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "SPACEBRIEF_SLACK_APP_TOKEN")
    )
    feedback_users: str = ""  # comma-separated Slack user ids or names allowed to teach
    feedback_write_wait_seconds: float = 2.0  # keeps a click's ack inside Slack's 3 s
    slack_api_url: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_API_URL", "SPACEBRIEF_SLACK_API_URL")
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_toml_file())
        return (init_settings, env_settings, toml)

    @property
    def feedback_buttons(self) -> bool:
        """Buttons only when something can hear them: a bot token and an app token."""
        return self.slack_bot_token is not None and self.slack_app_token is not None

    @property
    def feedback_user_list(self) -> list[str]:
        return [u.strip() for u in self.feedback_users.split(",") if u.strip()]

    @property
    def warehouse_path(self) -> Path:
        return self.home / "spacebrief.duckdb"

    def warehouse(self) -> Warehouse:
        """The warehouse, waiting `lock_wait_seconds` for a busy file."""
        return Warehouse(self.warehouse_path, lock_wait_seconds=self.lock_wait_seconds)

    @property
    def editions_dir(self) -> Path:
        return self.home / "editions"

    @property
    def outbox_path(self) -> Path:
        return self.home / "outbox" / "slack.jsonl"

    @property
    def taxonomy_path(self) -> Path:
        return self.taxonomy or seeds_dir() / "taxonomy.yaml"

    @property
    def sources_location(self) -> str:
        return self.sources or str(seeds_dir() / "sources.yaml")

    @property
    def samples_dir(self) -> Path:
        return seeds_dir() / "samples"

    def public_dict(self) -> dict[str, Any]:
        """The settings with secrets masked, for `spacebrief config` and logs."""
        return self.model_dump(mode="json")
