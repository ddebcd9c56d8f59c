"""Reading the JSON-lines files that `classify --input` and `eval --input` take.

One reader, so that every such file fails the same way: a missing file, or a line that
is not the record expected, is one sentence naming the file and the line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from spacebrief.classifiers.exceptions import ClassifierError

Record = TypeVar("Record")


def read_records(
    path: Path, build: Callable[[dict[str, Any]], Record], *, what: str, shape: str
) -> list[Record]:
    """`build` each non-blank line's JSON object; `what` and `shape` word the errors."""
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except FileNotFoundError as error:
        raise ClassifierError(f"There is no {what} file at {path}.") from error
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            records.append(build(json.loads(line)))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ClassifierError(f"{path}:{number} is not {shape} ({error}).") from error
    return records
