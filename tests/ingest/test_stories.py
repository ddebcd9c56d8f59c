"""Stories as events: which reports tell one event, and which of them are independent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from spacebrief.ingest.stories import (
    ECHO,
    FOLLOW_UP,
    INDEPENDENT,
    STORY_COSINE,
    Report,
    assign_stories,
    report_roles,
)

T0 = datetime(2025, 2, 28, 9, tzinfo=UTC)
WIRE = (
    "Pakistan and China signed an agreement on Friday under which a Pakistani astronaut "
    "will fly to the Tiangong space station as its first foreign visitor, officials said."
)
OWN_WORDS = (
    "Islamabad's space agency confirmed that one of its candidates will train in China "
    "before a short mission aboard Tiangong, the first by a non-Chinese crew member."
)


FOLLOW_UP_TEXT = (
    "The agency will name its candidate in May, after medical tests and a selection board "
    "in Islamabad this spring."
)
WIRE_1_URL = "https://wire.example/wire-1"


def vector(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def report(
    item_id: str,
    source: str,
    *,
    hours: float = 0,
    embedding: np.ndarray | None = None,
    cluster: str | None = None,
    summary: str = OWN_WORDS,
    url: str | None = None,
    offsite: bool = False,
    actors: tuple[str, ...] = ("Pakistan", "China"),
) -> Report:
    return Report(
        item_id=item_id,
        cluster_id=cluster or item_id,
        source_id=source,
        published_at=T0 + timedelta(hours=hours),
        title=f"Report {item_id}",
        summary=summary,
        url=url or f"https://{source}.example/{item_id}",
        offsite=offsite,
        embedding=embedding,
        actors=frozenset(actors),
    )


SAME = vector(1.0, 0.0, 0.0)
CLOSE = vector(0.9, 0.3, 0.0)  # cosine 0.949 with SAME
FAR = vector(0.6, 0.8, 0.0)  # cosine 0.6 with SAME


def test_two_outlets_telling_one_event_in_their_own_words_are_one_story() -> None:
    first = report("a", "wire", embedding=SAME)
    second = report("b", "daily", hours=5, embedding=CLOSE)
    assert assign_stories([second], [(first, "story-a")]) == {"b": "story-a"}


def test_a_different_event_starts_its_own_story_named_after_its_cluster() -> None:
    first = report("a", "wire", embedding=SAME)
    other = report("b", "daily", hours=5, embedding=FAR, cluster="cluster-b")
    assert float(SAME @ FAR) < STORY_COSINE
    assert assign_stories([other], [(first, "story-a")]) == {"b": "cluster-b"}


def test_one_outlet_never_joins_its_own_story_by_embedding() -> None:
    first = report("a", "wire", embedding=SAME)
    again = report("b", "wire", hours=5, embedding=SAME)
    assert assign_stories([again], [(first, "story-a")]) == {"b": "b"}


def test_an_event_three_days_later_is_another_story() -> None:
    first = report("a", "wire", embedding=SAME)
    later = report("b", "daily", hours=73, embedding=SAME)
    assert assign_stories([later], [(first, "story-a")]) == {"b": "b"}


def test_reports_naming_different_actors_are_different_events() -> None:
    senegal = report("a", "wire", embedding=SAME, actors=("Senegal", "ILRS"))
    bolivia = report("b", "daily", hours=2, embedding=SAME, actors=("Bolivia", "ILRS"))
    assert assign_stories([bolivia], [(senegal, "story-a")]) == {"b": "story-a"}  # share ILRS
    bolivia_only = report("c", "daily", hours=2, embedding=SAME, actors=("Bolivia",))
    assert assign_stories([bolivia_only], [(senegal, "story-a")]) == {"c": "c"}


def test_a_near_copy_cluster_is_one_story_whatever_its_embedding() -> None:
    first = report("a", "wire", embedding=SAME, cluster="k")
    copy = report("b", "daily", hours=100, embedding=FAR, cluster="k")
    assert assign_stories([copy], [(first, "story-k")]) == {"b": "story-k"}


def test_new_reports_join_each_other_and_a_placed_report_never_moves() -> None:
    first = report("a", "wire", embedding=SAME)
    second = report("b", "daily", hours=1, embedding=CLOSE)
    placed = report("c", "post", hours=2, embedding=FAR)
    assigned = assign_stories([second, first, placed], [(placed, "elsewhere")])
    assert assigned == {"a": "a", "b": "a", "c": "elsewhere"}


def test_reports_without_embeddings_stay_with_their_cluster() -> None:
    first = report("a", "wire", embedding=SAME)
    bare = report("b", "daily", hours=1)
    assert assign_stories([bare], [(first, "story-a")]) == {"b": "b"}


def test_roles_independent_echo_and_follow_up() -> None:
    reports = [
        report("wire-1", "wire", summary=WIRE),
        report("copy", "partner", hours=1, summary=WIRE + " The deal was signed in Beijing."),
        report("own", "daily", hours=2, summary=OWN_WORDS),
        report("wire-2", "wire", hours=3, summary=FOLLOW_UP_TEXT),
        report("same-page", "aggregator", hours=4, summary="short", url=WIRE_1_URL),
        report("link", "digest", hours=5, summary="Read more elsewhere", offsite=True),
    ]
    roles = {r.item_id: r for r in report_roles("s", reports)}
    assert roles["wire-1"].role == INDEPENDENT
    assert (roles["copy"].role, roles["copy"].echo_of, roles["copy"].reason) == (
        ECHO, "wire-1", "near-copy",
    )  # fmt: skip
    assert roles["own"].role == INDEPENDENT
    assert (roles["wire-2"].role, roles["wire-2"].echo_of) == (FOLLOW_UP, "wire-1")
    assert (roles["same-page"].role, roles["same-page"].reason) == (ECHO, "same page")
    assert (roles["link"].role, roles["link"].reason) == (ECHO, "links to another outlet")
    assert {r.story_id for r in roles.values()} == {"s"}


def test_a_feed_linking_to_an_article_is_the_echo_even_when_it_was_first() -> None:
    article = report("article", "monitor", hours=1, summary=WIRE, url="https://m.example/x")
    link = report("link", "desk", summary=WIRE, url="https://m.example/x", offsite=True)
    roles = {r.item_id: r.role for r in report_roles("s", [link, article])}
    assert roles == {"article": INDEPENDENT, "link": ECHO}
