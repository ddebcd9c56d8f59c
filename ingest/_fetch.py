"""Fetching feeds: one shared client, bounded concurrency, polite retries.

Hundreds of feeds are read concurrently through one `httpx.AsyncClient` (one connection
pool, one TLS context), under a global limit and a per-origin limit so that no single
outlet sees more than a few of our connections at once. Each attempt has connect/read
timeouts from httpx plus a total deadline of our own, because a server that trickles one
byte a second never trips a read timeout. Bodies are streamed and abandoned past a size
cap, counted after decompression so a gzip bomb is caught too.

A failure does not end the run: timeouts, connection errors, 429 and 5xx are retried
(tenacity, with `spacebrief.retry`'s wait: the server's Retry-After, seconds or date, else
exponential backoff with jitter) while the source's time so far plus the wait stays within
a budget (30 s), so one dead host cannot hold up a run. What
still fails is reported, and the source's next fetch is pushed back further after each
consecutive failure (15 min doubling, capped at a day) so a dead feed is not hammered.

Where we fetch is checked before every request, redirects included (an httpx request
hook, so every caller of `make_client` gets it), by the project's one read rule
(`spacebrief.untrusted.url_refusal`, also applied where an address enters: OPML import,
`sources add`, discovery, full-text pages): only http(s), never a local path, never a
link-local or cloud-metadata address, and no private, loopback or reserved address unless
the source says `allow_private: true` or the policy allows it (tests, a lab intranet).
Here the host's resolved addresses are checked too, not only its name. A refusal is
final: no retries.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_result,
    stop_after_attempt,
    stop_before_delay,
)

from spacebrief._async import run as run_coroutine
from spacebrief.ingest.exceptions import TargetRefused
from spacebrief.ingest.schedule import PollRules, is_due, max_age_seconds
from spacebrief.ingest.schedule import failure_delay as schedule_failure_delay
from spacebrief.ingest.types import FetchStatus, Source, SourceState
from spacebrief.retry import RetryAfterOrBackoff, parse_retry_after
from spacebrief.untrusted import address_refusal, url_refusal

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The wall clock, the default `Clock`: schedules take another (a test's, a simulation's)."""
    return datetime.now(UTC)


USER_AGENT = "spacebrief/0.1 (+https://github.com/spacebrief/spacebrief)"
_DRAIN_LIMIT = 64 * 1024
_RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_ALLOW_PRIVATE = "spacebrief_allow_private"


@dataclass(frozen=True)
class FetchPolicy:
    """How hard and how politely to fetch. Defaults suit a catalog of a few hundred feeds.

    These defaults are the only ones: the settings (`SPACEBRIEF_FETCH_*`) and the benchmark
    read theirs from here. 64 in flight is what bench/ingest.py measured on 500 feeds (the
    README's figures); 4 per origin keeps one outlet from seeing more of us than a browser.
    """

    concurrency: int = 64
    per_host: int = 4
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    max_attempts: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_budget: float = 30.0
    failure_backoff: timedelta = timedelta(minutes=15)
    failure_backoff_max: timedelta = timedelta(hours=24)
    max_age_cap: timedelta = timedelta(hours=6)
    user_agent: str = USER_AGENT
    allow_private: bool = False  # fetch private/loopback addresses (never link-local)

    def __post_init__(self) -> None:
        # A semaphore of 0 waits for ever: refuse it here, whoever builds the policy.
        for name in ("concurrency", "per_host", "max_attempts", "max_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(
                    f"FetchPolicy.{name} must be at least 1, not {getattr(self, name)}"
                )
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"FetchPolicy.{name} must be more than 0 seconds")


@dataclass(frozen=True)
class Fetched:
    """The outcome of reading one source, with the state to remember for next time.

    `status` is ok | not_modified | failed | skipped; `body` is set only when ok.
    """

    source: Source
    status: FetchStatus
    started_at: datetime
    duration_ms: float
    state: SourceState
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    http_status: int | None = None
    final_url: str | None = None
    error: str | None = None
    attempts: int = 0
    retry_after: float | None = None  # seconds the server asked us to wait (failures)


