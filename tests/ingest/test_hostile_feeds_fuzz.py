"""A few thousand generated hostile feeds through parse, normalise and all three renderers.

A seeded generator (no new dependency): each feed is RSS, Atom or JSON Feed, possibly
truncated, with titles, summaries, links and guids built from pieces an attacker would
use: control characters raw and as character references, bidi overrides, markup, Slack
mentions and links, rich markup, Markdown links, small DTD entities, huge runs of text.
Properties: reading never raises (a bad document says why in `problem`), no control or
bidi character survives normalisation, and neither Markdown, HTML nor Slack blocks carry
a script, a javascript: link, a live mention or a control character. Time and memory
are bounded by the timeout and an RSS-growth check, not by timing assertions.
"""

from __future__ import annotations

import json
import random
import re
import resource
from datetime import UTC, date, datetime

import pytest

from spacebrief.alerts.blocks import story_message
from spacebrief.alerts.types import PendingAlert
from spacebrief.digest.build import build_edition
from spacebrief.digest.render import render_html, render_markdown
from spacebrief.digest.types import TrendInfo, TrendLabel, WindowData, WindowItem, WindowTotals
from spacebrief.ingest import Item, Source, read_feed

SEED = 1616
FEEDS = 2500
FETCHED = datetime(2026, 12, 2, tzinfo=UTC)
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
PIECES = [
    "Tiangong", "ILRS", "BeiDou", "Roscosmos", "Egypt", "launch", " ", "  ", "\n", "\t",
    "\x00", "\x1b[2J", "\x1b]8;;http://evil.example\x07link\x1b]8;;\x07", "\x07", "\x9b31m",
    "\u202e", "\u2066", "\u200f", "\ufeff", "&#0;", "&#27;[31m", "&#x202e;", "&#x1b;", "&#x9b;",
    "&#1114111;", "&#xD800;", "&amp;", "&lt;script&gt;", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "<![CDATA[<b>x</b>]]>", "<!channel>", "<!here>", "@here",
    "<@U024BE7LH>", "<#C0ALERTS|general>", "<http://evil.example|click me>", "[/]",
    "[link=http://evil.example]x[/link]", "[bold red]", "[x](javascript:alert(1))",
    "*bold*", "_it_", "`code`", "~strike~", "# heading", "> quote", "|", "]]>", "&e;",
    "\u0645\u0635\u0631", "\u4e2d\u56fd", "\U0001f680", "A" * 3000,
]  # fmt: skip
LINKS = [
    "https://news.example.org/{n}", "javascript:alert(1)", "data:text/html,<script>x</script>",
    "https://news.example.org/{n}?utm_source=x\x1b[0m", "//evil.example/{n}", "  ", "",
    "https://news.example.org/<script>/{n}", "ftp://files.example/{n}", "/relative/{n}",
]  # fmt: skip


def text(rng: random.Random, most: int = 8) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, most)))


def xml_text(value: str, rng: random.Random) -> str:
    if rng.random() < 0.5:  # sometimes escaped, sometimes raw (broken XML on purpose)
        return value.replace("&", "&amp;").replace("<", "&lt;")
    return value


def rss(rng: random.Random, n: int) -> str:
    items = "".join(
        f"<item><title>{xml_text(text(rng), rng)}</title>"
        f"<description>{xml_text(text(rng, 12), rng)}</description>"
        f"<link>{rng.choice(LINKS).format(n=f'{n}-{i}')}</link>"
        f"<guid isPermaLink='false'>{xml_text(text(rng, 2), rng)}</guid></item>"
        for i in range(rng.randint(1, 3))
    )
    doctype = '<!DOCTYPE rss [\n<!ENTITY e "Long March">\n]>\n' if rng.random() < 0.2 else ""
    return (
        f'<?xml version="1.0"?>\n{doctype}<rss version="2.0"><channel>'
        f"<title>{xml_text(text(rng, 3), rng)}</title>{items}</channel></rss>"
    )


def atom(rng: random.Random, n: int) -> str:
    entries = "".join(
        f"<entry><title type='html'>{xml_text(text(rng), rng)}</title>"
        f'<link href="{rng.choice(LINKS).format(n=f"{n}-{i}")}"/>'
        f"<id>urn:x:{n}:{i}</id><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
        f"{xml_text(text(rng, 10), rng)}</div></content></entry>"
        for i in range(rng.randint(1, 3))
    )
    return (
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{text(rng, 2)}</title>{entries}</feed>'
    )


