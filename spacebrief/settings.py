"""Configuration: environment variables `SPACEBRIEF_*`, then an optional `spacebrief.toml`.

`SPACEBRIEF_HOME` decides where the warehouse, the editions and the Slack outbox live.
Slack is configured by its own conventional variables (`SLACK_BOT_TOKEN` +
`SLACK_CHANNEL`, or `SLACK_WEBHOOK_URL`; `SLACK_API_URL` for a proxy or a test server).
Secrets are `SecretStr`, so printing the settings never shows them, and they are checked
here, at start-up (a webhook URL without its scheme, a token with a line break), with
messages that never quote them: pydantic's errors hide their input, and `load_settings()`
turns every mistake (bad TOML, a value of the wrong type, broken JSON, a home that is a
file, a misspelt key in the TOML file, a count of 0 where at least 1 is needed) into one
`ConfigurationError` sentence naming the setting and, for TOML, the line or the nearest
known key.

The library folders never read settings: `spacebrief.open()` reads them here (or is
given them) and passes plain values down to the folders. Messages here name the
variables, since a variable is what a setting is; everywhere else a message speaks of
the thing and carries the setting's field name (`SpacebriefError.setting`), which the
CLI turns into the variable with `variable_of`.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
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

from spacebrief.exceptions import ConfigurationError
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


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|b|bytes|kb|mb|gb|tb|kib|mib|gib|tib)?\s*$", re.I)
_UNITS = {
    "b": 1,
    "bytes": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}


def machine_memory() -> int | None:
    """Physical memory in bytes, where the system says (POSIX); None elsewhere."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def memory_size(text: str) -> int:
    """Bytes of a size as DuckDB writes them (`2GB`, `512MiB`, `25%` of the machine's memory)."""
    match = _SIZE.match(text)
    if match is None:
        raise ValueError("it must be a share of memory such as 25% or a size such as 2GB")
    number, unit = float(match[1]), (match[2] or "b").lower()
    if unit == "%":
        if not 0 < number <= 100:
            raise ValueError("a share of memory must be more than 0% and at most 100%")
        total = machine_memory()
        if total is None:
            raise ValueError("this system does not say how much memory it has: give a size (2GB)")
        size = int(total * number / 100)
    else:
        size = int(number * _UNITS[unit])
    if size < 16 * 2**20:
        raise ValueError("it must be at least 16MB")
    return size


