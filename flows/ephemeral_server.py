"""The Prefect server that `run`, `demo` and `serve` start dies with them, even on kill -9.

With no `PREFECT_API_URL`, Prefect starts a server of its own (uvicorn in a child process,
about 250 MB) and stops it at exit; a `kill -9` skips that and leaves the server running.
So before the first flow we start a watchdog process in its own session, holding the read
end of a pipe, then start Prefect's server ourselves (Prefect's client reuses it) and
write the server's pid into the pipe the moment it is spawned. When this process dies,
however it dies, the kernel closes the pipe; the watchdog reads end-of-file and ends the
server. A watchdog, not `PR_SET_PDEATHSIG`: that signal follows the thread that spawned
the child, and Prefect may spawn it from a short-lived thread. Before each signal the
watchdog checks `/proc/<pid>/cmdline`, so a recycled pid is never hit.

`serve` starts its server itself (`prefect server start`, in a session of its own so a
Ctrl-C in the terminal reaches serve first); `tie_to_us` hands that pid to the same
watchdog, which then ends the server's whole process group.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

WATCHDOG = r"""
import os, signal, sys, time
servers = [int(line) for line in sys.stdin if line.strip()]  # until EOF: the parent is gone

def alive(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            line = cmdline.read()
    except OSError:
        return False
    return b"prefect.server.api.server:create_app" in line or b"prefect\0server\0start" in line

for sig, wait in ((signal.SIGTERM, 50), (signal.SIGKILL, 0)):
    for pid in filter(alive, servers):
        try:
            if os.getpgid(pid) == pid:
                os.killpg(pid, sig)  # serve's server leads a group of its own
            else:
                os.kill(pid, sig)
        except OSError:
            pass
    for _ in range(wait):
        if not any(map(alive, servers)):
            sys.exit(0)
        time.sleep(0.1)
"""

_watchdogs: list[subprocess.Popen[bytes]] = []  # kept so the pipe stays open until we die


def tie_to_us(pid: int) -> None:
    """End process `pid` (a Prefect server we started) once this process is gone."""
    watchdog = _watchdogs[0] if _watchdogs else start_watchdog()
    assert watchdog.stdin is not None
    watchdog.stdin.write(f"{pid}\n".encode())
    watchdog.stdin.flush()


def start_watchdog() -> subprocess.Popen[bytes]:
    """A watchdog that ends every pid written to its stdin once this process is gone."""
    watchdog = subprocess.Popen(
        [sys.executable, "-c", WATCHDOG],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C in the terminal must not end it first
    )
    _watchdogs.append(watchdog)
    return watchdog


def start_ephemeral_server_tied_to_us() -> bool:
    """Start Prefect's temporary server now, tied to this process. False when a Prefect
    server is configured (PREFECT_API_URL), or one is already running: nothing started."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return False
    server = SubprocessASGIServer()
    if server.running:
        return False
    watchdog = start_watchdog()
    assert watchdog.stdin is not None
    spawn = server._run_uvicorn_command  # Prefect's own launcher; it may retry on a new port

    def spawn_watched() -> Any:
        process = spawn()
        watchdog.stdin.write(f"{process.pid}\n".encode())  # type: ignore[union-attr]
        watchdog.stdin.flush()  # type: ignore[union-attr]
        return process

    server._run_uvicorn_command = spawn_watched  # type: ignore[method-assign]
    server.start()
    return True
