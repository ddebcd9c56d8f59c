"""Dedupe: one row per story report, one cluster per story told by several outlets."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from spacebrief.ingest import (
    Item,
    StoredStory,
    StoryIndex,
    assign_clusters,
    drop_exact_duplicates,
    shingles,
)
from spacebrief.ingest._dedupe import similarity, tokens

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


def test_exact_duplicates_by_id_or_source_url_or_source_guid_are_dropped_keeping_the_first():
    first = item("1", "x", url="https://a/1", guid="g1")
    same_id = replace(first, title="later copy")
    same_url = item("2", "y", url="https://a/1")
    same_guid = item("3", "z", guid="g1")
    other_source_guid = item("4", "w", guid="g1", source="b")
    other_source_url = item("5", "v", url="https://a/1", source="c")
    kept = drop_exact_duplicates(
        [first, same_id, same_url, same_guid, other_source_guid, other_source_url]
    )
    assert kept == [first, other_source_guid, other_source_url]


def test_items_already_stored_are_dropped_by_their_keys():
    stored = item("1", "x", url="https://a/1")
    again = item("9", "x", url="https://a/1")
    assert drop_exact_duplicates([again], {"url:a\x1fhttps://a/1"}) == []
    assert drop_exact_duplicates([replace(again, source_id="b")], {"url:a\x1fhttps://a/1"})
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


# Two reports of one story in each script (the second lightly edited), and another story
# of the same outlet on a neighbouring subject. Written for these tests.
STORIES_BY_SCRIPT = {
    "zh": (
        "中国国家航天局周二宣布，塞内加尔和尼加拉瓜已签署协议，正式加入国际月球科研站项目，"
        "使合作国家总数增至十七个。嫦娥八号任务预计于2028年前后发射，将携带多国科学载荷。",
        "国家航天局星期二表示，塞内加尔和尼加拉瓜已经签署协议，正式加入国际月球科研站项目，"
        "合作国家总数增至十七个。嫦娥八号任务预计2028年前后发射，将携带多国的科学载荷。",
        "中国国家航天局周三公布，天宫空间站将于明年迎来首位巴基斯坦航天员，双方已完成选拔"
        "和训练协议的签署，国际月球科研站的合作也在继续推进。",
    ),
    "ru": (
        "Роскосмос сообщил во вторник, что Египет и Сенегал подписали соглашения о "
        "присоединении к Международной научной лунной станции, которую Россия строит "
        "вместе с Китаем.",
        "Во вторник Роскосмос сообщил, что Египет и Сенегал подписали соглашения о "
        "присоединении к Международной научной лунной станции, которую Россия создаёт "
        "вместе с Китаем.",
        "Роскосмос перенёс запуск спутника «Ионосфера» из-за санкций, которые ограничили "
        "поставки электроники для российских аппаратов и лунной программы.",
    ),
    "ar": (
        "أعلنت وكالة الفضاء المصرية يوم الثلاثاء أن القمر الصناعي مصر سات 2 الذي بني "
        "بالتعاون مع الصين وصل إلى مداره بنجاح بعد إطلاقه من قاعدة جيوتشيوان.",
        "قالت وكالة الفضاء المصرية يوم الثلاثاء إن القمر الصناعي مصر سات 2 الذي بني "
        "بالتعاون مع الصين وصل إلى مداره بنجاح بعد إطلاقه من قاعدة جيوتشيوان الصينية.",
        "وقعت وكالة الفضاء المصرية اتفاقية مع روسيا لتدريب مهندسين على تصميم الأقمار "
        "الصناعية الصغيرة في القاهرة خلال العام المقبل.",
    ),
}


@pytest.mark.parametrize("script", sorted(STORIES_BY_SCRIPT))
def test_two_reports_of_one_story_cluster_and_another_story_does_not_in_every_script(script):
    first, retold, other = STORIES_BY_SCRIPT[script]
    index = StoryIndex([StoredStory("first", "first", "", first, T0)])
    a, b = index.assign(
        [
            item("retold", "", retold, source="b", minutes=20),
            item("other", "", other, source="c", minutes=40),
        ]
    )
    assert a.cluster_id == "first"
    assert b.cluster_id == "other"


def test_chinese_text_is_shingled_by_characters_and_thai_and_japanese_too():
    chinese = STORIES_BY_SCRIPT["zh"][0]
    assert len(shingles(chinese)) > 60  # one "word" per clause before: no shingles at all
    assert tokens("東京で打ち上げ")[:3] == ["東", "京", "で"]
    assert tokens("ไทยส่งดาวเทียม")[:3] == ["ไ", "ท", "ย"]
    assert tokens("Hello, Мир! 한국 우주") == ["hello", "мир", "한국", "우주"]


def test_the_same_url_from_two_sources_is_one_story_whatever_the_headlines_say():
    url = "https://legit.example/news/ilrs"
    stored = StoredStory("legit", "legit", "Senegal joins the ILRS", "", T0, url)
    (echo,) = StoryIndex([stored]).assign(
        [item("echo", "A headline with nothing in common", "", source="b", url=url)]
    )
    assert echo.cluster_id == "legit"


def test_an_offsite_report_never_names_a_story_even_when_it_claims_to_be_first():
    url = "https://legit.example/news/ilrs"
    spoof = replace(
        item("spoof", "False headline", RELEASE, source="evil", minutes=-600, url=url),
        offsite=True,
    )
    real = item(
        "real", "Two more countries join the lunar station", RELEASE, source="legit", url=url
    )
    together = StoryIndex().assign([spoof, real])
    assert [i.cluster_id for i in together] == ["real", "real"]

    stored_spoof = StoredStory(
        "spoof", "spoof", spoof.title, spoof.summary, spoof.published_at, url, offsite=True
    )
    (later_real,) = StoryIndex([stored_spoof]).assign([real])
    assert later_real.cluster_id == "real"  # starts its own story; the claimant's is not it
