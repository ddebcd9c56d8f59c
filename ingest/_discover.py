"""From a site's address to its feed, as feed readers do: `<link rel="alternate">`.

The address may be the feed itself. Otherwise the page's `<link rel="alternate">`
elements of a feed type name candidates (resolved against the page's URL), tried in
the page's order; the first that fetches and parses as a feed with entries wins. Every
fetch goes through the feed fetcher (same limits and fetch-target rules as ingest), and
the address given and every candidate pass the read rule first (`readable_url`): a page
naming `file:///etc/passwd` as its feed gets a refusal that reads the same whether or not
the file exists, since nothing looks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urljoin

import lxml.html

from spacebrief.ingest._fetch import FetchPolicy, fetch_many, readable_url
from spacebrief.ingest._parse import parse_feed
from spacebrief.ingest._urls import site_of
from spacebrief.ingest.exceptions import IngestError
from spacebrief.ingest.types import Source

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "text/xml",
    "application/xml",
)


@dataclass(frozen=True)
class DiscoveredFeed:
    url: str
    title: str | None
    site: str | None
    entries: int


def feed_links(page: bytes, base: str) -> list[str]:
    """The feed URLs a page advertises, in its order."""
    try:
        tree = lxml.html.fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return []
    found: list[str] = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            url = urljoin(base, href)
            if url not in found:
                found.append(url)
    return found


def _fetch(source: Source, policy: FetchPolicy | None) -> tuple[bytes, dict, str]:
    allow_private = source.allow_private or (policy or FetchPolicy()).allow_private
    readable_url(source.url, allow_private=allow_private)  # TargetRefused: one sentence
    (result,) = fetch_many([source], policy=policy, force=True)
    if result.status != "ok" or result.body is None:
        raise IngestError(
            f"Could not fetch {source.url}: {result.error or result.status}.", url=source.url
        )
    return result.body, dict(result.headers), result.final_url or source.url


def discover_feed(
    url: str, template: Source | None = None, policy: FetchPolicy | None = None
) -> DiscoveredFeed:
    """The feed at or advertised by `url`, validated by fetching and parsing it."""
    base = template or Source("discover", "discover", url)
    body, headers, final_url = _fetch(replace(base, url=url), policy)
    parsed = parse_feed(body, headers, final_url)
    if parsed.entries:
        # The feed's own <link> is its claim, not the operator's word: no `site` from it.
        return DiscoveredFeed(url, parsed.title, None, len(parsed.entries))
    candidates = feed_links(body, final_url)
    if not candidates:
        raise IngestError(
            f'{url} is not a feed and its page names none (no <link rel="alternate"> '
            "of a feed type); give the feed's own URL.",
            url=url,
        )
    problems = []
    for candidate in candidates:
        try:
            feed_body, feed_headers, feed_final = _fetch(replace(base, url=candidate), policy)
        except IngestError as exc:
            problems.append(str(exc).rstrip("."))
            continue
        feed = parse_feed(feed_body, feed_headers, feed_final)
        if feed.entries:
            site = url if site_of(url) != site_of(candidate) else None
            return DiscoveredFeed(candidate, feed.title, site, len(feed.entries))
        problems.append(f"{candidate}: {feed.problem or 'no entries'}")
    raise IngestError(f"No working feed behind {url}: " + "; ".join(problems) + ".", url=url)
