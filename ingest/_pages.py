"""Fetching the web pages of `full_text: true` sources, and their article text.

A page goes through the same fetch machinery as a feed (`_Fetcher.fetch`: one client, the
global and per-host limits, timeouts, size cap, redirect limit, retries within a budget,
and whatever fetch-target rules it applies), as a Source that is the feed's own source
with the page's URL, so every per-source permission carries over. Before the first page
of a host, its robots.txt is fetched the same way and read with `urllib.robotparser`,
once per host per run: per RFC 9309 a 4xx (no robots.txt) allows everything and an
unreachable or failing one (5xx, timeout) forbids everything for this run.

Extraction is CPU work (bench/extract.py: tens of ms a page); it runs in a worker thread
so downloads carry on meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from urllib.robotparser import RobotFileParser

from spacebrief._async import run as run_coroutine
from spacebrief.ingest._extract import extract_article, extractor_name
from spacebrief.ingest._fetch import (
    FetchPolicy,
    TargetRefused,
    _Fetcher,
    is_remote,
    make_client,
    origin_of,
    readable_url,
)
from spacebrief.ingest.types import PageResult, Source, SourceState

log = logging.getLogger(__name__)
ROBOTS_AGENT = "spacebrief"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class PageRequest:
    item_id: str
    url: str
    source: Source


class _Robots:
    """robots.txt of each host, fetched once per run through the page fetcher."""

    def __init__(self, fetcher: _Fetcher) -> None:
        self.fetcher = fetcher
        self.parsers: dict[str, RobotFileParser] = {}
        self.locks: dict[str, asyncio.Lock] = {}

    async def allows(self, source: Source, url: str) -> bool:
        origin = origin_of(url)
        lock = self.locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self.parsers:
                self.parsers[origin] = await self._read(source, f"{origin}/robots.txt")
        return self.parsers[origin].can_fetch(ROBOTS_AGENT, url)

    async def _read(self, source: Source, robots_url: str) -> RobotFileParser:
        parser = RobotFileParser(robots_url)
        result = await self.fetcher.fetch(
            replace(source, url=robots_url), SourceState(source.source_id)
        )
        if result.status == "ok" and result.body is not None:
            parser.parse(result.body.decode("utf-8", "replace").splitlines())
        elif result.http_status is not None and 400 <= result.http_status < 500:
            parser.allow_all = True  # type: ignore[attr-defined]  # CPython's, not in typeshed
        else:
            parser.disallow_all = True  # type: ignore[attr-defined]  # CPython's, not in typeshed
        return parser


async def fetch_pages(
    requests: Iterable[PageRequest],
    on_result: Callable[[PageResult], None],
    policy: FetchPolicy | None = None,
    *,
    on_bug: Callable[[PageRequest], None] | None = None,
) -> None:
    """Fetch each page (robots.txt permitting), extract its article, hand over the result.

    A page the read rule refuses (`readable_url`: a `file:` link, a link-local address)
    fails with that sentence and is never requested. As in `fetch_all`, anything raised
    that is not the page's or its server's doing is a bug: logged with its traceback and
    handed to `on_bug` (no result: the page is tried again next run), or re-raised.
    """
    policy = policy or FetchPolicy()
    requests = list(requests)
    origins = {origin_of(r.url) for r in requests if is_remote(r.url)}
    async with make_client(policy, origins) as client:
        fetcher = _Fetcher(client, policy)
        robots = _Robots(fetcher)

        async def one(request: PageRequest) -> None:
            selector = request.source.content_selector
            name = extractor_name(selector)
            allow_private = request.source.allow_private or policy.allow_private
            try:
                readable_url(request.url, allow_private=allow_private)
            except TargetRefused as exc:
                refused = PageResult(
                    request.item_id, request.source.source_id, "failed", name, error=str(exc)
                )
                on_result(refused)
                return
            try:
                if not await robots.allows(request.source, request.url):
                    on_result(
                        PageResult(
                            request.item_id,
                            request.source.source_id,
                            "blocked",
                            name,
                            error="robots.txt does not allow fetching this page",
                        )
                    )
                    return
                fetched = await fetcher.fetch(
                    replace(request.source, url=request.url), SourceState(request.source.source_id)
                )
                if fetched.status != "ok" or fetched.body is None:
                    error = f"page fetch failed: {fetched.error or fetched.status}"
                    result = PageResult(
                        request.item_id,
                        request.source.source_id,
                        "failed",
                        name,
                        error=error,
                        http_status=fetched.http_status,
                    )
                else:
                    content_type = fetched.headers.get("content-type", "text/html").lower()
                    if not content_type.startswith(_HTML_TYPES):
                        result = PageResult(
                            request.item_id,
                            request.source.source_id,
                            "failed",
                            name,
                            error=f"the page is not HTML ({content_type.split(';')[0]})",
                            http_status=fetched.http_status,
                        )
                    else:
                        extraction = await asyncio.to_thread(
                            extract_article, fetched.body, fetched.final_url, selector
                        )
                        result = PageResult(
                            request.item_id,
                            request.source.source_id,
                            "ok" if extraction.text else "failed",
                            extraction.extractor,
                            extraction.text,
                            extraction.error,
                            fetched.http_status,
                        )
            except Exception:
                log.exception(
                    "A bug in spacebrief stopped the page %s of item %s",
                    request.url,
                    request.item_id,
                )
                if on_bug is None:
                    raise
                on_bug(request)
                return
            on_result(result)

        async with asyncio.TaskGroup() as group:
            for request in requests:
                group.create_task(one(request))


def fetch_pages_blocking(
    requests: Iterable[PageRequest], policy: FetchPolicy | None = None
) -> list[PageResult]:
    results: list[PageResult] = []
    run_coroutine(fetch_pages(requests, results.append, policy))
    return results
