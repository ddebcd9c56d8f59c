"""Sentence splitting, cleaning, TF-IDF and MMR: the parts every prose section rests on."""

from __future__ import annotations

import numpy as np

from digest.text import (
    clean_text,
    mmr,
    near_duplicate,
    split_sentences,
    stands_alone,
    tfidf_matrix,
)


def test_sentences_do_not_break_inside_abbreviations() -> None:
    text = "The U.S. Space Force said Gen. Whiting spoke. China replied on Monday! Why now?"
    assert split_sentences(text) == [
        "The U.S. Space Force said Gen. Whiting spoke.",
        "China replied on Monday!",
        "Why now?",
    ]


def test_feed_markup_and_read_more_tails_are_removed() -> None:
    raw = "<p>Kenya&#8217;s agency <b>opened</b> a centre.</p> Continue reading about it..."
    assert clean_text(raw) == "Kenya’s agency opened a centre."


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