class Settings(BaseSettings):
    """Every setting, each with the docstring the README's settings table is made of.

    The table is generated (`python scripts/settings_docs.py`; a test keeps it current),
    so a setting documented here is documented there. `doc_default` is the default as a
    reader sees it where the code's default is a factory or None.
    """

    model_config = SettingsConfigDict(
        env_prefix="SPACEBRIEF_",
        # Unknown keys of spacebrief.toml are refused (load_settings names the nearest known
        # one); unknown SPACEBRIEF_* variables are not read by pydantic-settings at all.
        extra="forbid",
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
    lock_wait_seconds: float = Field(default=10.0, ge=0)
    """How long a command waits for a busy warehouse."""
    query_memory_limit: str = "25%"
    """Memory one `spacebrief query` may use: a share of the machine's memory (`25%`) or a
    size (`2GB`, `512MiB`); past it the query stops with one sentence."""

    # Ingest
    fetch_concurrency: int = Field(default=_FETCH.concurrency, ge=1)
    """Feed and page fetches in flight at once."""
    fetch_per_host: int = Field(default=_FETCH.per_host, ge=1)
    """Fetches in flight at once to one host."""
    fetch_timeout_seconds: float = Field(default=_FETCH.read_timeout, gt=0)
    """Read timeout of a fetch (connect: at most 10 s; a whole fetch: three times this)."""
    fetch_max_bytes: int = Field(default=_FETCH.max_bytes, ge=1)
    """Largest feed or page body read; a larger one fails that fetch."""
    fetch_allow_private: bool = False
    """Fetch private and loopback addresses for every source (a source alone: `allow_private:
    true` in sources.yaml); link-local and cloud-metadata addresses and non-http(s) schemes
    are always refused."""
    ingest_interval_minutes: int = Field(default=30, ge=1)
    """`serve`'s backstop ingest run (it too fetches only the due feeds)."""
    poll_min_seconds: float = Field(default=300.0, gt=0)
    """No feed is polled more often (failures and `Retry-After` may wait longer)."""
    poll_max_seconds: float = Field(default=7200.0, gt=0)
    """No healthy feed waits longer between polls."""
    poll_wake_seconds: float = Field(default=60.0, gt=0)
    """How often `serve` looks for due feeds."""

    # Digest
    digest_days: int = Field(default=7, ge=1)
    """The edition's window in days."""
    digest_top_stories: int = Field(default=12, ge=1)
    """Stories an edition selects."""
    digest_cron: str = "0 7 * * *"
    """When `serve` writes the daily edition (cron, in `SPACEBRIEF_DIGEST_TIMEZONE`)."""
    digest_timezone: str = "UTC"
    """The time zone of the digest and train crons."""
    digest_weekly: bool = False
    """Also a weekly edition."""
    llm_url: SecretStr | None = None
    """An OpenAI-compatible chat endpoint for the Expert's View (checked, with the measured
    paragraph as fallback; a secret: it may hold a password)."""
    llm_model: str = "default"
    """The model name sent to that endpoint."""
    llm_api_key: SecretStr | None = None
    """The endpoint's API key (a secret)."""
    llm_timeout_seconds: float = Field(default=30.0, gt=0)
    """How long one call to the endpoint may take, all of it, before the measured paragraph
    is used."""
    llm_max_answer_bytes: int = Field(default=256 * 1024, ge=1)
    """Largest answer read from the endpoint; a longer one is abandoned mid-stream."""

    # Learning from feedback
    train_cron: str = "30 2 * * *"
    """When `serve` tries a refit on the feedback (cron, in `SPACEBRIEF_DIGEST_TIMEZONE`);
    the refit is promoted only if no worse."""
    train_min_held_out_feedback: int = Field(default=10, ge=0)
    """Held-out feedback verdicts a refit needs before it can be called no worse and
    promoted (`train --promote`, the nightly refit)."""

    # Alerts
    alert_news_horizon_hours: float = Field(default=48.0, gt=0)
    """Only news pings: a story published (first seen, when undated) longer ago than this
    is held, never alerted (a new feed's backlog, a relabel, a new rule)."""
    alert_default_threshold: float | None = Field(default=None, ge=0, le=1)
    """One Slack bar for every watch trend: a watch label pings only when its calibrated
    score reaches it (`null`: each trend's own bar, shipped with the classifier)."""
    alert_thresholds: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(default_factory=dict)
    """The bar per trend, e.g. `{"W4": 0.9}` (before the default and the classifier's)."""
    alert_max_per_run: int = Field(default=10, ge=0)
    """Flood cap: alerts sent in one run."""
    alert_max_per_hour: int = Field(default=30, ge=0)
    """Flood cap: alerts sent in any hour."""
    alert_max_per_trend: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    """New stories per trend in one run, e.g. `{"W6": 3}`; the rest share one grouped message."""
    alert_max_rate_limit_wait_seconds: float = Field(default=30.0, ge=0)
    """Longest total wait on Slack's `Retry-After` in a run; past it the alerts wait for the
    next run."""
    alert_backoff_seconds: float = Field(default=1.0, ge=0)
    """First wait before retrying a failed Slack post (doubling, with jitter)."""
    slack_timeout_seconds: float = Field(default=10.0, gt=0)
    """Timeout of one call to Slack."""
    post_editions: bool = False
    """Post each new edition's summary to Slack."""

    # The edition by e-mail
    smtp_url: SecretStr | None = None
    """Mail server for the edition by e-mail: `smtp://host:25`, `smtps://…`,
    `smtp+starttls://user:pass@host:587` (a secret: it may hold the password)."""
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
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
    feedback_write_wait_seconds: float = Field(default=2.0, ge=0)
    """How long a button click waits for a busy warehouse, keeping the ack inside Slack's 3 s."""
    slack_api_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_API_URL", "SPACEBRIEF_SLACK_API_URL"),
        json_schema_extra={"doc_default": "Slack's"},
    )
    """Another Web API base URL (an enterprise proxy, a test server)."""

    # The reading room: `spacebrief web`
    web_token: SecretStr | None = None
    """The reading room's feedback token (16+ characters, a secret): analysts who sign in
    with it can mark items and alerts, mute a source and save a search as a watch rule from
    `spacebrief web`; unset, the pages are read-only and served on 127.0.0.1 only."""

    @field_validator("web_token")
    @classmethod
    def _long_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        secret = value.get_secret_value().strip()
        if len(secret) < 16 or any(c.isspace() or not c.isprintable() for c in secret):
            raise ValueError(
                "it must be one word of at least 16 characters, e.g. from "
                "`python -c 'import secrets; print(secrets.token_urlsafe())'` "
                "(the value is not shown)"
            )
        return SecretStr(secret)

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

    @field_validator("query_memory_limit")
    @classmethod
    def _a_size(cls, value: str) -> str:
        memory_size(value)  # raises ValueError with the sentence
        return value.strip()

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
    def query_memory_limit_bytes(self) -> int:
        return memory_size(self.query_memory_limit)

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
        """The settings with secrets masked, for logs and error reports."""
        return self.model_dump(mode="json")


