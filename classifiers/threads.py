"""How many threads the models run on.

Every core by default. `OMP_NUM_THREADS`, when set, caps it: the convention torch, numpy
and the BLAS libraries already follow, which our explicit `torch.set_num_threads` would
otherwise override. Two processes sharing two cores (the test suite's two workers, two
`spacebrief` commands on one machine) each asking for both cores oversubscribe them: the
suite's model-heavy files ran in 148 s that way and in 98 s at one thread per worker.
"""

from __future__ import annotations

import os


def model_threads(requested: int | None = None) -> int:
    """`requested`, else OMP_NUM_THREADS when it is a positive number, else every core."""
    if requested:
        return requested
    configured = os.environ.get("OMP_NUM_THREADS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, os.cpu_count() or 1)
