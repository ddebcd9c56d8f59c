"""The `spacebrief` command line. Each command module registers itself on `app`.

The commands that analysts run many times a day (`query`, `classify --input`, `eval`,
`digest`) call the libraries directly; only `run`, `demo` and `serve` import Prefect.
"""

from __future__ import annotations

from spacebrief.flows.cli import (  # noqa: F401  (each module registers its commands)
    alerts_cmd,
    classify_cmd,
    digest_cmd,
    ingest_cmd,
    pipeline_cmd,
    query_cmd,
    sources_cmd,
    watch_cmd,
    web_cmd,
)
from spacebrief.flows.cli.app import app


def main() -> None:
    app(prog_name="spacebrief")
