"""What can go wrong while writing an edition, worded for the person at the keyboard."""


class DigestError(Exception):
    """The edition could not be built as asked; the message says why and what to do."""