class _TooLarge(Exception):
    pass


def unsupported_scheme(location: str) -> str | None:
    """The scheme of a location we cannot fetch (ftp, gopher...), else None.

    http(s) URLs are fetched, file:// URLs and plain paths are read from disk.
    """
    match = _SCHEME.match(location.strip())
    if match is None or len(match[1]) == 1:  # no scheme, or a Windows drive letter
        return None
    scheme = match[1].lower()
    return None if scheme in ("http", "https", "file") else scheme


def readable_url(url: str, *, allow_private: bool) -> str:
    """`url` trimmed when the read rule allows it, else TargetRefused in one sentence.

    For addresses that enter from outside (`sources add`, a page's feed links, an item's
    page); the sentence names the address as given and says nothing of the local disk.
    """
    why = url_refusal(url, allow_private=allow_private)
    if why:
        raise TargetRefused(f"{url.strip()!r} is not read: it is {why}.", url=url.strip())
    return url.strip()


def target_checker(policy: FetchPolicy) -> Callable[[httpx.Request], Awaitable[None]]:
    """The request hook of `make_client`; a request may carry its source's opt-in in
    `extensions` (see `_Fetcher._attempt`), else the policy decides."""

    async def check(request: httpx.Request) -> None:
        allowed = request.extensions.get(_ALLOW_PRIVATE, policy.allow_private)
        await _check_target(request, allow_private=bool(allowed))

    return check


async def _check_target(request: httpx.Request, *, allow_private: bool) -> None:
    """Refuse a request (first or redirected) the read rule refuses (spacebrief.untrusted),
    then one to a host name whose resolved addresses it refuses."""
    url = request.url
    why = url_refusal(str(url), allow_private=allow_private)
    if why:
        remote = url.scheme in ("http", "https")
        shown = (url.host or "it") if remote else f"{url.scheme}://…"  # never the local path
        raise TargetRefused(f"refused to fetch {shown}: it is {why}", url=shown)
    host = url.host
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, url.port or (443 if url.scheme == "https" else 80), type=socket.SOCK_STREAM
            )
        except OSError:
            return  # httpx resolves it again and reports the failure in its own words
        addresses = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
    for address in sorted(addresses, key=str):
        why = address_refusal(address, allow_private=allow_private)
        if why:
            shown = host if str(address) == host else f"{host} ({address})"
            raise TargetRefused(f"refused to fetch {shown}: it is {why}", url=shown)


