"""Dedupe: one row per story report, one cluster per story told by several outlets."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ingest import (
    Item,
    StoredStory,
    StoryIndex,
    assign_clusters,
    drop_exact_duplicates,
    shingles,
)
from ingest._dedupe import similarity

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

RELEASE = (
    "The China National Space Administration said on Tuesday that two more countries "
    "have signed agreements to join the International Lunar Research Station, bringing "
    "the number of partner states to seventeen ahead of the Chang'e 8 mission."
)


def item(
    item_id: str,
    title: str,
    summary: str = "",
    *,
    source: str = "a",
    minutes: int = 0,
    url: str | None = None,
    guid: str | None = None,
) -> Item:
    return Item(
        item_id=item_id,
        url=url,
        guid=guid,
        title=title,
        summary=summary,
        language="en",
        source_id=source,
        source_name=source.upper(),
        published_at=T0 + timedelta(minutes=minutes),
        published_inferred=False,
        fetched_at=T0,
        content_hash=item_id,
        cluster_id=item_id,
    )


def test_exact_duplicates_by_id_url_or_source_guid_are_dropped_keeping_the_first():
    first = item("1", "x", url="https://a/1", guid="g1")
    same_id = replace(first, title="later copy")
    same_url = item("2", "y", url="https://a/1")
    same_guid = item("3", "z", guid="g1")
    other_source_guid = item("4", "w", guid="g1", source="b")
    kept = drop_exact_duplicates([first, same_id, same_url, same_guid, other_source_guid])
    assert kept == [first, other_source_guid]


def test_items_already_stored_are_dropped_by_their_keys():
    stored = item("1", "x", url="https://a/1")
    again = item("9", "x", url="https://a/1")
    assert drop_exact_duplicates([again], {"url:https://a/1"}) == []
    assert drop_exact_duplicates([stored], {"1"}) == []


def test_the_same_release_from_three_outlets_is_one_cluster_named_after_the_earliest():
    wire = item("wire", "Two more countries join the lunar research station", RELEASE, minutes=30)
    agency = item("agency", "Two more countries join lunar station", RELEASE, source="b", minutes=0)
    edited = item(
        "edited",
        "ILRS gains two partners",
        RELEASE.replace("on Tuesday", "this week").replace("seventeen", "17"),
        source="c",
        minutes=90,
    )
    unrelated = item(
        "other",
        "Soyuz crew returns to Earth",
        "Three crew members landed safely in Kazakhstan after six months aboard the station.",
        source="d",
    )
    clustered = {
        i.item_id: i.cluster_id for i in assign_clusters([wire, agency, edited, unrelated], [])
    }
    assert clustered == {"wire": "agency", "agency": "agency", "edited": "agency", "other": "other"}


def test_an_index_fed_batch_by_batch_clusters_as_one_call_does():
    wire = item("wire", "Two more countries join the lunar research station", RELEASE, minutes=30)
    agency = item("agency", "Two more countries join lunar station", RELEASE, source="b")
    edited = item("edited", "ILRS gains two partners", RELEASE.replace("seventeen", "17"))
    other = item("other", "Soyuz crew returns", "Three crew members landed in Kazakhstan.")
    index = StoryIndex()
    first = index.assign([agency, other])
    second = index.assign([wire, edited])
    at_once = assign_clusters([agency, other, wire, edited], [])
    assert {i.item_id: i.cluster_id for i in first + second} == {
        i.item_id: i.cluster_id for i in at_once
    }
    assert {i.cluster_id for i in second} == {"agency"} and len(index) == 4


def test_a_new_report_joins_the_stored_cluster_of_its_story():
    stored = StoredStory(
        "old", "old-cluster", "Lunar station partners", RELEASE, T0 - timedelta(days=1)
    )
    new = item("new", "Two more countries join the lunar research station", RELEASE)
    (clustered,) = assign_clusters([new], [stored])
    assert clustered.cluster_id == "old-cluster"


def test_a_short_excerpt_of_a_longer_report_joins_its_cluster():
    full = item("full", "Lunar station grows", RELEASE + " " + RELEASE.upper()[::-1])
    excerpt = item("excerpt", "Lunar station grows", RELEASE[:150], minutes=5, source="b")
    clusters = {i.item_id: i.cluster_id for i in assign_clusters([full, excerpt], [])}
    assert clusters["excerpt"] == "full"


def test_different_stories_sharing_boilerplate_stay_apart():
    boiler = "Subscribe to our newsletter for the latest space news from around the world."
    a = item("a", "India tests a reusable launcher", "The vehicle landed on a barge. " + boiler)
    b = item(
        "b", "Russia delays a cargo flight", "The Progress ship will fly next month. " + boiler
    )
    clusters = {i.item_id: i.cluster_id for i in assign_clusters([a, b], [])}
    assert clusters == {"a": "a", "b": "b"}


def test_short_titles_alone_never_cluster():
    a = item("a", "Launch today")
    b = item("b", "Launch today", source="b")
    assert [i.cluster_id for i in assign_clusters([a, b], [])] == ["a", "b"]


def test_similarity_is_jaccard_over_word_shingles():
    s = shingles("one two three four")
    assert s == {"one two three", "two three four"}
    assert similarity(s, s) == 1.0
    assert similarity(s, shingles("five six seven eight")) == 0.0
