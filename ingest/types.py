"""Records that leave `ingest/`: what a source is, and what an item is.

Plain frozen dataclasses, so that the warehouse, the classifier and the digest can take
them without knowing anything about feeds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal


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
    # The outlet's web site when its feed lives elsewhere (feedburner, a CDN): OPML htmlUrl.
    site: str | None = None
    # Teaser feed: fetch each new item's page and keep the article text (ingest/_pages.py).
    full_text: bool = False
    # CSS selector of the element holding the article, for sites the generic extractor misses.
    content_selector: str | None = None
    # An intranet or lab feed: private and loopback addresses may be fetched.
    allow_private: bool = False


@dataclass(frozen=True)
class Item:
    """One story as one outlet reported it, normalised.

    `item_id` is stable across runs and scoped to the source (canonical URL, else guid,
    else content hash), so re-ingesting a feed never duplicates a row and no feed can take
    another's. `cluster_id` groups reports of the same story across outlets; an item alone
    in its cluster carries its own id. `offsite`: the URL lies outside the source's site.
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
    offsite: bool = False


FetchStatus = Literal["ok", "not_modified", "empty", "failed", "skipped"]
"""How one attempt to read a source ended, as `fetches.status` and `sources.last_status`
keep it: read (`ok`, or `empty` when the feed held no entries), `not_modified` (the
validators matched), `failed`, or `skipped` (not due yet)."""

PageStatus = Literal["ok", "failed", "blocked"]
"""How fetching one item's web page ended, as `items.content_status` keeps it."""


@dataclass(frozen=True)
class SourceState:
    """What we remember about a source between runs: validators, schedule and backoff."""

    source_id: str
    etag: str | None = None
    last_modified: str | None = None
    consecutive_failures: int = 0
    next_fetch_at: datetime | None = None
    last_status: FetchStatus | None = None
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
    status: FetchStatus
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
    url: str | None = None
    offsite: bool = False


@dataclass(frozen=True)
class PageResult:
    """How fetching one item's web page ended (full-text sources).

    `status`: ok (article text extracted) | failed (fetch or extraction) | blocked
    (robots.txt). `extractor` names the extractor and its version.
    """

    item_id: str
    source_id: str
    status: PageStatus
    extractor: str
    content: str | None = None
    error: str | None = None
    http_status: int | None = None


@dataclass(frozen=True)
class PublishingHistory:
    """What the store knows of a source's publishing, for its poll schedule."""

    recent: int  # dated items published since the window start
    oldest_recent: datetime | None  # the oldest of those
    following_since: datetime | None  # its first fetch
    dated: int  # dated items ever stored
