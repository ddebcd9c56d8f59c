"""Normalising: ids that survive re-fetches, canonical URLs, clean text, language, UTC dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from spacebrief.ingest import (
    ParsedEntry,
    Source,
    canonical_url,
    clean_text,
    normalise_entries,
    normalise_entry,
)
from spacebrief.ingest._normalise import SUMMARY_MAX_CHARS, language_tag

SOURCE = Source("agency", "Agency", "https://news.example.org/feed")
FETCHED = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def parsed(**fields) -> ParsedEntry:
    base = dict(
        link="https://news.example.org/a",
        guid=None,
        title="Title",
        summary="Summary",
        content="",
        published=None,
        updated=None,
        language=None,
    )
    return ParsedEntry(**(base | fields))


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://News.Example.ORG/Story/1", "https://news.example.org/Story/1"),
        ("https://news.example.org/story#comments", "https://news.example.org/story"),
        (
            "https://news.example.org/s?id=7&utm_source=rss&utm_medium=feed&fbclid=x&gclid=y",
            "https://news.example.org/s?id=7",
        ),
        ("https://news.example.org/s?mc_cid=1&mc_eid=2&ref=home", "https://news.example.org/s"),
        ("http://news.example.org:80/s", "http://news.example.org/s"),
        ("https://news.example.org:8443/s", "https://news.example.org:8443/s"),
        ("https://news.example.org", "https://news.example.org/"),
        (
            "\n\t\thttps://www.nasa.gov/news-release/\n\t\tartemis/\n",
            "https://www.nasa.gov/news-release/artemis/",
        ),
        ("https://news.example.org/s?b=2&a=1", "https://news.example.org/s?a=1&b=2"),
        ("https://news.example.org/%7Eteam/s", "https://news.example.org/~team/s"),
        (
            "https://news.example.org/%e6%9c%88?q=%e6%9c%88",
            "https://news.example.org/%E6%9C%88?q=%E6%9C%88",
        ),
        ("https://news.example.org/月球", "https://news.example.org/%E6%9C%88%E7%90%83"),
        ("https://news.example.org/s?utm_source=evil&id=7", "https://news.example.org/s?id=7"),
    ],
)
def test_canonical_urls_name_the_story_not_the_campaign(raw, canonical):
    assert canonical_url(raw) == canonical


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://news.example.org/s?a=1&b=2", "https://news.example.org/s?b=2&a=1"),
        ("https://news.example.org/%7Euser/", "https://news.example.org/~user/"),
        (
            "https://news.example.org/s?q=lunar%20station",
            "https://news.example.org/s?q=lunar station",
        ),
        (
            "https://news.example.org/s?q=lunar+station",
            "https://news.example.org/s?q=lunar station",
        ),
    ],
)
def test_spellings_of_one_address_share_one_canonical_url(one, other):
    assert canonical_url(one) == canonical_url(other)


def test_a_space_inside_a_query_value_is_kept_but_layout_whitespace_is_not():
    spaced = canonical_url("https://news.example.org/search?q=lunar station&page=2")
    assert spaced == "https://news.example.org/search?page=2&q=lunar+station"
    assert canonical_url("https://news.example.org/search?q=lunarstation&page=2") != spaced
    reindented = canonical_url("https://news.example.org/search\n      ?q=lunar station&page=2")
    assert reindented == spaced


@pytest.mark.parametrize(
    "raw", [None, "", "tag:example.com,2026:1", "/relative/path", "mailto:a@b", "http://"]
)
def test_only_absolute_web_urls_are_canonical(raw):
    assert canonical_url(raw) is None


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Launch <b>succeeded</b>.</p><p>Crew safe.</p>", "Launch succeeded. Crew safe."),
        ("AT&amp;T &#038; Roscosmos &eacute;t&eacute;", "AT&T & Roscosmos été"),
        ("<script>alert('x')</script>Safe<style>p{color:red}</style> text", "Safe text"),
        ("line one<br/>line two", "line one line two"),
        ("  lots\n\n of \t space  ", "lots of space"),
        ("<iframe src='https://x'>fallback</iframe><img src=x onerror=alert(1)>Body", "Body"),
        ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
        ("<unclosed attr='", ""),
    ],
)
def test_clean_text_strips_markup_and_decodes_entities(markup, text):
    assert clean_text(markup) == text


def test_an_item_id_is_the_same_whatever_tracking_the_link_carries():
    a = normalise_entry(parsed(link="https://News.example.org/a?utm_source=x#c"), SOURCE, FETCHED)
    b = normalise_entry(parsed(link="https://news.example.org/a"), SOURCE, FETCHED)
    assert a.item_id == b.item_id
    assert a.url == "https://news.example.org/a"
    assert a.cluster_id == a.item_id


def test_without_a_link_the_guid_scoped_to_the_source_names_the_item():
    entry = parsed(link=None, guid="42")
    here = normalise_entry(entry, SOURCE, FETCHED)
    elsewhere = normalise_entry(entry, Source("other", "Other", "x"), FETCHED)
    assert here.url is None and here.guid == "42"
    assert here.item_id != elsewhere.item_id


def test_a_permalink_guid_serves_as_the_url():
    item = normalise_entry(
        parsed(link=None, guid="https://news.example.org/b?utm_x=1"), SOURCE, FETCHED
    )
    assert item.url == "https://news.example.org/b"


def test_without_link_or_guid_the_text_names_the_item():
    a = normalise_entry(parsed(link=None, title="<b>Same</b> story"), SOURCE, FETCHED)
    b = normalise_entry(parsed(link=None, title="Same   story"), SOURCE, FETCHED)
    c = normalise_entry(parsed(link=None, title="Other story"), SOURCE, FETCHED)
    assert a.item_id == b.item_id != c.item_id
    assert a.content_hash == b.content_hash


def test_entries_sharing_one_section_link_keep_their_own_ids():
    entries = [
        parsed(link="https://news.example.org/", guid=f"g{n}", title=f"T{n}") for n in range(3)
    ]
    items = normalise_entries(entries, SOURCE, FETCHED)
    assert len({i.item_id for i in items}) == 3


def test_published_time_is_utc_and_falls_back_to_updated_then_fetch_time():
    published = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    updated = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    assert (
        normalise_entry(parsed(published=published, updated=updated), SOURCE, FETCHED).published_at
        == published
    )
    from_updated = normalise_entry(parsed(updated=updated), SOURCE, FETCHED)
    assert from_updated.published_at == updated and not from_updated.published_inferred
    inferred = normalise_entry(parsed(), SOURCE, FETCHED)
    assert inferred.published_at == FETCHED and inferred.published_inferred


def test_summary_falls_back_to_content_and_is_capped_at_a_word_boundary():
    long = " ".join(["orbit"] * 1000)
    item = normalise_entry(parsed(summary="", content=f"<p>{long}</p>"), SOURCE, FETCHED)
    assert len(item.summary) <= SUMMARY_MAX_CHARS
    assert item.summary.endswith("orbit…")


def test_an_untitled_entry_borrows_the_start_of_its_summary():
    item = normalise_entry(
        parsed(title="", summary="A rover was delivered to the pad today."), SOURCE, FETCHED
    )
    assert item.title == "A rover was delivered to the pad today."


def test_language_comes_from_the_entry_then_feed_then_source_then_detection():
    entry = parsed(title="Россия и Китай подписали соглашение о лунной станции", summary="")
    assert (
        normalise_entry(parsed(language="de-AT"), SOURCE, FETCHED, feed_language="en").language
        == "de"
    )
    assert normalise_entry(parsed(), SOURCE, FETCHED, feed_language="en-US").language == "en"
    configured = Source("s", "S", "x", language="zh")
    assert normalise_entry(parsed(), configured, FETCHED).language == "zh"
    assert normalise_entry(entry, SOURCE, FETCHED).language == "ru"
    assert normalise_entry(parsed(title="Hi", summary=""), SOURCE, FETCHED).language is None


def test_language_tags_are_reduced_to_their_primary_subtag():
    assert language_tag("en-US") == "en"
    assert language_tag("ZH_cn") == "zh"
    assert language_tag("english please") is None


HOSTILE_CONTROLS = ("\x00", "\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\u200f")


def test_control_and_bidi_characters_never_leave_normalisation():
    from spacebrief.ingest import read_feed

    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Desk&#0;\u202e</title>'
        "<item><title>Launch&#0; \u202eTXE.exe \x1b[2J\x1b]8;;http://evil.example\x07here"
        "</title><description>&lt;b&gt;Long&lt;/b&gt; March&#27;[31m \u2066red\u2069 "
        "&#x9b;&#0;</description><link>https://news.example.org/a\x1b[0m</link>"
        "<guid isPermaLink='false'>id\x1b-1</guid></item></channel></rss>"
    ).encode()
    source = Source("desk", "desk", "https://news.example.org/feed", named_from_location=True)
    reading = read_feed(body, {}, None, source, FETCHED)
    (item,) = reading.items
    for text in (item.title, item.summary, item.url or "", item.guid or "", item.source_name):
        assert not any(c in text for c in HOSTILE_CONTROLS), repr(text)
    assert item.title.startswith("Launch TXE.exe") and "here" in item.title
    assert item.summary.startswith("Long March") and "red" in item.summary
    assert item.source_name == "Desk"


@pytest.mark.parametrize("control", HOSTILE_CONTROLS)
def test_clean_text_drops_each_control_character(control):
    assert clean_text(f"Tian{control}gong") == "Tiangong"
    assert clean_text(f"<p>Tian{control}gong</p>") == "Tiangong"
