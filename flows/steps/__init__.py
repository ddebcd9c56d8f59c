"""The glue of each step: read from the warehouse, call a library, write back.

Plain functions with no Prefect in them, so the CLI can run a step without Prefect's
start-up cost and the Prefect tasks in `flows.pipeline` can wrap them unchanged.
Each takes a `Warehouse`, the `Settings` and, for long work, an `on_progress(done, total)`
callback that the CLI turns into a rich progress bar.
"""

from collections.abc import Callable

ProgressCallback = Callable[[int, int], None]
