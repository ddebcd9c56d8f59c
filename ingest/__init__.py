"""Reading feeds: fetch politely, parse anything, normalise, deduplicate, cluster stories.

The public surface is re-exported here; the `_modules` are private and may change.
"""

from spacebrief.ingest._catalog import CatalogFile
from spacebrief.ingest._dedupe import (
    StoryIndex,
    assign_clusters,
    drop_exact_duplicates,
    identity_keys,
    shingles,
)
from spacebrief.ingest._discover import DiscoveredFeed, discover_feed, feed_links
from spacebrief.ingest._extract import Extraction, extract_article, extractor_name
from spacebrief.ingest._fetch import (
    USER_AGENT,
    Fetched,
    FetchPolicy,
    fetch_all,
    fetch_many,
)
from spacebrief.ingest._normalise import (
    clean_text,
    content_hash,
    detect_language,
    normalise_entries,
    normalise_entry,
)
from spacebrief.ingest._opml import (
    MAX_OPML_BYTES,
    OpmlFeed,
    OpmlSubscriptions,
    read_opml,
    write_opml,
)
from spacebrief.ingest._pages import PageRequest, fetch_pages, fetch_pages_blocking
from spacebrief.ingest._parse import ParsedEntry, ParsedFeed, parse_feed, xml_hazard
from spacebrief.ingest._read import FeedReading, read_feed
from spacebrief.ingest._urls import canonical_url, is_offsite, site_of, source_sites
from spacebrief.ingest.engine import IngestSummary, ingest_sources
from spacebrief.ingest.exceptions import IngestError, TargetRefused
from spacebrief.ingest.sources import load_sources, slugify, source_key
from spacebrief.ingest.store import IngestBatch, IngestStore
from spacebrief.ingest.types import (
    FetchRecord,
    FetchStatus,
    Item,
    PageResult,
    PageStatus,
    PublishingHistory,
    Source,
    SourceState,
    StoredStory,
)

__all__ = [
    "MAX_OPML_BYTES",
    "USER_AGENT",
    "CatalogFile",
    "DiscoveredFeed",
    "Extraction",
    "FeedReading",
    "FetchPolicy",
    "FetchRecord",
    "FetchStatus",
    "Fetched",
    "IngestBatch",
    "IngestError",
    "IngestStore",
    "IngestSummary",
    "Item",
    "OpmlFeed",
    "OpmlSubscriptions",
    "PageRequest",
    "PageResult",
    "PageStatus",
    "ParsedEntry",
    "ParsedFeed",
    "PublishingHistory",
    "Source",
    "SourceState",
    "StoredStory",
    "StoryIndex",
    "TargetRefused",
    "assign_clusters",
    "canonical_url",
    "clean_text",
    "content_hash",
    "detect_language",
    "discover_feed",
    "drop_exact_duplicates",
    "extract_article",
    "extractor_name",
    "feed_links",
    "fetch_all",
    "fetch_many",
    "fetch_pages",
    "fetch_pages_blocking",
    "identity_keys",
    "ingest_sources",
    "is_offsite",
    "load_sources",
    "normalise_entries",
    "normalise_entry",
    "parse_feed",
    "read_feed",
    "read_opml",
    "shingles",
    "site_of",
    "slugify",
    "source_key",
    "source_sites",
    "write_opml",
    "xml_hazard",
]
