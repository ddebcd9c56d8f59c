"""Tokens for ranking and redundancy in Latin, Cyrillic, Arabic, Devanagari and Chinese."""

from __future__ import annotations

from spacebrief.segmenter.tokens import tokens


def test_latin_words_are_case_folded_without_stopwords() -> None:
    assert tokens("Kenya's agency opened THE centre") == ["kenya's", "agency", "opened", "centre"]


def test_cyrillic_words_are_tokens() -> None:
    assert tokens("Роскосмос и CNSA подписали соглашение.") == [
        "роскосмос",
        "cnsa",
        "подписали",
        "соглашение",
    ]


def test_arabic_words_are_tokens() -> None:
    assert tokens("أطلقت مصر قمرا صناعيا جديدا") == ["أطلقت", "مصر", "قمرا", "صناعيا", "جديدا"]


def test_devanagari_words_keep_their_vowel_signs_and_drop_the_danda() -> None:
    assert tokens("भारत ने अंतरिक्ष में उपग्रह भेजा।") == [
        "भारत",
        "ने",
        "अंतरिक्ष",
        "में",
        "उपग्रह",
        "भेजा",
    ]


def test_chinese_runs_become_character_bigrams() -> None:
    assert tokens("中国空间站。") == ["中国", "国空", "空间", "间站"]
    assert tokens("Tiangong 天宫") == ["tiangong", "天宫"]
