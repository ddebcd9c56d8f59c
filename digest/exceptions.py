"""What can go wrong while writing an edition, worded for the person at the keyboard."""

from __future__ import annotations

from pathlib import Path

from spacebrief.exceptions import SpacebriefError


class DigestError(SpacebriefError):
    """The edition could not be built as asked; the message says why and what to do."""

    path: Path | None = None  # the editions folder or file at fault
