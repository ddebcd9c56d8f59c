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
from spacebrief.ingest import FetchPolicy
from spacebrief.warehouse import Warehouse

_FETCH = FetchPolicy()  # the fetch defaults are the library's, defined there once


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
    """Every setting, each with the docstring the README's settings table is made of.

    The table is generated (`python scripts/settings_docs.py`; a test keeps it current),
    so a setting documented here is documented there. `doc_default` is the default as a
    reader sees it where the code's default is a factory or None.
    """

    model_config = SettingsConfigDict(
        env_prefix="SPACEBRIEF_",
        extra="ignore",
        hide_input_in_errors=True,
        use_attribute_docstrings=True,
    )

    home: Path = Field(
        default_factory=default_home, json_schema_extra={"doc_default": "`~/.spacebrief`"}
    )
    """Where the warehouse, editions, outbox and Prefect state live."""
    sources: str | None = Field(
        default=None, json_schema_extra={"doc_default": "`seeds/sources.yaml`"}
    )
    """Feeds for `run` and `serve`: a sources.yaml, a folder of feeds, or a URL."""
    taxonomy: Path | None = Field(
        default=None, json_schema_extra={"doc_default": "`seeds/taxonomy.yaml`"}
    )
    """The trend taxonomy the classifier and the edition use."""
    lock_wait_seconds: float = 10.0
    """How long a command waits for a busy warehouse."""

    # Ingest
    fetch_concurrency: int = _FETCH.concurrency
    """Feed and page fetches in flight at once."""
    fetch_per_host: int = _FETCH.per_host
    """Fetches in flight at once to one host."""
    fetch_timeout_seconds: float = _FETCH.read_timeout
    """Read timeout of a fetch (connect: at most 10 s; a whole fetch: three times this)."""
    fetch_max_bytes: int = _FETCH.max_bytes
    """Largest feed or page body read; a larger one fails that fetch."""
    fetch_allow_private: bool = False
    """Fetch private and loopback addresses for every source (a source alone: `allow_private:
    true` in sources.yaml); link-local and cloud-metadata addresses and non-http(s) schemes
    are always refused."""
    ingest_interval_minutes: int = 30
    """`serve`'s backstop ingest run (it too fetches only the due feeds)."""
    poll_min_seconds: float = Field(default=300.0, gt=0)
    """No feed is polled more often (failures and `Retry-After` may wait longer)."""
    poll_max_seconds: float = Field(default=7200.0, gt=0)
    """No healthy feed waits longer between polls."""
    poll_wake_seconds: float = Field(default=60.0, gt=0)
    """How often `serve` looks for due feeds."""

    # Digest
    digest_days: int = 7
    """The edition's window in days."""
    digest_top_stories: int = 12
    """Stories an edition selects."""
    digest_cron: str = "0 7 * * *"
    """When `serve` writes the daily edition (cron, in `SPACEBRIEF_DIGEST_TIMEZONE`)."""
    digest_timezone: str = "UTC"
    """The time zone of the digest and train crons."""
    digest_weekly: bool = False
    """Also a weekly edition."""
    llm_url: str | None = None
    """An OpenAI-compatible chat endpoint for the Expert's View (checked, with the measured
    paragraph as fallback)."""
    llm_model: str = "default"
    """The model name sent to that endpoint."""
    llm_api_key: SecretStr | None = None
    """The endpoint's API key (a secret)."""
    llm_timeout_seconds: float = 30.0
    """How long one call to the endpoint may take before the measured paragraph is used."""

    # Learning from feedback
    train_cron: str = "30 2 * * *"
    """When `serve` tries a refit on the feedback (cron, in `SPACEBRIEF_DIGEST_TIMEZONE`);
    the refit is promoted only if no worse."""

    # Alerts
    alert_default_threshold: float | None = Field(default=None, ge=0, le=1)
    """One Slack bar for every watch trend: a watch label pings only when its calibrated
    score reaches it (`null`: each trend's own bar, shipped with the classifier)."""
    alert_thresholds: dict[str, float] = Field(default_factory=dict)
    """The bar per trend, e.g. `{"W4": 0.9}` (before the default and the classifier's)."""
    alert_max_per_run: int = 10
    """Flood cap: alerts sent in one run."""
    alert_max_per_hour: int = 30
    """Flood cap: alerts sent in any hour."""
    alert_max_per_trend: dict[str, int] = Field(default_factory=dict)
    """New stories per trend in one run, e.g. `{"W6": 3}`; the rest share one grouped message."""
    alert_max_rate_limit_wait_seconds: float = 30.0
    """Longest total wait on Slack's `Retry-After` in a run; past it the alerts wait for the
    next run."""
    alert_backoff_seconds: float = 1.0
    """First wait before retrying a failed Slack post (doubling, with jitter)."""
    slack_timeout_seconds: float = 10.0
    """Timeout of one call to Slack."""
    post_editions: bool = False
    """Post each new edition's summary to Slack."""

    # The edition by e-mail
    smtp_url: SecretStr | None = None
    """Mail server for the edition by e-mail: `smtp://host:25`, `smtps://…`,
    `smtp+starttls://user:pass@host:587` (a secret: it may hold the password)."""
    smtp_timeout_seconds: float = 30.0
    """Timeout of one SMTP exchange."""
    email_to: str | None = None
    """Comma-separated addresses the edition goes to (`digest --send`, the daily deployment)."""
    email_from: str | None = None
    """The sender address."""

    # Slack: conventional names, no prefix.
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "SPACEBRIEF_SLACK_BOT_TOKEN")
    )
    """Bot token (xoxb-…): post with the Web API (threads, exactly once), with `SLACK_CHANNEL`."""
    slack_channel: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_CHANNEL", "SPACEBRIEF_SLACK_CHANNEL")
    )
    """The channel the bot posts to."""
    slack_webhook_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_WEBHOOK_URL", "SPACEBRIEF_SLACK_WEBHOOK_URL"),
    )
    """Post with an incoming webhook instead (a secret)."""
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "SPACEBRIEF_SLACK_APP_TOKEN")
    )
    """App-level token (xapp-…): feedback buttons over Socket Mode."""
    feedback_users: str = Field(default="", json_schema_extra={"doc_default": "unset (everyone)"})
    """Comma-separated Slack user ids or names who may click-teach."""
    feedback_write_wait_seconds: float = 2.0
    """How long a button click waits for a busy warehouse, keeping the ack inside Slack's 3 s."""
    slack_api_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_API_URL", "SPACEBRIEF_SLACK_API_URL"),
        json_schema_extra={"doc_default": "Slack's"},
    )
    """Another Web API base URL (an enterprise proxy, a test server)."""

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
        from spacebrief.core import open_warehouse

        return open_warehouse(self.warehouse_path, lock_wait_seconds=self.lock_wait_seconds)

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
        """The settings with secrets masked, for logs and error reports."""
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
