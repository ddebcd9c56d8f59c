"""Robustness sweep over feedparser's own test corpus (2,107 odd documents).

No exception may escape parsing or normalising any of them, and every entry feedparser
recovers from a file must end up stored. Parsed in-process and written to the warehouse
in one batch, so the sweep stays a few seconds long.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from spacebrief.ingest import (
    Item,
    Source,
    drop_exact_duplicates,
    identity_keys,
    normalise_entries,
    parse_feed,
    slugify,
)
from spacebrief.warehouse.items import insert_items

_HEADER = re.compile(rb"^Header:\s*([\w-]+):\s*(.+?)\s*$", re.MULTILINE)


def http_headers(body: bytes) -> dict[str, str]:
    """The `Header:` lines feedparser's harness turns into HTTP headers."""
    head = body[:2000]
    return {m[1].decode().lower(): m[2].decode("latin-1") for m in _HEADER.finditer(head)}


def test_every_recovered_entry_of_the_feedparser_corpus_is_stored(warehouse, shared_dir):
    corpus = shared_dir / "feeds" / "feedparser-corpus"
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != "LICENSE")
    assert len(files) > 2000
    fetched_at = datetime(2026, 11, 22, tzinfo=UTC)
    expected: dict[Path, list[Item]] = {}
    batch = []
    entries = 0
    for path in files:
        body = path.read_bytes()
        source = Source(slugify(str(path.relative_to(corpus))), path.name, str(path))
        parsed = parse_feed(body, http_headers(body), "http://127.0.0.1/" + path.name)
        items = normalise_entries(parsed.entries, source, fetched_at, feed_language=parsed.language)
        assert len(items) == len(parsed.entries)
        entries += len(parsed.entries)
        expected[path] = items
        batch.extend(items)
    with warehouse.write() as con:
        insert_items(con, drop_exact_duplicates(batch))
        rows = con.execute("SELECT item_id, url, guid, source_id FROM items").fetchall()
        titles_missing = con.execute("SELECT count(*) FROM items WHERE title = ''").fetchone()[0]
    stored_keys = set()
    for item_id, url, guid, source_id in rows:
        stored_keys |= {item_id, f"url:{url}", f"guid:{source_id}\x1f{guid}"}
    # An entry is stored when its story is: under its own id, or as the exact duplicate
    # (same canonical URL, or same guid in the same feed) of an entry stored before it.
    missing = {
        path.name: [item.title for item in items if not stored_keys & set(identity_keys(item))]
        for path, items in expected.items()
    }
    missing = {name: titles for name, titles in missing.items() if titles}
    assert not missing
    assert entries >= 1200, f"only {entries} entries recovered from the corpus"
    assert titles_missing == 0
