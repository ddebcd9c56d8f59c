"""What can go wrong while alerting, worded for the person at the keyboard.

The subclasses tell delivery what a failure means for the ledger: a configuration
problem leaves alerts pending and stops the run; a rate limit leaves them pending for the
next run; an uncertain post (timeout, 5xx, dropped connection) must be checked against
Slack before anything is posted again; a rejected message will never go through as is.
"""

from __future__ import annotations

from spacebrief.exceptions import SpacebriefError


class AlertsError(SpacebriefError):
    """Alerts could not be delivered as asked; the message says why and what to do."""

    destination: str | None = None  # the ledger's destination: "slack:<channel>", "webhook"...


class SlackConfigurationError(AlertsError):
    """The token, webhook or channel is wrong: nothing can be sent until a person fixes it."""


class RateLimited(AlertsError):
    """Slack asked us to wait longer than this run is willing to; try again later."""

    transient = True
    retry_after: float | None = None  # seconds Slack asked for


class DeliveryUncertain(AlertsError):
    """The post may or may not have reached Slack (timeout, 5xx, connection lost)."""

    transient = True
    maybe_delivered: bool = True  # False: the post surely never left (nothing to check)


class MessageRejected(AlertsError):
    """Slack refused this particular message (e.g. invalid blocks): retrying will not help."""

    reason: str | None = None  # Slack's error code


class ReconcileFailed(AlertsError):
    """We could not check whether an earlier attempt was delivered, so we must not re-post."""

    transient = True


class AlertsNotDelivered(AlertsError):
    """Some alerts failed to reach Slack; raised so a flow's task retries them after a pause."""

    transient = True
    failed: int = 0  # alerts that failed in the run
    pending: int = 0  # alerts still owed after it


class EmailError(AlertsError):
    """The edition could not be e-mailed as asked; the message says why and what to do."""

    edition_id: str | None = None
    recipient: str | None = None


class EmailConfigurationError(EmailError):
    """A setting is wrong or the server refuses us (login, sender, TLS): a person must fix it."""


class EmailUnreachable(EmailError):
    """The SMTP server could not be reached or dropped us: the deliveries stay pending."""

    transient = True
    host: str | None = None


class RecipientRefused(EmailError):
    """The server refused this one message or recipient; the others still go out."""

    permanent: bool = False  # a 5xx reply: retrying the same message will not help
