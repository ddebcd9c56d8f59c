"""Where messages go: a Slack bot (Web API), an incoming webhook, or the local outbox.

Each transport can `post` a message carrying a marker (`message_key`) and can say which
earlier attempts are already delivered (`find_delivered`), which is how a run that
follows a crash avoids posting twice:

- the bot puts the marker in the message metadata and finds it again with
  `conversations.history` / `conversations.replies`;
- the outbox file is its own record: a line holding the alert id means delivered;
- an incoming webhook returns no ts and has no history, so it cannot check: an attempt
  cut off by a crash is re-sent (at-least-once, the one documented caveat).

Only 429 is retried inside slack-sdk (`BoundedRateLimitHandler`: the server's
Retry-After, bounded in total wait here). A 5xx, timeout or dropped connection on a *post*
is not retried blindly by the SDK, because the post may have landed: delivery checks
first, then retries with backoff (a tenacity loop in `alerts.delivery`).
Reads (history, replies) are idempotent and use slack-sdk's server-error and
connection-error retry handlers with backoff.

No secret leaves a transport: every error message it raises passes through `redact`,
which blanks the token or webhook URL (and the webhook's path and its parts, which a
proxy's error page may echo), and a webhook URL urllib cannot use is a configuration
error, not a ValueError quoting it.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from spacebrief.alerts.blocks import MessageBody
from spacebrief.alerts.config import OUTBOX, SLACK_PREFIX, WEBHOOK
from spacebrief.alerts.exceptions import (
    DeliveryUncertain,
    MessageRejected,
    RateLimited,
    ReconcileFailed,
    SlackConfigurationError,
)
from spacebrief.alerts.feedback import with_buttons
from spacebrief.alerts.journal import append_json_line
from spacebrief.alerts.types import Delivered, DeliveryStatus, PendingAlert
from spacebrief.retry import retry_after_header

METADATA_EVENT = "spacebrief_alert"
HISTORY_MARGIN = timedelta(minutes=10)
HISTORY_MAX_PAGES = 20

# Slack's error code -> one sentence, and the setting a person fixes (the CLI names it).
_CONFIG_ERRORS: dict[str, tuple[str, str | None]] = {
    "invalid_auth": (
        "Slack rejected the bot token (invalid_auth): check the token and that the app is "
        "installed in the workspace.",
        "slack_bot_token",
    ),
    "not_authed": ("Slack received no token (not_authed): give the bot token.", "slack_bot_token"),
    "account_inactive": (
        "The Slack token belongs to a deactivated account or app (account_inactive): "
        "reinstall the app and give its new bot token.",
        "slack_bot_token",
    ),
    "token_revoked": (
        "The Slack token was revoked (token_revoked): give a new bot token.",
        "slack_bot_token",
    ),
    "token_expired": (
        "The Slack token has expired (token_expired): give a new bot token.",
        "slack_bot_token",
    ),
    "missing_scope": (
        "The Slack app lacks a scope it needs (missing_scope): add chat:write and "
        "channels:history, reinstall, and try again.",
        None,
    ),
    "channel_not_found": (
        "Slack has no channel {channel} visible to this bot (channel_not_found): check the "
        "channel (use its id) and invite the bot.",
        "slack_channel",
    ),
    "not_in_channel": (
        "The bot is not a member of {channel} (not_in_channel): invite it with "
        "/invite @yourbot in that channel.",
        None,
    ),
    "is_archived": (
        "The channel {channel} is archived (is_archived): unarchive it or choose another channel.",
        "slack_channel",
    ),
    "invalid_token": (
        "Slack rejected the incoming webhook's URL (invalid_token): create a new incoming "
        "webhook and give its URL.",
        "slack_webhook_url",
    ),
    "no_service": (
        "The incoming webhook no longer exists (no_service): create a new one and give its URL.",
        "slack_webhook_url",
    ),
    "no_active_hooks": (
        "The incoming webhook is disabled (no_active_hooks): enable it or give a new "
        "webhook's URL.",
        "slack_webhook_url",
    ),
    "channel_is_archived": (
        "The webhook's channel is archived (channel_is_archived): unarchive it or create a "
        "webhook for another channel.",
        None,
    ),
    "action_prohibited": (
        "An admin has restricted this webhook (action_prohibited): ask a workspace admin.",
        None,
    ),
}


def _configuration_error(code: str, destination: str, **values: str) -> SlackConfigurationError:
    sentence, setting = _CONFIG_ERRORS[code]
    return SlackConfigurationError(
        sentence.format(**values), setting=setting, destination=destination
    )


REDACTED = "[redacted]"


def redact(text: str, secret: str | None) -> str:
    """The text with the secret, and for a URL its path and path segments, blanked."""
    if not secret:
        return text
    pieces = {secret}
    path = urlsplit(secret).path if "/" in secret else ""
    if path:
        pieces.add(path)
        pieces.update(part for part in path.split("/") if len(part) >= 4)
    for piece in sorted(pieces, key=len, reverse=True):
        text = text.replace(piece, REDACTED)
    return text


class Transport(Protocol):
    destination: str  # the ledger key it delivers for: "slack:<channel>", "webhook", "outbox"
    can_reconcile: bool  # False: an interrupted attempt cannot be checked (webhook)
    threads: bool  # True: follow-ups can reply in the story's thread
    capped: bool  # True: a channel people read, so the flood caps apply

    def find_delivered(self, alerts: Sequence[PendingAlert]) -> dict[str, Delivered]:
        """Alert id -> proof of delivery, for those of `alerts` already delivered."""
        ...

    def post(
        self,
        key: str,
        alerts: Sequence[PendingAlert],
        body: MessageBody,
        *,
        thread_ts: str | None,
        reply_to: str | None,
    ) -> Delivered: ...


class BoundedRateLimitHandler(RateLimitErrorRetryHandler):
    """slack-sdk's 429 handler, refusing to wait once this run's total wait is spent.

    The wait is the server's `Retry-After` as `spacebrief.retry` reads it (seconds or an
    HTTP date; the SDK's own handler reads only whole seconds and fails on a date), 1 s
    when there is none, plus up to 1 s of jitter as the SDK adds.
    """

    def __init__(
        self,
        max_total_wait: float,
        max_retry_count: int = 5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_total_wait = max_total_wait
        self.waited = 0.0
        self._sleep = sleep
        self._next_wait = 0.0

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        asked = retry_after_header(response.headers)
        wait = (1.0 if asked is None else asked) + random.random()
        if self.waited + wait > self.max_total_wait:
            return False
        self._next_wait = wait
        return True

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("a rate-limit retry without a response")
        state.next_attempt_requested = True
        self.waited += self._next_wait
        self._sleep(self._next_wait)
        state.increment_current_attempt()


def _is_refused(error: BaseException) -> bool:
    reason = error.reason if isinstance(error, URLError) else error
    return isinstance(reason, ConnectionRefusedError)


class SlackBotTransport:
    """chat.postMessage with a bot token; threads and reconciliation by metadata marker."""

    can_reconcile = True
    threads = True
    capped = True

    def __init__(
        self,
        token: str,
        channel: str,
        *,
        base_url: str | None = None,
        timeout: float = 10.0,
        max_rate_limit_wait: float = 30.0,
        read_retries: int = 2,
        buttons: bool = False,
    ) -> None:
        self.channel = channel
        self.destination = f"{SLACK_PREFIX}{channel}"  # the ledger key it delivers for
        self._token = token
        self.buttons = buttons  # feedback buttons: only when someone listens for the clicks
        url = (base_url or WebClient.BASE_URL).rstrip("/") + "/"
        self.rate_limits = BoundedRateLimitHandler(max_rate_limit_wait)
        backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5)
        self._poster = WebClient(
            token=token,
            base_url=url,
            timeout=timeout,  # type: ignore[arg-type]  # slack_sdk says int; urllib takes float
            retry_handlers=[self.rate_limits],
        )
        self._reader = WebClient(
            token=token,
            base_url=url,
            timeout=timeout,  # type: ignore[arg-type]  # slack_sdk says int; urllib takes float
            retry_handlers=[
                self.rate_limits,
                ServerErrorRetryHandler(max_retry_count=read_retries, interval_calculator=backoff),
                ConnectionErrorRetryHandler(
                    max_retry_count=read_retries,
                    interval_calculator=backoff,
                    error_types=[URLError, ConnectionError, TimeoutError, OSError],
                ),
            ],
        )

    def _api_error(self, error: SlackApiError) -> Exception:
        status = error.response.status_code
        code = str(error.response.get("error", "") if error.response.data else "") or "unknown"
        if status == 429 or code == "ratelimited":
            wait = retry_after_header(dict(error.response.headers or {}))
            asked = "no wait given" if wait is None else f"asked to wait {wait:.0f} s"
            return RateLimited(
                f"Slack is rate-limiting this app ({asked}, more than this run allows); the "
                "alerts stay pending for the next run.",
                retry_after=wait,
                destination=self.destination,
            )
        code = redact(code, self._token)
        if status >= 500:
            return DeliveryUncertain(
                f"Slack answered HTTP {status} ({code}).", destination=self.destination
            )
        if code in _CONFIG_ERRORS:
            return _configuration_error(code, self.destination, channel=self.channel)
        return MessageRejected(
            f"Slack refused the message ({code}).", reason=code, destination=self.destination
        )

    def post(
        self,
        key: str,
        alerts: Sequence[PendingAlert],
        body: MessageBody,
        *,
        thread_ts: str | None,
        reply_to: str | None,
    ) -> Delivered:
        blocks = body.blocks
        if self.buttons and len({a.cluster_id for a in alerts}) == 1:
            blocks = with_buttons(blocks, max(alerts, key=lambda a: a.score).alert_id)
        arguments: dict[str, Any] = {
            "channel": self.channel,
            "text": body.text,
            "blocks": blocks,
            "unfurl_links": False,
            "unfurl_media": False,
            "metadata": {
                "event_type": METADATA_EVENT,
                "event_payload": {"message_key": key, "alerts": len(alerts)},
            },
        }
        if thread_ts:
            arguments["thread_ts"] = thread_ts
        try:
            response = self._poster.chat_postMessage(**arguments)
        except SlackApiError as error:
            raise self._api_error(error) from None
        except (URLError, OSError) as error:  # timeouts are OSError too
            raise DeliveryUncertain(
                f"Could not reach Slack ({redact(str(error), self._token)}).",
                maybe_delivered=not _is_refused(error),
                destination=self.destination,
            ) from None
        ts = str(response["ts"])
        return Delivered(
            key,
            ts=ts,
            channel=str(response.get("channel") or self.channel),
            thread_ts=thread_ts or ts,
        )

    def find_delivered(self, alerts: Sequence[PendingAlert]) -> dict[str, Delivered]:
        attempts = [a for a in alerts if a.status == DeliveryStatus.SENDING and a.message_key]
        if not attempts:
            return {}
        since = min(a.updated_at or datetime.now(UTC) for a in attempts) - HISTORY_MARGIN
        oldest = f"{since.timestamp():.6f}"
        by_key: dict[str, Delivered] = {}
        try:
            if any(a.thread_ts is None for a in attempts):
                by_key.update(self._scan("conversations_history", oldest, None))
            for thread in sorted({a.thread_ts for a in attempts if a.thread_ts}):
                by_key.update(self._scan("conversations_replies", oldest, thread))
        except SlackApiError as error:
            mapped = self._api_error(error)
            if isinstance(mapped, SlackConfigurationError):
                raise mapped from None
            raise ReconcileFailed(
                f"Could not check Slack for earlier attempts ({mapped}); nothing re-posted."
            ) from None
        except (URLError, OSError) as error:
            raise ReconcileFailed(
                f"Could not check Slack for earlier attempts ({redact(str(error), self._token)}); "
                "nothing re-posted."
            ) from None
        return {a.alert_id: by_key[a.message_key] for a in attempts if a.message_key in by_key}

    def _scan(self, method: str, oldest: str, thread_ts: str | None) -> dict[str, Delivered]:
        found: dict[str, Delivered] = {}
        cursor: str | None = None
        for _ in range(HISTORY_MAX_PAGES):
            arguments: dict[str, Any] = {
                "channel": self.channel,
                "oldest": oldest,
                "limit": 200,
                "include_all_metadata": True,
            }
            if thread_ts:
                arguments["ts"] = thread_ts
            if cursor:
                arguments["cursor"] = cursor
            response = getattr(self._reader, method)(**arguments)
            for message in response.get("messages") or []:
                metadata = message.get("metadata") or {}
                if metadata.get("event_type") != METADATA_EVENT:
                    continue
                key = (metadata.get("event_payload") or {}).get("message_key")
                if key:
                    ts = str(message.get("ts"))
                    found[key] = Delivered(
                        key, ts=ts, channel=self.channel, thread_ts=message.get("thread_ts") or ts
                    )
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return found


class WebhookTransport:
    """An incoming webhook: no ts, no threads, no history, so at-least-once after a crash."""

    can_reconcile = False
    threads = False
    capped = True

    def __init__(self, url: str, *, timeout: float = 10.0, max_rate_limit_wait: float = 30.0):
        self.destination = WEBHOOK
        self.rate_limits = BoundedRateLimitHandler(max_rate_limit_wait)
        self._url = url
        self._client = WebhookClient(
            url,
            timeout=timeout,  # type: ignore[arg-type]  # slack_sdk says int; urllib takes float
            retry_handlers=[self.rate_limits],
        )

    def find_delivered(self, alerts: Sequence[PendingAlert]) -> dict[str, Delivered]:
        return {}

    def post(
        self,
        key: str,
        alerts: Sequence[PendingAlert],
        body: MessageBody,
        *,
        thread_ts: str | None,
        reply_to: str | None,
    ) -> Delivered:
        try:
            response = self._client.send(
                text=body.text, blocks=body.blocks, unfurl_links=False, unfurl_media=False
            )
        except (URLError, OSError) as error:
            raise DeliveryUncertain(
                f"Could not reach the Slack webhook ({redact(str(error), self._url)}).",
                maybe_delivered=not _is_refused(error),
                destination=WEBHOOK,
            ) from None
        except ValueError:  # urllib's "unknown url type: '<the whole URL>'"
            raise SlackConfigurationError(
                "The incoming webhook's URL is not one we can post to: give the whole URL "
                "Slack gave you, starting with https://hooks.slack.com/.",
                setting="slack_webhook_url",
                destination=WEBHOOK,
            ) from None
        status = response.status_code
        code = redact((response.body or "").strip()[:200], self._url)
        if status == 200:
            return Delivered(key)
        if status == 429:
            raise RateLimited(
                "The Slack webhook is rate-limited beyond what this run waits; the alerts stay "
                "pending for the next run.",
                retry_after=retry_after_header(dict(response.headers or {})),
                destination=WEBHOOK,
            )
        if status >= 500:
            raise DeliveryUncertain(
                f"The Slack webhook answered HTTP {status} ({code}).", destination=WEBHOOK
            )
        if code in _CONFIG_ERRORS:
            raise _configuration_error(code, WEBHOOK)
        if status in (401, 403, 404, 410):
            raise SlackConfigurationError(
                f"The Slack webhook refused us (HTTP {status} {code}): check its URL.",
                setting="slack_webhook_url",
                destination=WEBHOOK,
            )
        raise MessageRejected(
            f"The Slack webhook refused the message (HTTP {status} {code}).",
            reason=code,
            destination=WEBHOOK,
        )


class OutboxTransport:
    """A JSONL file standing in for Slack; the file itself records what was delivered.

    Nobody is pinged by a file, so the flood caps do not apply: one line per story, which
    keeps the outbox a faithful list of every alert.
    """

    can_reconcile = True
    threads = False
    capped = False

    def __init__(self, path: Path) -> None:
        self.destination = OUTBOX
        self.path = path
        self._delivered: dict[str, Delivered] | None = None  # alert id -> line, read once

    def delivered_lines(self) -> list[dict[str, Any]]:
        """Every complete line; a line torn by a crash mid-write is not a delivery."""
        if not self.path.exists():
            return []
        lines = []
        for raw in self.path.read_text("utf-8").splitlines():
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if isinstance(line, dict):
                lines.append(line)
        return lines

    def _index(self) -> dict[str, Delivered]:
        if self._delivered is None:
            self._delivered = {}
            for line in self.delivered_lines():
                key = str(line.get("message_key") or line.get("alert_id"))
                for alert_id in line.get("alert_ids") or [line.get("alert_id")]:
                    self._delivered.setdefault(str(alert_id), Delivered(key))
        return self._delivered

    def find_delivered(self, alerts: Sequence[PendingAlert]) -> dict[str, Delivered]:
        index = self._index()
        return {a.alert_id: index[a.alert_id] for a in alerts if a.alert_id in index}

    def post(
        self,
        key: str,
        alerts: Sequence[PendingAlert],
        body: MessageBody,
        *,
        thread_ts: str | None,
        reply_to: str | None,
    ) -> Delivered:
        already = self.find_delivered(alerts)
        if already and len(already) == len(alerts):
            return next(iter(already.values()))
        lead = max(alerts, key=lambda a: a.score)
        line = {
            "alert_id": lead.alert_id,
            "alert_ids": [a.alert_id for a in alerts],
            "message_key": key,
            "trend": lead.trend_id,
            "trends": sorted({a.trend_id for a in alerts}),
            "thread_of": reply_to,
            "text": body.text,
            "blocks": body.blocks,
            "created": datetime.now(UTC).isoformat(),
        }
        append_json_line(self.path, line)
        delivered = Delivered(key)
        index = self._index()
        for alert in alerts:
            index.setdefault(alert.alert_id, delivered)
        return delivered
