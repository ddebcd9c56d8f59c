"""What can go wrong while writing an edition, worded for the person at the keyboard."""

from spacebrief.exceptions import SpacebriefError


class DigestError(SpacebriefError):
    """The edition could not be built as asked; the message says why and what to do."""
