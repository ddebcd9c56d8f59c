"""Fetching, against a real HTTP server on 127.0.0.1: what the wild web does to a feed reader."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from spacebrief.ingest import (
    USER_AGENT,
    FetchPolicy,
    Source,
    SourceState,
    fetch_many,
)
from spacebrief.ingest._fetch import failure_delay, max_age_seconds
from tests.ingest.feed_server import FeedServer, entry, rss_feed

# The test servers listen on 127.0.0.1, so these policies opt in to private addresses.
FAST = FetchPolicy(
    allow_private=True,
    connect_timeout=2,
    read_timeout=2,
    total_timeout=5,
    backoff_base=0.01,
    backoff_max=0.05,
    retry_budget=2,
)
FEED = rss_feed("Agency news", [entry(1), entry(2)])


def source(server: FeedServer, path: str = "/feed.xml") -> Source:
    return Source(source_id="agency", name="Agency", url=server.url(path))


def fetch_one(src: Source, state: SourceState | None = None, policy: FetchPolicy = FAST):
    states = {src.source_id: state} if state else {}
    (result,) = fetch_many([src], states, policy)
    return result


def test_a_feed_is_downloaded_with_our_user_agent_and_its_validators_kept(server):
    server.serve("/feed.xml", FEED, etag='"v1"', last_modified="Sun, 01 Nov 2026 10:00:00 GMT")
    result = fetch_one(source(server))
    assert result.status == "ok"
    assert result.body == FEED
    assert result.state.etag == '"v1"'
    assert result.state.last_modified == "Sun, 01 Nov 2026 10:00:00 GMT"
    assert server.requests_to("/feed.xml")[0].headers["user-agent"] == USER_AGENT


def test_a_conditional_get_answered_304_is_unchanged_and_carries_no_body(server):
    server.serve("/feed.xml", FEED, etag='"v1"')
    first = fetch_one(source(server))
    second = fetch_one(source(server), first.state)
    assert second.status == "not_modified"
    assert second.body is None
    assert second.state.etag == '"v1"'
    assert server.requests_to("/feed.xml")[1].headers["if-none-match"] == '"v1"'


def test_last_modified_alone_is_sent_back_as_if_modified_since(server):
    stamp = "Sun, 01 Nov 2026 10:00:00 GMT"
    server.serve("/feed.xml", FEED, last_modified=stamp)
    first = fetch_one(source(server))
    second = fetch_one(source(server), first.state)
    assert second.status == "not_modified"
    assert server.requests_to("/feed.xml")[1].headers["if-modified-since"] == stamp


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compressed_bodies_are_decoded(server, encoding):
    server.serve("/feed.xml", FEED, encoding=encoding)
    result = fetch_one(source(server))
    assert result.status == "ok"
    assert result.body == FEED


def test_redirects_are_followed_to_the_feed(server):
    server.serve("/old", redirect_to=server.url("/feed.xml"))
    server.serve("/feed.xml", FEED)
    result = fetch_one(source(server, "/old"))
    assert result.status == "ok"
    assert result.final_url == server.url("/feed.xml")


def test_a_redirect_loop_fails_with_a_clear_reason_and_without_retrying(server):
    server.serve("/a", redirect_to=server.url("/b"))
    server.serve("/b", redirect_to=server.url("/a"))
    result = fetch_one(source(server, "/a"))
    assert result.status == "failed"
    assert "redirect" in result.error
    assert server.hits("/a") + server.hits("/b") == FAST.max_redirects + 1


def test_a_server_that_never_answers_times_out(server):
    server.serve("/feed.xml", FEED, delay=3)
    policy = FetchPolicy(allow_private=True, read_timeout=0.3, total_timeout=1, max_attempts=1)
    result = fetch_one(source(server), policy=policy)
    assert result.status == "failed"
    assert "timed out" in result.error or "gave up" in result.error


def test_a_body_trickling_in_hits_the_total_deadline(server):
    server.serve("/feed.xml", FEED, chunk_size=16, chunk_delay=0.2)
    policy = FetchPolicy(allow_private=True, read_timeout=1, total_timeout=0.8, max_attempts=1)
    result = fetch_one(source(server), policy=policy)
    assert result.status == "failed"
    assert "gave up after 0.8 s" in result.error


def test_a_slow_body_within_the_deadline_arrives_whole(server):
    server.serve("/feed.xml", FEED, chunk_size=256, chunk_delay=0.02)
    result = fetch_one(source(server))
    assert result.status == "ok"
    assert result.body == FEED


def test_an_oversized_body_is_abandoned_mid_stream(server):
    server.serve("/feed.xml", b"<rss>" + b"x" * 200_000, chunk_size=8192)
    result = fetch_one(source(server), policy=FetchPolicy(allow_private=True, max_bytes=50_000))
    assert result.status == "failed"
    assert "too large" in result.error
    assert result.body is None


def test_an_oversized_declared_length_is_refused_before_reading(server):
    server.serve("/feed.xml", b"<rss/>" * 10, declared_length=60, headers={})
    ok = fetch_one(source(server), policy=FetchPolicy(allow_private=True, max_bytes=100))
    assert ok.status == "ok"
    server.serve("/big.xml", b"<rss/>" * 10)
    refused = fetch_one(
        source(server, "/big.xml"), policy=FetchPolicy(allow_private=True, max_bytes=30)
    )
    assert "declares 60 bytes" in refused.error


def test_a_gzip_bomb_is_caught_after_decompression(server):
    server.serve("/feed.xml", b"<rss>" + b" " * 5_000_000 + b"</rss>", encoding="gzip")
    result = fetch_one(source(server), policy=FetchPolicy(allow_private=True, max_bytes=1_000_000))
    assert result.status == "failed"
    assert "too large" in result.error


def test_server_errors_are_retried_until_they_pass(server):
    server.serve("/feed.xml", FEED, fail_first=2, fail_status=500)
    result = fetch_one(source(server))
    assert result.status == "ok"
    assert server.hits("/feed.xml") == 3
    assert result.attempts == 3


def test_429_waits_as_long_as_retry_after_says(server):
    server.serve("/feed.xml", FEED, fail_first=1, fail_status=429, retry_after="1")
    result = fetch_one(source(server))
    assert result.status == "ok"
    first, second = server.requests_to("/feed.xml")
    assert second.at - first.at >= 0.95


@pytest.mark.parametrize("status", [429, 503])
def test_a_retry_after_given_as_an_http_date_is_waited_out(server, status):
    # Two seconds ahead on the server's clock, whole seconds as HTTP dates have: the wait is
    # between 1 and 2 s, where the backoff without it would be a few hundredths.
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    server.serve(
        "/feed.xml", FEED, fail_first=1, fail_status=status, retry_after=format_datetime(when, True)
    )
    result = fetch_one(source(server), policy=replace(FAST, retry_budget=5))
    assert result.status == "ok" and result.attempts == 2
    first, second = server.requests_to("/feed.xml")
    assert second.at - first.at >= 0.9


def test_a_retry_after_beyond_the_budget_fails_now_and_pushes_the_next_fetch_back(server):
    server.serve("/feed.xml", FEED, fail_first=99, fail_status=429, retry_after="7200")
    before = datetime.now(UTC)
    result = fetch_one(source(server))
    assert result.status == "failed"
    assert server.hits("/feed.xml") == 1
    assert "429" in result.error and "7200 s" in result.error
    assert result.state.next_fetch_at >= before + timedelta(seconds=7200)


def test_a_feed_failing_every_time_gives_up_and_counts_the_failure(server):
    server.serve("/feed.xml", FEED, fail_first=99, fail_status=503)
    result = fetch_one(source(server), SourceState("agency", consecutive_failures=2))
    assert result.status == "failed"
    assert server.hits("/feed.xml") == FAST.max_attempts
    assert result.state.consecutive_failures == 3
    assert "HTTP 503" in result.error and "4 attempts" in result.error


def test_a_client_error_is_not_retried(server):
    result = fetch_one(source(server, "/missing.xml"))
    assert result.status == "failed"
    assert "HTTP 404" in result.error
    assert server.hits("/missing.xml") == 1


def test_a_refused_connection_fails_without_raising():
    with FeedServer() as gone:
        url = gone.url("/feed.xml")
    result = fetch_one(Source("dead", "Dead", url))
    assert result.status == "failed"
    assert "connection failed" in result.error


def test_a_source_backing_off_is_skipped_without_a_request(server):
    server.serve("/feed.xml", FEED)
    later = datetime.now(UTC) + timedelta(hours=1)
    state = SourceState("agency", consecutive_failures=3, next_fetch_at=later)
    result = fetch_one(source(server), state)
    assert result.status == "skipped"
    assert server.hits("/feed.xml") == 0
    (forced,) = fetch_many([source(server)], {"agency": state}, FAST, force=True)
    assert forced.status == "ok"


def test_cache_control_max_age_sets_the_next_fetch(server):
    server.serve("/feed.xml", FEED, headers={"Cache-Control": "public, max-age=600"})
    before = datetime.now(UTC)
    result = fetch_one(source(server))
    assert before + timedelta(seconds=590) <= result.state.next_fetch_at
    assert result.state.next_fetch_at <= before + timedelta(seconds=610)


def test_per_host_concurrency_is_bounded(server):
    for n in range(8):
        server.serve(f"/f{n}.xml", FEED, delay=0.3)
    sources = [Source(f"s{n}", f"S{n}", server.url(f"/f{n}.xml")) for n in range(8)]
    results = fetch_many(sources, {}, FetchPolicy(allow_private=True, per_host=2))
    assert {r.status for r in results} == {"ok"}
    starts = sorted(r.at for r in server.requests)
    assert starts[2] - starts[0] >= 0.25, "a third request started before two finished"


def test_failing_sources_back_off_longer_each_time_up_to_a_cap():
    policy = FetchPolicy(
        allow_private=True,
        failure_backoff=timedelta(minutes=15),
        failure_backoff_max=timedelta(hours=6),
    )
    delays = [failure_delay(n, policy) for n in range(1, 8)]
    assert delays[:3] == [timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1)]
    assert delays == sorted(delays)
    assert delays[-1] == timedelta(hours=6)


def test_max_age_is_ignored_when_caching_is_forbidden():
    assert max_age_seconds("max-age=300") == 300
    assert max_age_seconds("no-cache, max-age=300") is None
    assert max_age_seconds(None) is None


STRICT = FetchPolicy(connect_timeout=2, read_timeout=2, total_timeout=5, retry_budget=2)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/feed.xml",
        "http://[::ffff:169.254.169.254]/",
    ],
)
def test_link_local_and_cloud_metadata_addresses_are_refused_even_when_private_is_allowed(url):
    policy = replace(STRICT, allow_private=True)
    result = fetch_one(Source("meta", "Meta", url, allow_private=True), policy=policy)
    assert result.status == "failed" and result.attempts == 1
    assert "link-local" in result.error and result.error.startswith("refused to fetch")


def test_loopback_is_refused_unless_the_source_or_the_policy_opts_in(server):
    server.serve("/feed.xml", FEED)
    by_name = source(server).url.replace("127.0.0.1", "localhost")
    for url in (source(server).url, by_name):
        refused = fetch_one(Source("lab", "Lab", url), policy=STRICT)
        assert refused.status == "failed" and refused.attempts == 1
        assert "private, loopback or reserved" in refused.error
    assert server.hits("/feed.xml") == 0
    assert fetch_one(Source("lab", "Lab", by_name, allow_private=True), policy=STRICT).body == FEED
    assert (
        fetch_one(Source("lab", "Lab", by_name), policy=replace(STRICT, allow_private=True)).status
        == "ok"
    )


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/iam/", "link-local"),
        ("file:///etc/passwd", "file://"),
        ("gopher://127.0.0.1:70/", "gopher://"),
    ],
)
def test_a_redirect_to_a_forbidden_target_is_refused_at_that_hop_without_retries(
    server, target, reason
):
    server.serve("/feed.xml", redirect_to=target)
    result = fetch_one(source(server))
    assert result.status == "failed" and result.attempts == 1
    assert reason in result.error and "refused" in result.error
    assert server.hits("/feed.xml") == 1


@pytest.mark.parametrize("url", ["ftp://ftp.example.org/feed.xml", "gopher://example.org/1"])
def test_non_http_schemes_are_refused_up_front_in_one_sentence(url):
    result = fetch_one(Source("odd", "Odd", url))
    assert result.status == "failed" and result.attempts == 0
    scheme = url.split(":", 1)[0]
    assert result.error == (
        f"refused to fetch a {scheme}:// URL; only http(s) URLs and local files are read"
    )


def test_any_client_from_make_client_applies_the_target_rules(server):
    import asyncio

    from spacebrief.ingest._fetch import TargetRefused, make_client

    server.serve("/page.html", b"<p>article</p>")

    async def get(policy: FetchPolicy, url: str) -> int:
        async with make_client(policy) as client:
            return (await client.get(url)).status_code

    with pytest.raises(TargetRefused, match="loopback"):
        asyncio.run(get(STRICT, server.url("/page.html")))
    with pytest.raises(TargetRefused, match="link-local"):
        asyncio.run(get(replace(STRICT, allow_private=True), "http://169.254.169.254/"))
    assert asyncio.run(get(replace(STRICT, allow_private=True), server.url("/page.html"))) == 200
