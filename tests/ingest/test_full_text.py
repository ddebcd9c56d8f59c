"""Full text for teaser feeds: each new item's page fetched once, its article kept.

Pages are real-looking article pages (cookie banner, navigation, share buttons, related
links, comments, newsletter box, footer) served on 127.0.0.1 with a robots.txt.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import spacebrief
from spacebrief.ingest import extract_article
from spacebrief.warehouse.sources import source_health
from tests.ingest.conftest import LOCAL, ingest
from tests.ingest.feed_server import FeedServer, entry, rss_feed

PAGES = Path(__file__).parent / "fixtures" / "pages"
HTML = "text/html; charset=utf-8"
TEASER = "Read the full story on our website."
CHROME = (
    "cookies",
    "Accept all",
    "Subscribe",
    "Related stories",
    "spacefan88",
    "Get our Africa space newsletter",
    "All rights reserved",
    "Share on",
    "Key facts",
)


def teaser_feed(server: FeedServer, pages: list[str]) -> bytes:
    return rss_feed(
        "Nile Orbit News",
        [
            entry(
                n,
                title=f"Story {n} from Nile Orbit News",
                summary=TEASER,
                link=server.url(f"/news/{page}"),
                published=datetime(2026, 11, 24, 9, n, tzinfo=UTC),
            )
            for n, page in enumerate(pages, start=1)
        ],
    )


def serve_site(server: FeedServer, pages: list[str], robots: str = "User-agent: *\nAllow: /\n"):
    server.serve("/feed.xml", teaser_feed(server, pages))
    server.serve("/robots.txt", robots, content_type="text/plain")
    for page in pages:
        name = page.split("/")[-1]
        server.serve(f"/news/{page}", (PAGES / f"{name}.html").read_bytes(), content_type=HTML)


def write_catalog(tmp_path: Path, server: FeedServer, extra: str = "") -> str:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        "  # a teaser feed: one sentence per item\n"
        f"  - name: Nile Orbit News\n    url: '{server.url('/feed.xml')}'\n"
        f"    full_text: true\n    allow_private: true\n{extra}"
    )
    return str(path)


def contents(warehouse) -> list[tuple]:
    with warehouse.read() as con:
        return con.execute(
            "SELECT url, summary, content, content_extractor, content_status, content_error "
            "FROM items ORDER BY published_at"
        ).fetchall()


def test_a_teaser_feed_yields_the_whole_article_without_the_site_chrome(
    warehouse, server, tmp_path
):
    serve_site(server, ["misrsat2"])
    summary = ingest(warehouse, write_catalog(tmp_path, server))
    assert (summary.new_items, summary.pages_ok, summary.pages_failed) == (1, 1, 0)
    assert "1 page(s) extracted" in summary.describe()
    ((_, feed_text, content, extractor, status, error),) = contents(warehouse)
    assert feed_text == TEASER  # the feed's own text is kept beside the article
    assert status == "ok" and error is None
    assert extractor.startswith("trafilatura 2.")
    assert content.startswith("MisrSat-2, built with Chinese help, reaches orbit")
    assert "Long March 2C rocket from the Jiuquan launch centre" in content
    assert "cooperation on the BeiDou navigation system" in content
    for chrome in CHROME:
        assert chrome not in content, chrome
    with warehouse.read() as con:
        (shown,) = con.execute("SELECT content FROM v_items").fetchone()
    assert shown == content


def test_a_page_is_fetched_once_unless_asked_to_refetch(warehouse, server, tmp_path):
    serve_site(server, ["misrsat2"])
    catalog = write_catalog(tmp_path, server)
    ingest(warehouse, catalog)
    ingest(warehouse, catalog, force=True)
    assert server.hits("/news/misrsat2") == 1
    again = ingest(warehouse, catalog, force=True, refetch_content=True)
    assert server.hits("/news/misrsat2") == 2 and again.pages_ok == 1
    assert len(contents(warehouse)) == 1


def test_robots_txt_is_obeyed_and_read_once_per_host_per_run(warehouse, server, tmp_path):
    serve_site(
        server,
        ["misrsat2", "private/tiangong-guest"],
        robots="User-agent: *\nDisallow: /news/private/\n",
    )
    summary = ingest(warehouse, write_catalog(tmp_path, server))
    assert (summary.pages_ok, summary.pages_failed) == (1, 1)
    assert server.hits("/news/private/tiangong-guest") == 0
    assert server.hits("/robots.txt") == 1
    statuses = {row[0].rsplit("/", 1)[-1]: (row[4], row[5]) for row in contents(warehouse)}
    assert statuses["misrsat2"] == ("ok", None)
    assert statuses["tiangong-guest"] == (
        "blocked",
        "robots.txt does not allow fetching this page",
    )


def test_no_robots_txt_allows_every_page(warehouse, server, tmp_path):
    serve_site(server, ["misrsat2"])
    server.serve("/robots.txt", b"not here", status=404, content_type="text/plain")
    assert ingest(warehouse, write_catalog(tmp_path, server)).pages_ok == 1


def test_a_failed_extraction_keeps_the_feed_text_and_shows_in_the_feed_s_health(
    warehouse, server, tmp_path
):
    serve_site(server, ["misrsat2", "cookie-wall"])
    catalog = write_catalog(tmp_path, server)
    ingest(warehouse, catalog)
    rows = {row[0].rsplit("/", 1)[-1]: row for row in contents(warehouse)}
    wall = rows["cookie-wall"]
    assert wall[1] == TEASER and wall[2] is None and wall[4] == "failed"
    assert "trafilatura found no article text" in wall[5]
    with warehouse.read() as con:
        (health,) = source_health(con)
    assert (health.contents_ok, health.contents_failed) == (1, 1)
    assert "found no article text" in health.content_error


def test_a_content_selector_picks_the_element_the_catalog_names(warehouse, server, tmp_path):
    serve_site(server, ["tiangong-guest"])
    catalog = write_catalog(
        tmp_path, server, "    content_selector: 'div[data-role=article-text]'\n"
    )
    assert ingest(warehouse, catalog).pages_ok == 1
    ((_, _, content, extractor, status, _),) = contents(warehouse)
    assert status == "ok" and extractor.startswith("css div[data-role=article-text] (lxml ")
    assert content.startswith("China and Pakistan agreed that a Pakistani astronaut")
    assert "app" not in content and "Subscribe" not in content


def test_pages_obey_the_size_cap_of_feeds(warehouse, server, tmp_path):
    serve_site(server, ["misrsat2"])
    big = (PAGES / "misrsat2.html").read_bytes() + b"<!--" + b"x" * 100_000 + b"-->"
    server.serve("/news/misrsat2", big, content_type=HTML)
    capped = replace(LOCAL, max_bytes=50_000)
    summary = ingest(warehouse, write_catalog(tmp_path, server), policy=capped)
    assert summary.pages_failed == 1
    ((_, _, content, _, status, error),) = contents(warehouse)
    assert content is None and status == "failed" and "too large" in error


def test_a_source_without_full_text_fetches_no_page(warehouse, server, tmp_path):
    serve_site(server, ["misrsat2"])
    (tmp_path / "plain.yaml").write_text(
        f"sources:\n  - {{name: Nile Orbit News, url: '{server.url('/feed.xml')}'}}\n"
    )
    summary = ingest(warehouse, str(tmp_path / "plain.yaml"))
    assert summary.new_items == 1 and summary.pages_ok == summary.pages_failed == 0
    assert server.hits("/news/misrsat2") == 0 and server.hits("/robots.txt") == 0


def test_a_page_that_is_not_html_is_a_clear_failure():
    extraction = extract_article(b"%PDF-1.4 binary", "https://nile-orbit.example/a.pdf")
    assert extraction.text is None and extraction.error


def test_the_classifier_labels_a_teaser_item_from_its_article(warehouse, server, tmp_path):
    serve_site(server, ["misrsat2"])
    ingest(warehouse, write_catalog(tmp_path, server))
    with spacebrief.open(warehouse.path) as sb:
        sb.classify()
    with warehouse.read() as con:
        relevant, trends = con.execute("SELECT relevant, trends FROM v_items").fetchone()
        evidence = " ".join(e for (e,) in con.execute("SELECT evidence FROM v_labels").fetchall())
    # (Measured on 2 Dec: from the teaser alone the item scored off-theme, relevance 0.06.)
    # A satellite China built and paid for, for Egypt: R1 (China as mentor), and W6 (a
    # grant) too by the taxonomy; the judge of 6 December gives R1 0.97 and W6 only 0.34.
    assert relevant and "R1" in trends
    assert "Chinese government grant" in evidence  # the evidence quotes the article


def test_the_same_article_on_many_pages_is_extracted_every_time():
    """Wire copy runs on many sites; an extractor cache across pages must not eat it."""
    page = (PAGES / "misrsat2.html").read_bytes()
    texts = [extract_article(page, f"https://outlet{n}.example/a").text for n in range(12)]
    assert all(text and "Jiuquan launch centre" in text for text in texts)


def test_a_bug_on_a_page_is_logged_and_counted_never_stored_as_a_page_status(
    warehouse, server, tmp_path, monkeypatch, caplog
):
    """Row 13: an exception of our own once became the page's "failed", unlogged."""
    import logging

    from spacebrief.ingest import _pages

    def buggy(*args, **kwargs):
        raise AttributeError("an injected bug")

    monkeypatch.setattr(_pages, "extract_article", buggy)
    serve_site(server, ["misrsat2"])
    summary = ingest(warehouse, write_catalog(tmp_path, server))
    assert (summary.new_items, summary.pages_ok, summary.pages_failed, summary.bugs) == (1, 0, 0, 1)
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert "/news/misrsat2" in record.getMessage()
    ((_, _, content, _, status, error),) = contents(warehouse)
    assert (content, status, error) == (None, None, None)  # tried again next run
