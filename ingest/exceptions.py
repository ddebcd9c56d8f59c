"""What can go wrong while reading feeds, worded for the person at the keyboard."""

from spacebrief.exceptions import SpacebriefError


class IngestError(SpacebriefError):
    """Feeds could not be read as asked; the message says why and what to do."""
