"""The feedback step: Slack clicks into the warehouse, for `listen` and `serve`.

The listener (alerts/socket_listener.py) speaks Slack; this module backs it with the
warehouse: each click is one short write transaction, waiting at most
`feedback_write_wait_seconds` for a busy file so the ack stays inside Slack's 3 s.
"""

from __future__ import annotations

import logging

from spacebrief.alerts.exceptions import AlertsError
from spacebrief.alerts.feedback import Click, ClickOutcome
from spacebrief.alerts.socket_listener import FeedbackListener
from spacebrief.flows.settings import Settings
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse.feedback_clicks import record_click

log = logging.getLogger(__name__)


def click_recorder(settings: Settings):
    warehouse = Warehouse(
        settings.warehouse_path, lock_wait_seconds=settings.feedback_write_wait_seconds
    )

    def record(click: Click) -> ClickOutcome:
        # A busy file (another process, or a reader in this one) is waited for by the
        # warehouse itself, up to lock_wait_seconds; then WarehouseLocked, and the
        # listener leaves the click unacked for Slack to deliver again.
        with warehouse.write() as con, transaction(con):
            outcome = record_click(con, click)
        log.info("Slack click %s by %s: %s", click.action, click.user_name, outcome.kind)
        return outcome

    return record


def make_listener(settings: Settings, **options: object) -> FeedbackListener:
    """The Socket Mode listener for these settings; refuses one-sentence when unusable."""
    if settings.slack_app_token is None:
        raise AlertsError(
            "SLACK_APP_TOKEN is not set: create an app-level token (xapp-…) with the "
            "connections:write scope and turn on Socket Mode (README, Slack buttons)."
        )
    if settings.slack_bot_token is None:
        raise AlertsError(
            "SLACK_BOT_TOKEN is not set: the buttons ride on messages the bot posts, and the "
            "bot updates them after a click."
        )
    app_token = settings.slack_app_token.get_secret_value()
    if not app_token.startswith("xapp-"):
        raise AlertsError("SLACK_APP_TOKEN must be an app-level token starting with xapp-.")
    return FeedbackListener(
        app_token,
        settings.slack_bot_token.get_secret_value(),
        click_recorder(settings),
        base_url=settings.slack_api_url,
        allowed_users=settings.feedback_user_list,
        **options,  # type: ignore[arg-type]
    )
