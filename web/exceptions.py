"""The reading room's errors, in the project's tree (`spacebrief.exceptions`)."""

from __future__ import annotations

from spacebrief.exceptions import SpacebriefError


class WebError(SpacebriefError):
    """`spacebrief web` cannot start as asked (an address, a port); the message says why."""
