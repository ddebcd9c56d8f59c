"""What can go wrong while alerting, worded for the person at the keyboard."""


class AlertsError(Exception):
    """Alerts could not be delivered as asked; the message says why and what to do."""
