"""What can go wrong while reading feeds, worded for the person at the keyboard."""

from __future__ import annotations

from pathlib import Path

from spacebrief.exceptions import SpacebriefError


class IngestError(SpacebriefError):
    """Feeds could not be read as asked; the message says why and what to do."""

    source: str | None = None  # the source's name or id, when one source is at fault
    url: str | None = None  # the feed or page address at fault
    path: Path | None = None  # the catalogue, OPML or feed file at fault


class TargetRefused(IngestError):
    """We will not fetch from there (scheme or address); the message says why."""
