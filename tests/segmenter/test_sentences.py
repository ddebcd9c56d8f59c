"""One sentence segmenter for every script the feeds carry, used by classifier and digest."""

from __future__ import annotations

import pytest

from spacebrief.segmenter.sentences import leading_sentences, sentence_spans, split_sentences


def test_english_keeps_abbreviations_and_initials_inside_a_sentence() -> None:
    text = "The U.S. Space Force said Gen. Whiting spoke. China replied on Monday! Why now?"
    assert split_sentences(text) == [
        "The U.S. Space Force said Gen. Whiting spoke.",
        "China replied on Monday!",
        "Why now?",
    ]
    assert split_sentences("J. Smith of Dr. Lee's team met Mr. Ruto. It went well.") == [
        "J. Smith of Dr. Lee's team met Mr. Ruto.",
        "It went well.",
    ]


def test_a_lower_case_word_or_a_decimal_after_a_period_does_not_open_a_sentence() -> None:
    assert split_sentences("Thrust rose to 3.5 kN, e.g. during the test. Then it fell.") == [
        "Thrust rose to 3.5 kN, e.g. during the test.",
        "Then it fell.",
    ]


def test_quotes_closing_and_opening_around_a_boundary_stay_with_their_sentence() -> None:
    assert split_sentences("“We will fly,” he said. “Soon.” Then it rained.") == [
        "“We will fly,” he said.",
        "“Soon.”",
        "Then it rained.",
    ]


def test_chinese_ends_sentences_at_full_width_marks_without_spaces() -> None:
    assert split_sentences("中国空间站将迎来巴基斯坦航天员。这是首位外国航天员！他何时飞行？") == [
        "中国空间站将迎来巴基斯坦航天员。",
        "这是首位外国航天员！",
        "他何时飞行？",
    ]


def test_devanagari_ends_sentences_at_the_danda() -> None:
    assert split_sentences("भारत ने उपग्रह प्रक्षेपित किया। इसरो ने कहा कि यह सफल रहा।") == [
        "भारत ने उपग्रह प्रक्षेपित किया।",
        "इसरो ने कहा कि यह सफल रहा।",
    ]


def test_arabic_ends_sentences_at_its_question_mark_and_the_period() -> None:
    assert split_sentences(
        "أطلقت مصر قمرا صناعيا. هل ستنضم إلى المحطة القمرية؟ قال المسؤولون نعم."
    ) == [
        "أطلقت مصر قمرا صناعيا.",
        "هل ستنضم إلى المحطة القمرية؟",
        "قال المسؤولون نعم.",
    ]


def test_spanish_sentences_may_open_on_inverted_marks() -> None:
    assert split_sentences(
        "La NASA firmó el acuerdo. ¿Se unirá Perú? ¡Sí, en 2025! El Sr. Pérez habló."
    ) == [
        "La NASA firmó el acuerdo.",
        "¿Se unirá Perú?",
        "¡Sí, en 2025!",
        "El Sr. Pérez habló.",
    ]


def test_russian_abbreviations_do_not_split_but_a_year_ends_a_sentence() -> None:
    text = "Форум пройдёт в г. Москва. Запуск намечен на 2026 г. Об этом сказал Д. Баканов."
    assert split_sentences(text) == [
        "Форум пройдёт в г. Москва.",
        "Запуск намечен на 2026 г.",
        "Об этом сказал Д. Баканов.",
    ]


def test_line_breaks_and_teaser_marks_always_end_a_sentence() -> None:
    text = "Kenya launches a satellite. It will watch crops! Why now? […] officials spoke"
    assert split_sentences(text) == [
        "Kenya launches a satellite.",
        "It will watch crops!",
        "Why now?",
        "officials spoke",
    ]
    assert split_sentences("A headline\nand its lede") == ["A headline", "and its lede"]


@pytest.mark.parametrize(
    "text",
    [
        "  Mixed 中国空间站。 English follows. ¿Y español? भारत।  ",
        "Thrust < 5 kN and mass > 2 t, engineers said. Thrust &lt; 5 kN stays.",
        "No boundary at all",
    ],
)
def test_spans_are_verbatim_slices_of_the_text(text: str) -> None:
    spans = sentence_spans(text)
    assert spans and all(text[a:b] == text[a:b].strip() and text[a:b] for a, b in spans)
    assert [text[a:b] for a, b in spans] == split_sentences(text)
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "")


def test_markup_like_text_is_quoted_verbatim() -> None:
    text = "Thrust &lt; 5 kN and mass &gt; 2 t, engineers said. Thrust < 5 kN and mass > 2 t."
    assert split_sentences(text) == [
        "Thrust &lt; 5 kN and mass &gt; 2 t, engineers said.",
        "Thrust < 5 kN and mass > 2 t.",
    ]


def test_a_lead_cut_to_a_budget_keeps_whole_sentences_only() -> None:
    text = "The U.S. and Egypt met. Dr. Lee spoke at 3.5 p.m. on Monday. Then talks went on."
    assert leading_sentences(text, len(text)) == text
    two = "The U.S. and Egypt met. Dr. Lee spoke at 3.5 p.m. on Monday."
    assert leading_sentences(text, 60) == two
    assert leading_sentences(text, 40) == "The U.S. and Egypt met."
    assert leading_sentences(text, 10) == ""  # the first sentence alone is longer


def test_a_lead_never_ends_on_a_sentence_the_budget_cut() -> None:
    text = "中国空间站将迎来巴基斯坦航天员。这是首位外国航天员！" + "他何时飞行" * 20
    assert leading_sentences(text, 30) == "中国空间站将迎来巴基斯坦航天员。这是首位外国航天员！"