def _is_name_resolution_failure(exc: BaseException) -> bool:
    """DNS said no: retrying within seconds will not help, the next run may."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def is_remote(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


def local_path(location: str) -> Path:
    return Path(location[len("file://") :] if location.startswith("file://") else location)


def failure_delay(failures: int, policy: FetchPolicy) -> timedelta:
    """Backoff after `failures` consecutive failures (the schedule's rule, this policy's caps)."""
    rules = PollRules(
        failure_backoff=policy.failure_backoff, failure_backoff_max=policy.failure_backoff_max
    )
    return schedule_failure_delay(failures, rules)


def _ok_state(
    state: SourceState,
    headers: Mapping[str, str],
    now: datetime,
    policy: FetchPolicy,
    status: FetchStatus,
) -> SourceState:
    max_age = max_age_seconds(headers.get("cache-control"))
    next_at = None
    if max_age:
        next_at = now + min(timedelta(seconds=max_age), policy.max_age_cap)
    return replace(
        state,
        etag=headers.get("etag") or state.etag,
        last_modified=headers.get("last-modified") or state.last_modified,
        consecutive_failures=0,
        next_fetch_at=next_at,
        last_status=status,
    )


def _failed_state(
    state: SourceState, now: datetime, policy: FetchPolicy, wait_hint: float | None
) -> SourceState:
    failures = state.consecutive_failures + 1
    delay = failure_delay(failures, policy)
    if wait_hint is not None:
        delay = max(delay, min(timedelta(seconds=wait_hint), policy.failure_backoff_max))
    return replace(
        state, consecutive_failures=failures, next_fetch_at=now + delay, last_status="failed"
    )


class _Reading:
    """One source being read: every way it ends is timed from the same start."""

    def __init__(self, source: Source, clock: Clock = utc_now) -> None:
        self.source = source
        self.started_at = clock()
        self._clock = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self._clock

    def outcome(
        self, status: FetchStatus, new_state: SourceState, *, attempts: int, **details: Any
    ) -> Fetched:
        return Fetched(
            source=self.source,
            status=status,
            started_at=self.started_at,
            duration_ms=self.elapsed() * 1000,
            state=new_state,
            attempts=attempts,
            **details,
        )


@dataclass(frozen=True)
class _Try:
    """How one request ended: an answer (`error` None for 200 and 304), or a failure with
    whether another try may help and how long the server asked us to wait first."""

    http_status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    final_url: str | None = None
    body: bytes | None = None
    error: str | None = None
    retryable: bool = False
    retry_after: float | None = None  # read by the wait strategy (spacebrief.retry)


def _last_try(retry_state: RetryCallState) -> _Try:
    """What the fetcher reports once tenacity stops retrying: the last try, as it ended."""
    assert retry_state.outcome is not None
    last: _Try = retry_state.outcome.result()
    return last


class _Fetcher:
    def __init__(
        self,
        client: httpx.AsyncClient,
        policy: FetchPolicy,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Clock = utc_now,
    ) -> None:
        self.client = client
        self.policy = policy
        self.sleep = sleep
        self.clock = clock
        self.global_slots = asyncio.Semaphore(policy.concurrency)
        self.host_slots: dict[str, asyncio.Semaphore] = {}

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        origin = origin_of(url)
        if origin not in self.host_slots:
            self.host_slots[origin] = asyncio.Semaphore(self.policy.per_host)
        return self.host_slots[origin]

    async def _attempt(
        self, url: str, headers: Mapping[str, str], allow_private: bool
    ) -> tuple[httpx.Response, bytes | None]:
        extensions = {_ALLOW_PRIVATE: allow_private or self.policy.allow_private}
        async with self.client.stream(
            "GET", url, headers=headers, extensions=extensions
        ) as response:
            if response.status_code != 200:
                # Drain a short answer so its connection goes back to the pool (a 304 run
                # otherwise opens a new connection per feed); abandon a long error page.
                drained = 0
                async for chunk in response.aiter_raw():
                    drained += len(chunk)
                    if drained > _DRAIN_LIMIT:
                        break
                return response, None
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.policy.max_bytes:
                raise _TooLarge(f"declares {int(declared):,} bytes")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.policy.max_bytes:
                    raise _TooLarge(f"passed {self.policy.max_bytes:,} bytes")
                chunks.append(chunk)
            return response, b"".join(chunks)

    async def _try_once(
        self, source: Source, request_headers: Mapping[str, str], host_slot: asyncio.Semaphore
    ) -> _Try:
        """One request, its failure turned into a sentence and a verdict on retrying."""
        policy = self.policy
        try:
            async with host_slot, self.global_slots, asyncio.timeout(policy.total_timeout):
                response, body = await self._attempt(
                    source.url, request_headers, source.allow_private
                )
        except TimeoutError:
            error = f"gave up after {policy.total_timeout:g} s without a complete answer"
            return _Try(error=error, retryable=True)
        except httpx.TimeoutException as exc:
            return _Try(error=f"timed out ({type(exc).__name__})", retryable=True)
        except TargetRefused as exc:
            return _Try(error=str(exc))
        except httpx.UnsupportedProtocol as exc:
            return _Try(error=f"refused to fetch it: {exc}")
        except httpx.TooManyRedirects:
            return _Try(error=f"more than {policy.max_redirects} redirects (a redirect loop?)")
        except _TooLarge as exc:
            error = f"response too large: it {exc}, the cap is {policy.max_bytes:,} bytes"
            return _Try(error=error)
        except httpx.TransportError as exc:
            error = f"connection failed ({type(exc).__name__}: {exc})"
            return _Try(error=error, retryable=not _is_name_resolution_failure(exc))
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            return _Try(error=f"request failed ({type(exc).__name__}: {exc})")
        status = response.status_code
        headers = {k.lower(): v for k, v in response.headers.items()}
        final_url = str(response.url)
        if status == 304 or (status == 200 and body is not None):
            return _Try(status, headers, final_url, body)
        return _Try(
            status,
            headers,
            final_url,
            error=f"HTTP {status} {response.reason_phrase}".strip(),
            retryable=status in _RETRYABLE_STATUS or status >= 500,
            retry_after=parse_retry_after(headers.get("retry-after")),
        )

    async def fetch(self, source: Source, state: SourceState) -> Fetched:
        policy = self.policy
        reading = _Reading(source, self.clock)
        request_headers = {}
        if state.etag:
            request_headers["If-None-Match"] = state.etag
        if state.last_modified:
            request_headers["If-Modified-Since"] = state.last_modified
        host_slot = self._host_slot(source.url)
        attempts = 0

        async def once() -> _Try:
            nonlocal attempts
            attempts += 1
            return await self._try_once(source, request_headers, host_slot)

        retrying = AsyncRetrying(
            retry=retry_if_result(lambda tried: tried.retryable),
            wait=RetryAfterOrBackoff(policy.backoff_base, policy.backoff_max),
            stop=stop_after_attempt(policy.max_attempts) | stop_before_delay(policy.retry_budget),
            retry_error_callback=_last_try,
            sleep=self.sleep,
        )
        last: _Try = await retrying(once)
        now = self.clock()
        if last.error is None:
            status: FetchStatus = "not_modified" if last.http_status == 304 else "ok"
            return reading.outcome(
                status,
                _ok_state(state, last.headers, now, policy, status),
                attempts=attempts,
                body=last.body,
                headers=last.headers,
                http_status=last.http_status,
                final_url=last.final_url,
            )
        error = last.error
        if last.retryable and last.retry_after is not None and attempts < policy.max_attempts:
            error += f"; the server asked us to wait {last.retry_after:.0f} s"
        if attempts > 1:
            error += f" (after {attempts} attempts)"
        return reading.outcome(
            "failed",
            _failed_state(state, now, policy, last.retry_after),
            attempts=attempts,
            http_status=last.http_status,
            error=error,
            retry_after=last.retry_after,
        )


def read_local(source: Source, state: SourceState, policy: FetchPolicy) -> Fetched:
    """A local feed file goes the same way as a download; its mtime and size act as ETag."""
    reading = _Reading(source)
    path = local_path(source.url)
    try:
        stat = path.stat()
        if not path.is_file():
            raise IsADirectoryError(f"{path} is not a file")
        validator = f"file:{stat.st_mtime_ns:x}-{stat.st_size:x}"
        ok_state = replace(
            state, etag=validator, consecutive_failures=0, next_fetch_at=None, last_status="ok"
        )
        if state.etag == validator:
            not_modified = replace(ok_state, last_status="not_modified")
            return reading.outcome("not_modified", not_modified, attempts=1)
        if stat.st_size > policy.max_bytes:
            raise ValueError(f"{stat.st_size:,} bytes is over the cap of {policy.max_bytes:,}")
        body = path.read_bytes()
    except (OSError, ValueError) as exc:
        failed = replace(
            state, consecutive_failures=state.consecutive_failures + 1, last_status="failed"
        )
        return reading.outcome("failed", failed, attempts=1, error=f"cannot read {path}: {exc}")
    headers = {"content-type": "application/feed+json"} if path.suffix == ".json" else {}
    return reading.outcome("ok", ok_state, attempts=1, body=body, headers=headers)


def _skipped(source: Source, state: SourceState, now: datetime) -> Fetched:
    assert state.next_fetch_at is not None
    return Fetched(
        source=source,
        status="skipped",
        started_at=now,
        duration_ms=0.0,
        state=state,
        error=f"not due before {state.next_fetch_at:%Y-%m-%d %H:%M} UTC",
    )


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def make_client(policy: FetchPolicy, origins: Iterable[str] = ()) -> httpx.AsyncClient:
    """One client for the whole run, with a small connection pool per known origin.

    httpcore's pool scans all its connections for every request it assigns, so one pool
    of 64 connections across dozens of hosts spends more CPU on bookkeeping than on HTTP
    (profiled: half of a 500-feed run). A pool per origin keeps each scan to `per_host`
    connections and enforces the per-host limit a second time; redirects to an origin
    not in the catalog use the client's default pool. All pools share one TLS context.
    """
    tls = httpx.create_ssl_context()
    per_origin = httpx.Limits(
        max_connections=policy.per_host, max_keepalive_connections=policy.per_host
    )
    mounts: dict[str, httpx.AsyncBaseTransport | None] = {
        origin: httpx.AsyncHTTPTransport(verify=tls, limits=per_origin)
        for origin in sorted(set(origins))
    }
    return httpx.AsyncClient(
        event_hooks={"request": [target_checker(policy)]},
        follow_redirects=True,
        max_redirects=policy.max_redirects,
        verify=tls,
        mounts=mounts,
        timeout=httpx.Timeout(
            connect=policy.connect_timeout,
            read=policy.read_timeout,
            write=policy.read_timeout,
            pool=policy.total_timeout,
        ),
        limits=httpx.Limits(
            max_connections=policy.concurrency, max_keepalive_connections=policy.concurrency
        ),
        headers={
            "User-Agent": policy.user_agent,
            "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
            "application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
            "Accept-Encoding": "gzip, deflate, br",
        },
    )


async def fetch_all(
    sources: Iterable[Source],
    states: Mapping[str, SourceState],
    on_result: Callable[[Fetched], None],
    policy: FetchPolicy | None = None,
    *,
    force: bool = False,
    on_bug: Callable[[Source], None] | None = None,
    clock: Clock = utc_now,
) -> None:
    """Read every source concurrently and hand each outcome to `on_result` as it lands.

    Results are handed over, not collected, so the caller can parse a body and drop it
    while other downloads are in flight: memory stays flat in the number of feeds.
    `force` ignores the backoff and max-age schedule (a source is still sent its validators).

    What a feed or its server does ends as that source's result. Anything else raised
    while reading one is a bug in spacebrief, not a sick feed: it is logged with its
    traceback and handed to `on_bug` (the others read on and the source's state is left
    as it was), or re-raised when there is no `on_bug`. `clock` says when "now" is for
    the schedules: which sources are due, and when each is next.
    """
    policy = policy or FetchPolicy()
    now = clock()
    sources = list(sources)
    origins = [origin_of(s.url) for s in sources if is_remote(s.url)]
    async with make_client(policy, origins) as client:
        fetcher = _Fetcher(client, policy, clock=clock)

        async def one(source: Source) -> None:
            state = states.get(source.source_id) or SourceState(source.source_id)
            if not force and not is_due(state.next_fetch_at, now):
                on_result(_skipped(source, state, now))
                return
            scheme = unsupported_scheme(source.url)
            try:
                if scheme:
                    raise TargetRefused(
                        f"refused to fetch a {scheme}:// URL; only http(s) URLs and local "
                        "files are read"
                    )
                if is_remote(source.url):
                    result = await fetcher.fetch(source, state)
                else:
                    result = read_local(source, state, policy)
            except TargetRefused as exc:
                result = Fetched(
                    source=source,
                    status="failed",
                    started_at=clock(),
                    duration_ms=0.0,
                    state=_failed_state(state, clock(), policy, None),
                    error=str(exc),
                )
            except Exception:
                log.exception("A bug in spacebrief stopped the reading of %s", source.url)
                if on_bug is None:
                    raise
                on_bug(source)
                return
            on_result(result)

        async with asyncio.TaskGroup() as group:
            for source in sources:
                group.create_task(one(source))


def fetch_many(
    sources: Iterable[Source],
    states: Mapping[str, SourceState] | None = None,
    policy: FetchPolicy | None = None,
    *,
    force: bool = False,
) -> list[Fetched]:
    """Blocking convenience: fetch everything and return the outcomes (bodies kept)."""
    results: list[Fetched] = []
    run_coroutine(fetch_all(sources, states or {}, results.append, policy, force=force))
    return results
