"""Configuration: environment variables `SPACEBRIEF_*`, then an optional `spacebrief.toml`.

`SPACEBRIEF_HOME` decides where the warehouse, the editions and the Slack outbox live.
Slack is configured by its own conventional variables (`SLACK_BOT_TOKEN` +
`SLACK_CHANNEL`, or `SLACK_WEBHOOK_URL`; `SLACK_API_URL` for a proxy or a test server).
Secrets are `SecretStr`, so printing the settings never shows them, and they are checked
here, at start-up (a webhook URL without its scheme, a token with a line break), with
messages that never quote them: pydantic's errors hide their input, and `load_settings()`
turns every mistake (bad TOML, a value of the wrong type, broken JSON, a home that is a
file) into one `ConfigurationError` sentence naming the setting and, for TOML, the line.

The library folders never read settings: the CLI and the flows read them here and pass
plain values down.
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings import SettingsError as SourceError

from spacebrief.exceptions import SpacebriefError
from spacebrief.warehouse import Warehouse


def default_home() -> Path:
    return Path.home() / ".spacebrief"


def seeds_dir() -> Path:
    """The packaged seeds folder (taxonomy, catalog, samples)."""
    return Path(str(resources.files("spacebrief.seeds")))


def _toml_file() -> Path:
    return Path(os.environ.get("SPACEBRIEF_CONFIG", "spacebrief.toml"))


class ConfigurationError(SpacebriefError):
    """A setting is wrong: the message names it and the fix, never its value."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SPACEBRIEF_", extra="ignore", hide_input_in_errors=True
    )

    home: Path = Field(default_factory=default_home)
    sources: str | None = None  # FILE, URL or DIR; default: seeds/sources.yaml
    taxonomy: Path | None = None  # default: seeds/taxonomy.yaml
    lock_wait_seconds: float = 10.0  # how long a command waits for a busy warehouse

    # Ingest
    fetch_concurrency: int = 64
    fetch_per_host: int = 4
    fetch_timeout_seconds: float = 20.0
    fetch_max_bytes: int = 10 * 1024 * 1024
    fetch_allow_private: bool = False  # every source may fetch private/loopback addresses
    ingest_interval_minutes: int = 30  # serve's backstop run; feeds are polled when due
    poll_min_seconds: float = Field(default=300.0, gt=0)  # no feed polled more often
    poll_max_seconds: float = Field(default=7200.0, gt=0)  # no healthy feed waits longer
    poll_wake_seconds: float = Field(default=60.0, gt=0)  # how often serve looks for due feeds

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
    # The Slack bar on calibrated watch-label scores (alerts/rules.py); None: any label.
    alert_default_threshold: float | None = Field(default=0.8, ge=0, le=1)
    alert_thresholds: dict[str, float] = Field(default_factory=dict)
    alert_max_per_run: int = 10
    alert_max_per_hour: int = 30
    alert_max_per_trend: dict[str, int] = Field(default_factory=dict)
    alert_max_rate_limit_wait_seconds: float = 30.0
    alert_backoff_seconds: float = 1.0
    slack_timeout_seconds: float = 10.0
    post_editions: bool = False

    # The edition by e-mail (SMTP); the URL may hold the password, hence SecretStr.
    smtp_url: SecretStr | None = None
    smtp_timeout_seconds: float = 30.0
    email_to: str | None = None  # comma-separated addresses
    email_from: str | None = None

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

    @field_validator("slack_webhook_url")
    @classmethod
    def _whole_webhook_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        parts = urlsplit(value.get_secret_value().strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                "it must be the whole URL Slack gave you, starting with "
                "https://hooks.slack.com/ (the value is not shown)"
            )
        return SecretStr(value.get_secret_value().strip())

    @field_validator("slack_bot_token", "llm_api_key")
    @classmethod
    def _one_word_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        secret = value.get_secret_value().strip()
        if not secret or any(c.isspace() or not c.isprintable() for c in secret):
            raise ValueError(
                "it must be one word without spaces or line breaks (the value is not shown)"
            )
        return SecretStr(secret)

    @model_validator(mode="after")
    def _poll_bounds_in_order(self) -> Settings:
        if self.poll_min_seconds > self.poll_max_seconds:
            raise ValueError(
                f"SPACEBRIEF_POLL_MIN_SECONDS ({self.poll_min_seconds:g}) must not exceed "
                f"SPACEBRIEF_POLL_MAX_SECONDS ({self.poll_max_seconds:g})."
            )
        return self

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
    def email_journal_path(self) -> Path:
        """Message-IDs the SMTP server accepted: how a run after a crash avoids resending."""
        return self.home / "email" / "accepted.jsonl"

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


def _setting_name(field: str) -> str:
    if field.isupper():  # an alias such as SLACK_WEBHOOK_URL
        return field
    return f"SPACEBRIEF_{field.upper()}"


def _describe_invalid(error: ValidationError, toml_file: Path) -> str:
    first = error.errors()[0]
    field, *inside = [str(part) for part in first["loc"]] or ["settings"]
    where = f" (environment, or `{field}` in {toml_file})" if toml_file.is_file() else ""
    key = f" at {'.'.join(inside)}" if inside else ""
    message = re.sub(r"^Value error, ", "", first["msg"])
    message = message[:1].lower() + message[1:]
    more = len(error.errors()) - 1
    also = f"; {more} other setting(s) are wrong too" if more else ""
    return f"The setting {_setting_name(field)}{where} is wrong{key}: {message}{also}."


def load_settings(**values: Any) -> Settings:
    """The settings, or one `ConfigurationError` sentence saying which one is wrong."""
    toml_file = _toml_file()
    try:
        settings = Settings(**values)
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(
            f"{toml_file} is not valid TOML ({error}); fix that line and retry."
        ) from None
    except UnicodeDecodeError:
        raise ConfigurationError(
            f"{toml_file} is not UTF-8 text; save it as UTF-8 and retry."
        ) from None
    except ValidationError as error:
        raise ConfigurationError(_describe_invalid(error, toml_file)) from None
    except SourceError as error:
        field = re.search(r'field "(\w+)"', str(error))
        name = _setting_name(field[1]) if field else "a setting"
        raise ConfigurationError(
            f'The setting {name} cannot be read: it must be JSON, e.g. {{"W4": 0.75}}.'
        ) from None
    if settings.home.exists() and not settings.home.is_dir():
        raise ConfigurationError(
            f"SPACEBRIEF_HOME {settings.home} is a file, not a folder: point it at a folder "
            "(it is created when missing)."
        )
    return settings
