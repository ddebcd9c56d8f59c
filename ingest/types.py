"""Records that leave `ingest/`: what a source is, and what an item is.

Plain frozen dataclasses, so that the warehouse, the classifier and the digest can take
them without knowing anything about feeds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Source:
    """A feed to follow: an http(s) URL, a local feed file, or a directory of them."""

    source_id: str
    name: str
    url: str
    language: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    # Named after its file or URL, not by a catalog: the feed's own title names the outlet.
    named_from_location: bool = False


@dataclass(frozen=True)
class Item:
    """One story as one outlet reported it, normalised.

    `item_id` is stable across runs (canonical URL, else guid, else content hash), so
    re-ingesting a feed never duplicates a row. `cluster_id` groups reports of the same
    story across outlets; an item alone in its cluster carries its own id.
    """

    item_id: str
    url: str | None
    guid: str | None
    title: str
    summary: str
    language: str | None
    source_id: str
    source_name: str
    published_at: datetime
    published_inferred: bool
    fetched_at: datetime
    content_hash: str
    cluster_id: str


@dataclass(frozen=True)
class SourceState:
    """What we remember about a source between runs: validators, schedule and backoff."""

    source_id: str
    etag: str | None = None
    last_modified: str | None = None
    consecutive_failures: int = 0
    next_fetch_at: datetime | None = None
    last_status: str | None = None
    poll_interval_seconds: float | None = None
    entries_per_day: float | None = None
    schedule_reason: str | None = None
    feed_ttl_seconds: float | None = None
    feed_update_seconds: float | None = None


@dataclass(frozen=True)
class FetchRecord:
    """One attempt to read one source, as the `fetches` table keeps it.

    `status` is ok | not_modified | empty | failed | skipped.
    """

    source_id: str
    url: str
    started_at: datetime
    duration_ms: float
    status: str
    http_status: int | None = None
    bytes: int | None = None
    entries: int | None = None
    new_items: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class StoredStory:
    """An item already in the warehouse, as much as clustering needs to see of it."""

    item_id: str
    cluster_id: str
    title: str
    summary: str
    published_at: datetime
