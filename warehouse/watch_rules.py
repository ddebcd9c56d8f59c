"""Watch and mute rules: stored with their history, and matched against items in SQL.

A rule is a named query (`warehouse.rule_query`). `match_rules` runs every rule over a
set of item ids inside the caller's transaction, so the classify step decides the
alerts of a chunk in the same transaction that stores its labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb

from spacebrief.alerts.config import SLACK_PREFIX
from spacebrief.alerts.types import RuleHit
from spacebrief.warehouse.exceptions import WarehouseError
from spacebrief.warehouse.rule_query import CompiledQuery, RuleQueryError, compile_query

KINDS = ("watch", "mute")
MAX_MATCHES_SHOWN = 200


@dataclass(frozen=True)
class WatchRule:
    """A rule in force: a query that always alerts (watch) or never does (mute) on
    matching stories."""

    name: str
    query: str
    kind: str  # watch | mute
    channels: tuple[str, ...] = ()
    created_by: str | None = None
    created_at: datetime | None = None

    @property
    def mute(self) -> bool:
        return self.kind == "mute"


@dataclass(frozen=True)
class RuleMatch:
    """An item a query matched, with what `watch test` shows."""

    item_id: str
    cluster_id: str
    published_at: datetime
    source_name: str | None
    title: str
    trends: tuple[str, ...]


def check_regexes(con: duckdb.DuckDBPyConnection, compiled: CompiledQuery) -> None:
    """RE2 decides what a regex means; ask it now, not on the first item."""
    for pattern in compiled.regexes:
        try:
            con.execute("SELECT regexp_matches('', ?, 'i')", [pattern]).fetchone()
        except duckdb.Error as error:
            detail = str(error).split(":", 1)[-1].strip().rstrip(".")
            raise RuleQueryError(
                f"The regex /{pattern[:60]}/ is not valid RE2 ({detail}).", query=compiled.text
            ) from None


def _validated(con: duckdb.DuckDBPyConnection, query: str) -> CompiledQuery:
    compiled = compile_query(query)
    check_regexes(con, compiled)
    return compiled


def add_rule(
    con: duckdb.DuckDBPyConnection,
    name: str,
    query: str,
    *,
    mute: bool = False,
    channels: Sequence[str] = (),
    analyst: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Save (or replace) a rule and record it in the history; True when it replaced one."""
    name = name.strip()
    if not name or len(name) > 80 or any(ord(c) < 32 for c in name):
        raise WarehouseError("A rule name must be 1 to 80 printable characters.", parameter="name")
    compiled = _validated(con, query)
    now = now or datetime.now(UTC)
    kind = "mute" if mute else "watch"
    replaced = con.execute("SELECT 1 FROM watch_rules WHERE name = ?", [name]).fetchone()
    con.execute(
        "INSERT INTO watch_rules (name, query, kind, channels, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET query = excluded.query, "
        "kind = excluded.kind, channels = excluded.channels, created_by = excluded.created_by, "
        "created_at = excluded.created_at",
        [name, compiled.text, kind, list(channels), analyst, now],
    )
    con.execute(
        "INSERT INTO watch_rule_history (name, action, query, kind, channels, analyst, changed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [name, "replace" if replaced else "add", compiled.text, kind, list(channels), analyst, now],
    )
    return replaced is not None


def remove_rule(
    con: duckdb.DuckDBPyConnection, name: str, *, analyst: str | None = None
) -> WatchRule:
    removed = con.execute(
        "DELETE FROM watch_rules WHERE name = ? "
        "RETURNING name, query, kind, channels, created_by, created_at",
        [name],
    ).fetchone()
    if removed is None:
        raise WarehouseError(
            f"There is no rule named {name!r}: the list of watch rules names them.",
            parameter="name",
        )
    rule = _rule(removed)
    con.execute(
        "INSERT INTO watch_rule_history (name, action, query, kind, channels, analyst, changed_at) "
        "VALUES (?, 'remove', ?, ?, ?, ?, ?)",
        [name, rule.query, rule.kind, list(rule.channels), analyst, datetime.now(UTC)],
    )
    return rule


