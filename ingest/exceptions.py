"""What can go wrong while reading feeds, worded for the person at the keyboard."""


class IngestError(Exception):
    """Feeds could not be read as asked; the message says why and what to do."""
