"""What can go wrong while classifying, worded for the person at the keyboard."""

from __future__ import annotations

from pathlib import Path

from spacebrief.exceptions import SpacebriefError


class ClassifierError(SpacebriefError):
    """The classifier could not do what was asked; the message says why and what to do."""

    path: Path | None = None  # the taxonomy, head, model or input file at fault
    trend_id: str | None = None  # the trend id at fault


class MissingExtra(ClassifierError):
    """An optional dependency is not installed; the message names the extra that brings it."""

    extra: str | None = None  # `pip install 'spacebrief[<extra>]'`
    module: str | None = None  # the module that is missing
