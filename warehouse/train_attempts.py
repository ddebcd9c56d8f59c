"""The record of every refit attempt, for `spacebrief train --status` and the next night."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

import duckdb


@dataclass(frozen=True)
class TrainAttemptRow:
    """One refit attempt: when, the versions and figures compared, the decision and why."""

    started_at: datetime
    finished_at: datetime
    decision: str  # promoted | kept | skipped
    reason: str
    old_version: str | None = None
    new_version: str | None = None
    feedback_total: int = 0
    feedback_fitted: int = 0
    feedback_held_out: int = 0
    feedback_until: datetime | None = None
    eval_items: int = 0
    old_eval_macro_f1: float | None = None
    new_eval_macro_f1: float | None = None
    old_eval_relevance: float | None = None
    new_eval_relevance: float | None = None
    old_feedback_agreement: float | None = None
    new_feedback_agreement: float | None = None


_COLUMNS = tuple(TrainAttemptRow.__dataclass_fields__)


def record_attempt(con: duckdb.DuckDBPyConnection, row: TrainAttemptRow) -> None:
    values = asdict(row)
    con.execute(
        f"INSERT INTO train_attempts ({', '.join(_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
        [values[c] for c in _COLUMNS],
    )


def list_attempts(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[TrainAttemptRow]:
    rows = con.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM train_attempts ORDER BY attempt_id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [TrainAttemptRow(*r) for r in rows]


def feedback_state(con: duckdb.DuckDBPyConnection) -> tuple[int, datetime | None]:
    """How many verdicts exist and the newest one's time."""
    row = con.execute("SELECT count(*), max(recorded_at) FROM feedback").fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def last_feedback_seen(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The newest feedback an attempt that fitted (promoted or kept) already used."""
    row = con.execute(
        "SELECT max(feedback_until) FROM train_attempts WHERE decision <> 'skipped'"
    ).fetchone()
    return row[0] if row else None
