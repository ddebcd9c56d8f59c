"""Running a coroutine to completion from sync code, whoever calls it.

`asyncio.run` refuses to start inside a running event loop (a notebook, an async web
handler, a Prefect task worker), and blocking that loop's own thread on a coroutine
would deadlock it. So where a loop is already running in this thread the coroutine runs
on a worker thread with a loop of its own, and this thread waits for it: a sync call
stays a sync call wherever it is made. Every sync entry point of the library that has
async work under it (feed fetching, article pages, the LLM endpoint) goes through `run`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def loop_running() -> bool:
    """Whether this thread is inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """The coroutine's result: `asyncio.run` here, or on a worker thread's own loop when
    this thread already runs one."""
    if not loop_running():
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(1, thread_name_prefix="spacebrief-loop") as pool:
        return pool.submit(asyncio.run, coroutine).result()
