"""What the reading room is given: the API's handle, the token, and where it listens."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacebrief.core import Spacebrief
    from spacebrief.warehouse import Warehouse


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or `localhost`: reachable from this machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class RoomConfig:
    """`handle`: the API's handle on the warehouse, through which the room writes (the
    analysts' clicks and saved rules); its pages read through one read-only instance of
    the same file. `token`: the feedback token (None: read-only). `host`: the address served, which
    decides the host names accepted (a page asked for by another name is refused, so a
    hostile page cannot rebind its own name to 127.0.0.1 and read through the browser)
    and whether reading needs signing in too (anywhere but loopback it does).
    `today`: the clock's day, for "this month" (tests pin it). Pages read through one
    read-only instance held between pages for `reader_idle_seconds`
    (`warehouse.reader.HeldReader` says why and how writers still get in)."""

    handle: Spacebrief
    token: str | None = None
    host: str = "127.0.0.1"
    port: int = 8700
    page_size: int = 50
    search_days: int = 30
    today: Callable[[], date] | None = field(default=None)
    # the read-only instance is kept this long after a page (0: a fresh one per page)
    reader_idle_seconds: float = 1.0

    @property
    def warehouse(self) -> Warehouse:
        return self.handle.warehouse

    @property
    def can_teach(self) -> bool:
        return self.token is not None

    @property
    def private(self) -> bool:
        return is_loopback(self.host)

    def allowed_hosts(self) -> list[str]:
        if not self.private:
            return ["*"]
        return sorted({self.host.strip("[]"), "127.0.0.1", "localhost", "::1", "[::1]"})
