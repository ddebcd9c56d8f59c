"""Hearing the feedback buttons over Slack Socket Mode (no public URL, no inbound port).

slack-sdk's builtin `SocketModeClient` holds the websocket (it needs no extra package).
Its own reconnect retries at a fixed interval, so it is switched off and a supervisor
thread reconnects with exponential backoff and jitter instead (tenacity, with
`spacebrief.retry`'s wait), a fresh URL each time (`apps.connections.open`). The SDK
notices a silently dropped socket from its pings (five failed checks, or no pong for
four intervals), hence a 2 s ping interval: a dead link is found in about ten seconds.

Order per click: record it (the caller's `record`, one short transaction), then ack the
envelope, then update the message or answer the clicker. Writing before the ack is what
makes a click survive a crash: an envelope not acked is delivered again by Slack, and the
click row makes the second delivery a no-op. The write waits at most a couple of seconds
for the warehouse, so the ack stays inside Slack's 3 s; if the warehouse is busy longer,
the envelope is left unacked and Slack redelivers it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from tenacity import Retrying, retry_if_result

from spacebrief.alerts.exceptions import AlertsError
from spacebrief.alerts.feedback import Click, ClickOutcome, marked_blocks, parse_click
from spacebrief.retry import RetryAfterOrBackoff

log = logging.getLogger(__name__)

Recorder = Callable[[Click], ClickOutcome]


class FeedbackListener:
    """Holds the Socket Mode connection and turns clicks into feedback rows."""

    def __init__(
        self,
        app_token: str,
        bot_token: str,
        record: Recorder,
        *,
        base_url: str | None = None,
        allowed_users: Collection[str] = (),
        ping_interval: float = 2.0,
        max_backoff: float = 60.0,
        on_click: Callable[[Click, ClickOutcome, float], None] | None = None,
    ) -> None:
        url = (base_url or WebClient.BASE_URL).rstrip("/") + "/"
        self.web = WebClient(token=bot_token, base_url=url, timeout=10)
        self.client = SocketModeClient(
            app_token=app_token,
            web_client=WebClient(base_url=url, timeout=10),
            auto_reconnect_enabled=False,
            ping_interval=ping_interval,
            logger=logging.getLogger("slack_sdk.socket_mode"),
        )
        self.client.socket_mode_request_listeners.append(self._on_request)
        self.record = record
        self.allowed = {u.strip().lstrip("@") for u in allowed_users if u.strip()}
        self.max_backoff = max_backoff
        self.on_click = on_click
        self.connects = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ connection
    def check_token(self) -> None:
        """Fail in one sentence on a token Slack rejects, instead of retrying forever."""
        try:
            self.client.web_client.apps_connections_open(app_token=self.client.app_token)
        except SlackApiError as error:
            code = _short(error)
            if code in ("invalid_auth", "not_authed", "token_revoked", "not_allowed_token_type"):
                raise AlertsError(
                    f"Slack rejected the app-level token ({code}): create an app-level token "
                    "with connections:write and turn Socket Mode on.",
                    setting="slack_app_token",
                ) from None
        except OSError:
            pass  # Slack unreachable for now: the supervisor keeps trying with backoff

    def start(self) -> FeedbackListener:
        self._thread = threading.Thread(target=self._supervise, name="slack-socket", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
        self.client.close()

    def is_connected(self) -> bool:
        return self.client.is_connected()

    def _supervise(self) -> None:
        """Keep the socket up: watch it, and after a drop reconnect with backoff (reset
        once connected) until it is back or `stop()` is called."""
        while not self._stop.is_set():
            if self.client.is_connected():
                self._stop.wait(0.2)
                continue
            reconnecting = Retrying(
                retry=retry_if_result(lambda connected: not connected),
                wait=RetryAfterOrBackoff(0.5, self.max_backoff),
                stop=lambda _: self._stop.is_set(),
                sleep=self._pause,
                before_sleep=lambda state: log.info(
                    "Slack Socket Mode is down; reconnecting in %.1f s.", state.upcoming_sleep
                ),
                retry_error_callback=lambda _: False,
            )
            if reconnecting(self._connect):
                self.connects += 1
                log.info("Slack Socket Mode connected (connection %d).", self.connects)

    def _pause(self, seconds: float) -> None:
        """Sleep between reconnects, cut short by `stop()`."""
        self._stop.wait(seconds)

    def _connect(self) -> bool:
        try:
            self.client.connect_to_new_endpoint(force=True)
        except Exception as error:  # the SDK raises plain errors for a refused URL
            log.warning("Slack Socket Mode: could not connect (%s).", type(error).__name__)
        return self.client.is_connected()

    # ------------------------------------------------------------ clicks
    def _on_request(self, client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        started = time.perf_counter()
        click = parse_click(request.payload) if request.type == "interactive" else None
        if click is None:
            client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))
            return
        if (
            self.allowed
            and click.user_id not in self.allowed
            and click.user_name not in (self.allowed)
        ):
            outcome = ClickOutcome(
                "refused", "Only the analysts allowed to give feedback can teach spacebrief."
            )
        else:
            try:
                outcome = self.record(click)
            except Exception as error:
                log.warning(
                    "A Slack click could not be recorded (%s); Slack will deliver it again.",
                    error,
                )
                return  # not acked: redelivered
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))
        elapsed = time.perf_counter() - started
        self._answer(click, outcome)
        if self.on_click is not None:
            self.on_click(click, outcome, elapsed)

    def _answer(self, click: Click, outcome: ClickOutcome) -> None:
        try:
            if outcome.kind in ("recorded", "duplicate"):
                self.web.chat_update(
                    channel=click.channel,
                    ts=click.message_ts,
                    blocks=marked_blocks(list(click.blocks), click.action, click.user_name),
                    text=outcome.message,
                )
            else:
                self.web.chat_postEphemeral(
                    channel=click.channel, user=click.user_id, text=outcome.message
                )
        except (SlackApiError, OSError) as error:
            log.warning("Could not answer a Slack click in the channel: %s", _short(error))


def _short(error: Any) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error", "error"))
    return type(error).__name__