def _setting_name(field: str) -> str:
    if field.isupper():  # an alias such as SLACK_WEBHOOK_URL
        return field
    return variable_of(field) if field in Settings.model_fields else f"SPACEBRIEF_{field.upper()}"


def variable_of(field: str) -> str:
    """The environment variable of a setting (`smtp_url` -> SPACEBRIEF_SMTP_URL,
    `slack_bot_token` -> SLACK_BOT_TOKEN): what the CLI names when an error is about it."""
    info = Settings.model_fields[field]
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"SPACEBRIEF_{field.upper()}"


def known_keys() -> list[str]:
    """The keys spacebrief.toml may hold: each setting's name, and the Slack aliases."""
    keys: list[str] = []
    for name, info in Settings.model_fields.items():
        keys.append(name)
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            keys.extend(str(choice) for choice in alias.choices)
    return keys


def _unknown_key(key: str, toml_file: Path) -> str:
    """One sentence naming a key of the TOML file no setting has, and the nearest one."""
    by_lower: dict[str, str] = {}
    for known in known_keys():  # the settings' own names first: they win a tie of case
        by_lower.setdefault(known.lower(), known)
    bare = key.lower().removeprefix("spacebrief_")
    nearest = difflib.get_close_matches(bare, list(by_lower), n=1, cutoff=0.6)
    hint = (
        f"did you mean `{by_lower[nearest[0]]}`?"
        if nearest
        else "the settings are listed under Configuration in README.md."
    )
    return f"{toml_file} has the unknown setting `{key}`, which nothing reads; {hint}"


def _describe_invalid(error: ValidationError, toml_file: Path) -> str:
    first = error.errors()[0]
    if first["type"] == "extra_forbidden" and len(first["loc"]) == 1:
        return _unknown_key(str(first["loc"][0]), toml_file)
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
        first = error.errors()[0]["loc"]
        field_name = str(first[0]) if first and str(first[0]) in Settings.model_fields else None
        raise ConfigurationError(_describe_invalid(error, toml_file), setting=field_name) from None
    except SourceError as error:
        field = re.search(r'field "(\w+)"', str(error))
        name = _setting_name(field[1]) if field else "a setting"
        raise ConfigurationError(
            f'The setting {name} cannot be read: it must be JSON, e.g. {{"W4": 0.75}}.',
            setting=field[1] if field and field[1] in Settings.model_fields else None,
        ) from None
    if settings.home.exists() and not settings.home.is_dir():
        raise ConfigurationError(
            f"SPACEBRIEF_HOME {settings.home} is a file, not a folder: point it at a folder "
            "(it is created when missing).",
            setting="home",
        )
    return settings
