"""The steps the flows run, each one call of the API's handle (`spacebrief.open`).

Plain functions with no Prefect in them, so the Prefect tasks in `flows.pipeline` wrap
them unchanged and a script can run a step without Prefect's start-up cost. Each takes
the `Warehouse` and the `Settings` a flow run read, opens the handle on them, and returns
the handle's record; what a step does is the handle's method, documented there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import spacebrief

if TYPE_CHECKING:
    from spacebrief import Settings, Spacebrief, Warehouse

ProgressCallback = Callable[[int, int], None]


def handle(warehouse: Warehouse, settings: Settings) -> Spacebrief:
    """The API's handle on this warehouse file with these settings."""
    return spacebrief.open(warehouse.path, settings=settings)
