"""What can go wrong while classifying, worded for the person at the keyboard."""


class ClassifierError(Exception):
    """The classifier could not do what was asked; the message says why and what to do."""
