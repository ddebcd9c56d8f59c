"""Which destination alerts go to, decided from plain facts about the configuration.

The classify step calls `destination_for` when it writes ledger rows, and the alerts step
calls it again when delivering, so both agree on the ledger key without either reading
the other's settings.
"""

from __future__ import annotations

from spacebrief.alerts.exceptions import AlertsError

OUTBOX = "outbox"
WEBHOOK = "webhook"
SLACK_PREFIX = "slack:"


def destination_for(bot_token_set: bool, channel: str | None, webhook_set: bool) -> str:
    """Return "slack:<channel>", "webhook" or "outbox".

    A bot token with a channel wins (it can thread and reconcile); else an incoming
    webhook; else the local JSONL outbox. A token without a channel is a configuration
    mistake we refuse to paper over by silently writing to the outbox.
    """
    channel = (channel or "").strip() or None
    if bot_token_set:
        if channel is None:
            raise AlertsError(
                "A Slack bot token is given but no channel: give the channel id (e.g. "
                "C0123456789) the bot should post to.",
                setting="slack_channel",
            )
        return f"{SLACK_PREFIX}{channel}"
    if webhook_set:
        return WEBHOOK
    return OUTBOX


def slack_channel_of(destination: str) -> str | None:
    """The channel of a "slack:<channel>" destination, None for webhook and outbox."""
    if destination.startswith(SLACK_PREFIX):
        return destination[len(SLACK_PREFIX) :]
    return None
