"""Sentence splitting, cleaning, TF-IDF and MMR: the parts every prose section rests on."""

from __future__ import annotations

import numpy as np
import pytest

from spacebrief.digest.summaries import item_sentences
from spacebrief.digest.text import clean_text, mmr, near_duplicate, stands_alone, tfidf_matrix
from tests.digest.test_summaries import item as window_item


def test_stored_text_is_quoted_verbatim_and_only_read_more_tails_go() -> None:
    assert clean_text("Thrust < 5 kN and mass > 2 t, engineers said.") == (
        "Thrust < 5 kN and mass > 2 t, engineers said."
    )
    assert clean_text("Thrust &lt; 5 kN and mass &gt; 2 t, engineers said.") == (
        "Thrust &lt; 5 kN and mass &gt; 2 t, engineers said."
    )
    assert clean_text("Kenya’s agency opened a centre.  Continue reading about it...") == (
        "Kenya’s agency opened a centre."
    )


@pytest.mark.parametrize(
    "summary, first",
    [
        (
            "Роскосмос и CNSA подписали соглашение о лунной станции. "
            "Запуск намечен на 2030 год и позже.",
            "Роскосмос и CNSA подписали соглашение о лунной станции.",
        ),
        (
            "中国与巴基斯坦签署了航天员合作协议。巴基斯坦航天员将飞往中国空间站。",
            "中国与巴基斯坦签署了航天员合作协议。",
        ),
        (
            "भारत ने अफ्रीकी देशों के लिए नया उपग्रह प्रक्षेपित किया। इसरो ने इसे सफल बताया है।",
            "भारत ने अफ्रीकी देशों के लिए नया उपग्रह प्रक्षेपित किया।",
        ),
        (
            "وقعت مصر والصين اتفاقية جديدة للتعاون في مجال الأقمار الصناعية. "
            "وستبدأ المرحلة الأولى العام المقبل.",
            "وقعت مصر والصين اتفاقية جديدة للتعاون في مجال الأقمار الصناعية.",
        ),
    ],
)
def test_an_item_in_any_script_yields_its_own_sentences_verbatim(summary: str, first: str) -> None:
    item = window_item("x", "Headline", summary)
    sentences = item_sentences(item, min_words=1)
    assert sentences[0] == first and len(sentences) == 2


@pytest.mark.parametrize(
    "same, edited, other",
    [
        (
            "Роскосмос и Китай построят лунную станцию к 2035 году",
            "Роскосмос и Китай построят лунную станцию к 2035 году, заявили в агентстве",
            "Кения запустила спутник для наблюдения за урожаем",
        ),
        (
            "中国和俄罗斯将在2035年前建成月球科研站",
            "中国和俄罗斯将在2035年前建成国际月球科研站",
            "肯尼亚发射了一颗观测农作物的卫星",
        ),
        (
            "भारत और जापान चंद्रमा पर संयुक्त मिशन भेजेंगे",
            "भारत और जापान चंद्रमा पर संयुक्त मिशन जल्द भेजेंगे",
            "केन्या ने फसलों की निगरानी के लिए उपग्रह छोड़ा",
        ),
        (
            "مصر والصين توقعان اتفاقية للتعاون في الأقمار الصناعية",
            "مصر والصين توقعان اتفاقية جديدة للتعاون في الأقمار الصناعية",
            "كينيا تطلق قمرا لمراقبة المحاصيل الزراعية",
        ),
    ],
)
def test_redundancy_and_similarity_work_in_every_script(same: str, edited: str, other: str) -> None:
    assert near_duplicate(same, edited)
    assert not near_duplicate(same, other)
    sims = tfidf_matrix([same, edited, other]) @ tfidf_matrix([same, edited, other]).T
    assert sims[0, 1] > 0.5 > sims[0, 2]


def test_tfidf_rows_are_unit_length_and_similar_texts_are_close() -> None:
    m = tfidf_matrix(["lunar station plan", "lunar station plan agreed", "rice harvest data"])
    assert np.allclose(np.linalg.norm(m, axis=1), 1.0)
    sims = m @ m.T
    assert sims[0, 1] > 0.6 > sims[0, 2]


def test_mmr_skips_a_near_duplicate_in_favour_of_a_distinct_row() -> None:
    similarity = np.array([[1.0, 0.95, 0.1], [0.95, 1.0, 0.1], [0.1, 0.1, 1.0]])
    assert mmr([0.9, 0.85, 0.5], similarity, 2) == [0, 2]


def test_mmr_is_stable_on_ties() -> None:
    similarity = np.eye(3)
    assert mmr([0.5, 0.5, 0.5], similarity, 3) == [0, 1, 2]


def test_near_duplicates_are_recognised_across_small_edits() -> None:
    assert near_duplicate(
        "Russia and China will build a lunar power plant by 2035.",
        "Russia and China will build a lunar power plant by 2035, officials said.",
    )
    assert not near_duplicate("Kenya launches a satellite.", "India signs the Artemis Accords.")


def test_a_sentence_that_opens_on_a_word_pointing_back_does_not_stand_alone() -> None:
    assert not stands_alone("It is now planned for 2028 with a European lander.")
    assert not stands_alone("The two countries continue to coordinate their positions.")
    assert not stands_alone("“They will fly in 2026,” the agency said.")
    assert stands_alone("Italy will fly an instrument on Chang'e-7.")
    assert stands_alone("Items of the window were counted.")  # "It" only as a whole word
