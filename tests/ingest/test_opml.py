"""Each feed reader's OPML export read by the ingest library: names, folders, sites and
FreshRSS's full-content selector (the files under fixtures/opml/ follow the layouts
Feedly, Inoreader, FreshRSS, Miniflux and NetNewsWire export)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacebrief.ingest import read_opml

OPML = Path(__file__).parent / "fixtures" / "opml"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "feedly.opml",
            {
                "https://spacenews.com/feed/": ("SpaceNews", ("Space policy", "China")),
                "https://www.thespacereview.com/rss.xml": ("The Space Review", ("Space policy",)),
                "https://www.cgtn.com/subscribe/rss/section/sci-tech.xml": (
                    "CGTN Sci-Tech",
                    ("China",),
                ),
            },
        ),
        (
            "inoreader.xml",
            {
                "https://spaceinafrica.com/feed/": ("Space in Africa", ("Global South", "Africa")),
                "https://www.isro.gov.in/rss.xml": ("ISRO press releases", ("Global South",)),
                "https://tass.com/rss/v2.xml": ("Roscosmos news & TASS", ("russia", "wire")),
            },
        ),
        (
            "miniflux.opml",
            {
                "https://feeds.arstechnica.com/arstechnica/index": ("Ars Technica", ("All",)),
                "https://www.esa.int/rssfeed/Our_Activities/Space_News": (None, ("All",)),
            },
        ),
        (
            "netnewswire.opml",
            {
                "https://tass.com/rss/v2.xml": ("TASS", ("Russia",)),
                "https://www.space.com/feeds/all": (None, ()),
            },
        ),
    ],
)
def test_each_readers_export_gives_its_feeds_names_and_folders(name, expected):
    feeds = read_opml((OPML / name).read_bytes()).feeds
    assert {f.url: (f.name, f.tags) for f in feeds} == expected


def test_htmlurl_becomes_the_site_and_freshrss_full_content_becomes_full_text():
    feeds = {f.url: f for f in read_opml((OPML / "freshrss.opml.xml").read_bytes()).feeds}
    teaser = feeds["https://teaser-wire.example/rss"]
    assert teaser.site == "https://teaser-wire.example/"
    assert teaser.extra == {"content_selector": "div.story-body", "full_text": True}
    assert feeds["https://www.nasaspaceflight.com/feed/"].extra == {}
