"""`python -m flows.task_worker`: one more task worker for classify and alert delivery.

Run it on any machine with the code, the same `SPACEBRIEF_*` settings and
`PREFECT_API_URL` pointing at the server `spacebrief serve` uses: the server hands each
background task run to one worker (docs/scaling.md). Ctrl-C or SIGTERM stops it.
"""

from __future__ import annotations

import asyncio
import signal
import threading

from flows.prefect_env import configure_prefect
from flows.settings import Settings


def main() -> None:
    settings = Settings()
    configure_prefect(settings.home)
    from flows.background import serve_tasks, warm_up

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    warm_up(settings)
    try:
        asyncio.run(serve_tasks(stop))
    except KeyboardInterrupt:
        stop.set()


if __name__ == "__main__":
    main()
