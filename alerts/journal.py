"""Appending one JSON line durably: the outbox and the e-mail journal share this.

A line is fsync'd before the caller records anything else, and a line torn by an earlier
crash is closed first, so a reader never joins two records into one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def append_json_line(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() > 0:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                handle.write(b"\n")  # close a line torn by an earlier crash
        handle.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
