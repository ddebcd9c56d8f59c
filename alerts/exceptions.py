"""What can go wrong while alerting, worded for the person at the keyboard.

The subclasses tell delivery what a failure means for the ledger: a configuration
problem leaves alerts pending and stops the run; a rate limit leaves them pending for the
next run; an uncertain post (timeout, 5xx, dropped connection) must be checked against
Slack before anything is posted again; a rejected message will never go through as is.
"""

from spacebrief.exceptions import SpacebriefError


class AlertsError(SpacebriefError):
    """Alerts could not be delivered as asked; the message says why and what to do."""


class SlackConfigurationError(AlertsError):
    """The token, webhook or channel is wrong: nothing can be sent until a person fixes it."""


class RateLimited(AlertsError):
    """Slack asked us to wait longer than this run is willing to; try again later."""

    transient = True


class DeliveryUncertain(AlertsError):
    """The post may or may not have reached Slack (timeout, 5xx, connection lost)."""

    transient = True

    def __init__(self, message: str, *, maybe_delivered: bool = True) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered


class MessageRejected(AlertsError):
    """Slack refused this particular message (e.g. invalid blocks): retrying will not help."""


class ReconcileFailed(AlertsError):
    """We could not check whether an earlier attempt was delivered, so we must not re-post."""

    transient = True


class EmailError(AlertsError):
    """The edition could not be e-mailed as asked; the message says why and what to do."""


class EmailConfigurationError(EmailError):
    """A setting is wrong or the server refuses us (login, sender, TLS): a person must fix it."""


class EmailUnreachable(EmailError):
    """The SMTP server could not be reached or dropped us: the deliveries stay pending."""

    transient = True


class RecipientRefused(EmailError):
    """The server refused this one message or recipient; the others still go out."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent  # a 5xx reply: retrying the same message will not help
