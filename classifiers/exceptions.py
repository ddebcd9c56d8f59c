"""What can go wrong while classifying, worded for the person at the keyboard."""

from spacebrief.exceptions import SpacebriefError


class ClassifierError(SpacebriefError):
    """The classifier could not do what was asked; the message says why and what to do."""
