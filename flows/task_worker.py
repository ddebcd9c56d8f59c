"""`python -m spacebrief.flows.task_worker`: one more task worker for classify and alert delivery.

Run it on any machine with the code, the same `SPACEBRIEF_*` settings and
`PREFECT_API_URL` pointing at the server `spacebrief serve` uses: the server hands each
background task run to one worker (docs/scaling.md). Ctrl-C or SIGTERM stops it.
"""

from __future__ import annotations

import signal
import threading

from spacebrief import Settings
from spacebrief.flows.prefect_env import configure_prefect


def main() -> None:
    settings = Settings()
    configure_prefect(settings.home)
    from spacebrief.flows.background import start_task_worker
    from spacebrief.flows.serve import drain_prefect_workers

    stop = threading.Event()
    # The worker runs in a thread, so Prefect's own SIGTERM handler (a sys.exit from
    # its loop thread, a traceback and exit code 1) stays out of the way.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    worker = start_task_worker(settings, stop)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        stop.set()
    worker.join(timeout=30)
    drain_prefect_workers()


if __name__ == "__main__":
    main()
