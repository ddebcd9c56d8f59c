"""Story summaries and the Expert's View are the items' own sentences, never invented."""

from __future__ import annotations

from datetime import UTC, datetime

from spacebrief.digest.summaries import expert_sentences, story_summary
from spacebrief.digest.text import clean_text
from spacebrief.digest.types import WindowItem


def item(
    item_id: str,
    title: str,
    summary: str,
    *,
    cluster: str | None = None,
    rank: float = 1.0,
    embedding: tuple[float, ...] | None = None,
) -> WindowItem:
    return WindowItem(
        item_id=item_id,
        title=title,
        summary=summary,
        url=None,
        source_name="Outlet",
        published_at=datetime(2025, 3, 20, tzinfo=UTC),
        cluster_id=cluster or item_id,
        relevance=0.9,
        rank=rank,
        embedding=embedding,
    )


LONG = (
    "Egypt opened a satellite assembly centre near Cairo. The centre was financed by a "
    "Chinese grant and built over three years. Engineers from five African states will train "
    "there. The weather was mild during the opening ceremony in the city. Officials expect the "
    "first satellite assembled there to launch in 2026."
)


def test_a_summary_is_two_or_three_of_the_items_own_sentences_lead_first() -> None:
    summary = story_summary(item("e", "Egypt opens satellite centre", LONG))
    assert 2 <= len(summary) <= 3
    assert summary[0] == "Egypt opened a satellite assembly centre near Cairo."
    for sentence in summary:
        assert sentence in clean_text(LONG)


def test_a_summary_skips_a_sentence_that_repeats_the_headline() -> None:
    text = "Kenya signs a launch deal. The deal covers two small satellites for farming data."
    assert story_summary(item("k", "Kenya signs a launch deal", text)) == (
        "The deal covers two small satellites for farming data.",
    )


def test_an_item_without_text_gets_no_invented_summary() -> None:
    assert story_summary(item("x", "Headline only", "")) == ()


def test_expert_sentences_take_at_most_one_sentence_per_story_and_no_near_copies() -> None:
    items = [
        item(
            "a",
            "A",
            "China and Pakistan agreed to fly an astronaut to Tiangong next year. "
            "The agreement covers selection and training.",
            cluster="c1",
        ),
        item(
            "b",
            "B",
            "China and Pakistan agreed to fly an astronaut to Tiangong next year, officials said.",
            cluster="c1",
        ),
        item(
            "c",
            "C",
            "China and Pakistan agreed to fly an astronaut to the Tiangong station next year.",
            cluster="c2",
        ),
        item(
            "d",
            "D",
            "Senegal uses satellite data to forecast harvests for smallholder farms.",
            cluster="c3",
        ),
    ]
    chosen = expert_sentences(items, count=3)
    clusters = [s.cluster_id for s in chosen]
    assert len(clusters) == len(set(clusters))
    texts = [s.text for s in chosen]
    assert any("Senegal" in t for t in texts)
    assert sum("Tiangong" in t for t in texts) <= 2
    for sentence in chosen:
        source = next(i for i in items if i.item_id == sentence.item_id)
        assert sentence.text in source.summary


def test_item_embeddings_pull_the_central_story_first() -> None:
    centre = (1.0, 0.0, 0.0)
    items = [
        item(
            "odd",
            "Odd",
            "A rover prototype was tested in a desert quarry last week.",
            embedding=(0.0, 0.0, 1.0),
        ),
        item(
            "m1",
            "M1",
            "Beijing signed space cooperation accords with two African states.",
            embedding=centre,
        ),
        item(
            "m2",
            "M2",
            "China expanded satellite training offers for African engineers.",
            embedding=(0.9, 0.1, 0.0),
        ),
    ]
    assert expert_sentences(items, count=1)[0].item_id in {"m1", "m2"}


def test_the_expert_pool_never_quotes_a_sentence_that_leans_on_the_one_before() -> None:
    exomars = item(
        "exomars",
        "Europe's Mars rover flies without Russia",
        "ESA ended its ExoMars cooperation with Roscosmos in 2022 after the invasion of Ukraine. "
        "It is now planned for 2028 with a European lander and support from NASA.",
        rank=1.0,
    )
    kenya = item("kenya", "K", "Kenya plans to launch a second imaging satellite next year.")
    expert = expert_sentences([exomars, kenya], count=3)
    assert all(not s.text.startswith("It ") for s in expert)
    assert any(s.item_id == "exomars" for s in expert)


def test_a_teaser_items_summary_quotes_its_articles_lead_not_the_teaser() -> None:
    from dataclasses import replace

    teaser = item("t", "Egypt's new satellite reaches orbit", "Read the full story on our website.")
    article = (
        "Egypt's MisrSat-2 observation satellite reached orbit on Monday after lifting off "
        "from the Jiuquan launch centre in China.\nThe satellite was paid for largely by a "
        "Chinese government grant and developed by Chinese engineers with an Egyptian team.\n"
        + "Later paragraphs go into detail about the ground station and its staff. "
        * 60
    )
    summary = story_summary(replace(teaser, content=article))
    assert summary[0].startswith("Egypt's MisrSat-2 observation satellite reached orbit")
    assert "Read the full story" not in " ".join(summary)
    assert all(sentence in " ".join(article.split()) for sentence in summary)
