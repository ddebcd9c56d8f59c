"""The reading room's errors, in the project's tree (`spacebrief.exceptions`)."""

from __future__ import annotations

from spacebrief.exceptions import SpacebriefError


class WebError(SpacebriefError):
    """The reading room cannot start as asked (an address, a port); the message says why."""

    host: str | None = None
    port: int | None = None
