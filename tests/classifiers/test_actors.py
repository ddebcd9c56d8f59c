"""The actor normaliser: every gazetteer spelling of an actor, in every language, becomes
one English name; the gazetteer and the normaliser read one table (classifiers/spellings.py)."""

from __future__ import annotations

import re

import pytest

from spacebrief.classifiers.actors import EXTRA, alternatives, named_actors
from spacebrief.classifiers.gazetteer import matches
from spacebrief.classifiers.spellings import KINDS, SPELLINGS, Actor


def names(text: str, body: str = "") -> list[str]:
    return sorted(named.actor.name for named in named_actors(text, body))


@pytest.mark.parametrize("group", sorted(SPELLINGS))
def test_each_plain_spelling_is_found_by_its_gazetteer_group_and_names_its_actor(
    group: str,
) -> None:
    # One table feeds both readers: a spelling the gazetteer counts for a group is one
    # the normaliser turns into that group's actor (regex spellings aside).
    for actor, pattern in SPELLINGS[group].items():
        for spelling in alternatives(pattern):
            if re.search(r"[\\()\[\]?*+]", spelling):
                continue
            assert matches(spelling, group), (group, spelling)
            if actor is not None:
                assert actor.name in names(spelling), (group, spelling)


def test_every_actor_has_a_known_kind() -> None:
    actors = [a for table in SPELLINGS.values() for a in table if a is not None] + list(EXTRA)
    assert {a.kind for a in actors} <= set(KINDS)


@pytest.mark.parametrize(
    "text",
    [
        "Pakistan signs a space deal",
        "Пакистан подписал соглашение",
        "باكستان توقع اتفاقية",
        "पाकिस्तान ने समझौते पर हस्ताक्षर किए",
        "పాకిస్తాన్ ఒప్పందం",
        "巴基斯坦签署协议",
        "Paquistão assina acordo",
    ],
)
def test_one_country_in_seven_languages_is_one_english_name(text: str) -> None:
    assert "Pakistan" in names(text)


@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        ("印度尼西亚发射卫星", "Indonesia", "India"),
        ("Nigeria launches a satellite", "Nigeria", "Niger"),
        ("India's South Asia Satellite", "the South Asia Satellite", "South Asia"),
        ("The African Space Agency opens in Cairo", "the African Space Agency", "Africa"),
        ("Papua New Guinea joins", "Papua New Guinea", "Guinea"),
        ("China National Space Administration", "CNSA", "China"),
        ("中国空间站迎来首位外国航天员", "Tiangong", "China"),
        ("Egypt joins the Artemis Accords", "the Artemis Accords", "the Artemis programme"),
    ],
)
def test_the_longer_spelling_wins_where_two_start_at_the_same_place(
    text: str, expected: str, not_expected: str
) -> None:
    found = names(text)
    assert expected in found
    assert not_expected not in found


def test_a_spelling_must_start_a_word() -> None:
    assert names("Romania and Germany") == ["Germany"]  # no Oman in România's "omania"
    assert "Iran" not in names("The Tirana summit")


def test_the_word_change_is_not_the_chinese_lunar_programme() -> None:
    # The gazetteer's false sense (rule 27), in the normaliser's own copy of the spelling.
    assert names("Climate change tops the agenda") == []
    assert names("Chang'e-6 returns samples") == names("Change-5 lands") == ["Chang'e"]


def test_abbreviations_count_only_in_capitals() -> None:
    assert names("The UN and the USA") == ["the United Nations", "the United States"]
    assert names("un satellite lancé par une fusée") == []


def test_mentions_are_counted_and_the_headline_is_marked() -> None:
    found = {n.actor.name: n for n in named_actors("Kenya's new satellite", "Kenya and China.")}
    assert found["Kenya"].mentions == 2 and found["Kenya"].in_title
    assert found["China"].mentions == 1 and not found["China"].in_title
    assert found["Kenya"].actor == Actor("Kenya", "country")


def test_words_that_name_no_single_actor_name_none() -> None:
    assert names("Governance of space law and satellite navigation for a company") == []


def test_one_spelling_that_names_two_countries_names_both() -> None:
    # 中俄 is "China and Russia" in one word: both groups carry it.
    assert names("中俄举行联合反导演习") == ["China", "Russia"]
    assert names("Los rusos y Pechino firman un acuerdo espacial") == ["China", "Russia"]


def test_a_spelling_listed_twice_for_one_actor_is_one_mention() -> None:
    (g77,) = named_actors("The G77 met in Havana", "")
    assert g77.actor.name == "the G77" and g77.mentions == 1
