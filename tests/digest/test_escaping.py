"""Feed text is untrusted: it comes out as text in HTML and Markdown, links only http(s)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from spacebrief.digest.build import build_edition
from spacebrief.digest.render import markdown_text, render_html, render_markdown
from spacebrief.digest.types import TrendInfo, TrendLabel, WindowData, WindowItem, WindowTotals
from spacebrief.untrusted import safe_url

HOSTILE_TITLE = "<script>alert('pwned')</script> Space <img src=x onerror=alert(1)> talks"


def hostile_window(url: str) -> WindowData:
    end = datetime(2025, 3, 25, tzinfo=UTC)
    item = WindowItem(
        item_id="evil",
        title=HOSTILE_TITLE,
        summary="Delegates met to discuss satellites and a shared ground station plan.",
        url=url,
        source_name='Outlet "><script>x()</script>',
        published_at=datetime(2025, 3, 24, 8, tzinfo=UTC),
        cluster_id="evil",
        relevance=0.9,
        labels=(TrendLabel("R4", 0.7),),
        rank=1.0,
    )
    return WindowData(
        edition_date=date(2025, 3, 24),
        days=7,
        window_start=datetime(2025, 3, 18, tzinfo=UTC),
        window_end=end,
        history_windows=4,
        taxonomy_version="t",
        trends=(TrendInfo("R4", "rising", "space-diplomacy", "Space as diplomacy", 3),),
        totals=(WindowTotals(0, 1, 1, 1),),
        trend_counts=(),
        family_counts=(),
        items=(item,),
        ranked_story_ids=("evil",),
        trend_support=(),
        signals=(),
    )


def test_only_http_and_https_links_are_allowed() -> None:
    assert safe_url("https://example.org/a?b=c") == "https://example.org/a?b=c"
    assert safe_url("HTTP://example.org/") == "HTTP://example.org/"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "//evil.org",
        "https://",
        'https://ex.org/"onmouseover=x',
        None,
        "",
    ):
        assert safe_url(bad) is None, bad


def test_a_script_in_a_title_is_text_in_the_html() -> None:
    page = render_html(build_edition(hostile_window("https://example.org/story")))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in page
    assert "<img" not in page
    assert 'href="https://example.org/story"' in page


def test_a_javascript_link_is_never_emitted() -> None:
    edition = build_edition(hostile_window("javascript:alert(document.cookie)"))
    page = render_html(edition)
    assert "javascript:" not in page
    assert edition.stories[0].url is None
    assert "javascript:" not in render_markdown(edition)


def test_markdown_escapes_markup_and_link_syntax() -> None:
    assert markdown_text("<b>x</b> [1](http://e) *y*") == r"\<b\>x\</b\> \[1\](http://e) \*y\*"
    markdown = render_markdown(build_edition(hostile_window("https://example.org/story")))
    assert "<script>" not in markdown
    assert r"\<script\>" in markdown