def json_feed(rng: random.Random, n: int) -> str:
    items = [
        {
            "id": text(rng, 2) or str(i),
            "url": rng.choice(LINKS).format(n=f"{n}-{i}"),
            "title": text(rng),
            "content_html": text(rng, 12),
        }
        for i in range(rng.randint(1, 3))
    ]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": text(rng, 2),
                       "items": items})  # fmt: skip


def hostile_feed(rng: random.Random, n: int) -> bytes:
    document = rng.choice((rss, rss, atom, json_feed))(rng, n)
    body = document.encode("utf-8", "surrogatepass")
    if rng.random() < 0.15:
        body = body[: rng.randint(0, len(body))]
    return body


def window_of(items: list[Item]) -> WindowData:
    window_items = tuple(
        WindowItem(
            item_id=item.item_id,
            title=item.title,
            summary=item.summary,
            url=item.url,
            source_name=item.source_name,
            published_at=datetime(2026, 12, 1, tzinfo=UTC),
            cluster_id=item.item_id,
            relevance=0.9,
            labels=(TrendLabel("W2", 0.8),),
            rank=1.0 / (position + 1),
        )
        for position, item in enumerate(items)
    )
    return WindowData(
        edition_date=date(2026, 12, 2),
        days=7,
        window_start=datetime(2026, 11, 25, tzinfo=UTC),
        window_end=datetime(2026, 12, 3, tzinfo=UTC),
        history_windows=4,
        taxonomy_version="fuzz",
        trends=(TrendInfo("W2", "watch", "sanctions", "Sanctions bite", 0),),
        totals=(WindowTotals(0, len(items), len(items), len(items)),),
        trend_counts=(),
        family_counts=(),
        items=window_items,
        ranked_story_ids=tuple(i.item_id for i in window_items),
        trend_support=(),
        signals=(),
    )


def alert_for(item: Item) -> PendingAlert:
    return PendingAlert(
        alert_id=item.item_id, cluster_id=item.item_id, trend_id="W2", trend_name="sanctions",
        destination="outbox", item_id=item.item_id, score=0.9, status="pending", attempts=0,
        title=item.title, url=item.url, source_name=item.source_name,
        published_at=item.published_at, evidence=item.summary,
    )  # fmt: skip


def slack_strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in slack_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in slack_strings(v)]
    return [value] if isinstance(value, str) else []


def assert_rendered_safely(markdown: str, html: str) -> None:
    for output in (markdown, html):
        assert not CONTROLS.search(output)
    unescaped = re.search(r"(?<!\\)<(?!https?://[^<>\s]*>)", markdown)  # autolinks only
    assert not unescaped, markdown[max(0, unescaped.start() - 80) : unescaped.end() + 40]
    for target in re.findall(r"(?<!\\)\]\(([^)]*)\)", markdown):
        assert target.startswith(("http://", "https://", "#")), target
    assert "<script" not in html and "<img" not in html and "<!channel>" not in html
    for target in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert target.startswith(("http://", "https://", "#", "data:image/")), target


@pytest.mark.timeout(240)
def test_thousands_of_hostile_feeds_never_break_parse_normalise_or_rendering():
    rng = random.Random(SEED)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    batch: list[Item] = []
    items_seen = problems = 0
    for n in range(FEEDS):
        source = Source(f"fuzz-{n}", f"Fuzz {n}", "https://news.example.org/feed",
                        named_from_location=rng.random() < 0.5)  # fmt: skip
        reading = read_feed(hostile_feed(rng, n), {}, source.url, source, FETCHED)
        problems += reading.problem is not None
        for item in reading.items:
            items_seen += 1
            for field in (item.title, item.summary, item.url or "", item.guid or "",
                          item.source_name):  # fmt: skip
                assert not CONTROLS.search(field), (n, field)
            assert item.url is None or item.url.startswith(("http://", "https://"))
            for block_text in slack_strings(story_message([alert_for(item)]).blocks):
                assert not CONTROLS.search(block_text)
                assert not re.search(r"<[!@#]", block_text), block_text
                for link in re.findall(r"<([^>|]*)", block_text):
                    assert link.startswith(("http://", "https://")), block_text
            batch.append(item)
        if len(batch) >= 12 or (n == FEEDS - 1 and batch):
            edition = build_edition(window_of(batch), top_stories=12)
            assert_rendered_safely(render_markdown(edition), render_html(edition))
            batch = []
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert items_seen > FEEDS  # most feeds yield items; the test is not vacuous
    assert 0 < problems < FEEDS  # truncated and broken documents say why
    assert grown_mib < 300, f"memory grew by {grown_mib:.0f} MiB"
