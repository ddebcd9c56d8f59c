"""One feed document in, its items out: parse and normalise as a single picklable call.

Parsing is the CPU-heavy part of ingest (feedparser: ~10 ms for a 20-entry feed), so a
large run hands this function to worker processes while downloads continue; a small run
calls it inline. Either way it never raises on bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from spacebrief.ingest._normalise import clean_text, normalise_entries
from spacebrief.ingest._parse import parse_feed
from spacebrief.ingest._urls import source_sites
from spacebrief.ingest.types import Item, Source


@dataclass(frozen=True)
class FeedReading:
    items: tuple[Item, ...]
    entries: int
    problem: str | None
    size: int
    ttl_seconds: float | None = None
    update_seconds: float | None = None
    bugs: int = 0  # entries lost to a bug of ours (ParsedFeed.bugs)


def read_feed(
    body: bytes,
    headers: Mapping[str, str],
    url: str | None,
    source: Source,
    fetched_at: datetime,
) -> FeedReading:
    parsed = parse_feed(body, headers, url)
    if source.named_from_location and parsed.title and clean_text(parsed.title):
        source = replace(source, name=clean_text(parsed.title))
    sites = source_sites(source.url, source.site, parsed.link)
    items = normalise_entries(
        parsed.entries, source, fetched_at, feed_language=parsed.language, sites=sites
    )
    return FeedReading(
        tuple(items),
        len(parsed.entries),
        parsed.problem,
        len(body),
        parsed.ttl_seconds,
        parsed.update_seconds,
        parsed.bugs,
    )