def _rule(row: tuple) -> WatchRule:
    return WatchRule(row[0], row[1], row[2], tuple(row[3] or ()), row[4], row[5])


def list_rules(con: duckdb.DuckDBPyConnection) -> list[WatchRule]:
    rows = con.execute(
        "SELECT name, query, kind, channels, created_by, created_at FROM watch_rules "
        "ORDER BY kind DESC, name"
    ).fetchall()
    return [_rule(r) for r in rows]


def rule_history(con: duckdb.DuckDBPyConnection, name: str | None = None) -> list[tuple]:
    return con.execute(
        "SELECT changed_at, name, action, kind, query, analyst FROM watch_rule_history "
        "WHERE ? IS NULL OR name = ? ORDER BY event_id",
        [name, name],
    ).fetchall()


def match_rules(
    con: duckdb.DuckDBPyConnection, rules: Iterable[WatchRule], item_ids: Sequence[str]
) -> dict[str, list[str]]:
    """Rule name -> the given items it matches. A rule whose query no longer compiles
    (saved by an older grammar) is skipped rather than blocking classification."""
    found: dict[str, list[str]] = {}
    if not item_ids:
        return found
    ids = list(dict.fromkeys(item_ids))
    for rule in rules:
        try:
            compiled = compile_query(rule.query)
        except RuleQueryError:
            continue
        rows = con.execute(
            f"SELECT i.item_id FROM items AS i WHERE list_contains(?, i.item_id) "
            f"AND ({compiled.sql}) ORDER BY i.item_id",
            [ids, *compiled.params],
        ).fetchall()
        if rows:
            found[rule.name] = [r[0] for r in rows]
    return found


def preview_matches(
    con: duckdb.DuckDBPyConnection,
    query: str,
    *,
    days: int = 30,
    now: datetime | None = None,
    limit: int = MAX_MATCHES_SHOWN,
) -> tuple[int, list[RuleMatch]]:
    """What a query matches among the items of the last `days` days: (count, newest first)."""
    compiled = _validated(con, query)
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    sql = (
        "SELECT i.item_id, i.cluster_id, i.published_at, i.source_name, i.title, "
        "coalesce((SELECT list(l.trend_id ORDER BY l.score DESC) FROM v_labels AS l "
        "WHERE l.item_id = i.item_id), []) AS trends, count(*) OVER () AS total "
        f"FROM items AS i WHERE i.published_at >= ? AND ({compiled.sql}) "
        "ORDER BY i.published_at DESC, i.item_id LIMIT ?"
    )
    rows = con.execute(sql, [since, *compiled.params, limit]).fetchall()
    total = int(rows[0][6]) if rows else 0
    return total, [RuleMatch(r[0], r[1], r[2], r[3], r[4], tuple(r[5])) for r in rows]


def rule_hits(
    con: duckdb.DuckDBPyConnection,
    item_ids: Sequence[str],
    slack_bot: bool,
    *,
    classified_before: Mapping[str, datetime] | None = None,
) -> dict[str, list[RuleHit]]:
    """item_id -> the watch and mute rules it matches (in the caller's transaction, so
    the alerts they owe commit with the labels). A rule's own channels apply only with a
    bot token (a webhook has one channel). A watch rule decides only for stories classified
    from its creation on: an item `classified_before` maps to a time before the rule's
    creation (a relabel of an older story) is not the rule's to decide."""
    rules = list_rules(con)
    matches = match_rules(con, rules, item_ids)
    earlier = classified_before or {}
    hits: dict[str, list[RuleHit]] = {}
    for rule in rules:
        destinations = tuple(f"{SLACK_PREFIX}{c}" for c in rule.channels) if slack_bot else ()
        for item_id in matches.get(rule.name, ()):
            first = earlier.get(item_id)
            older = first is not None and rule.created_at is not None and first < rule.created_at
            if older and not rule.mute:  # a mute rule pings nobody, so it may judge any story
                continue
            hits.setdefault(item_id, []).append(RuleHit(rule.name, rule.mute, destinations))
    return hits
