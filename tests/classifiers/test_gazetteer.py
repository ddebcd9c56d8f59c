"""The gazetteer's features mean the same thing in every language and only at word starts."""

from __future__ import annotations

import pytest

from spacebrief.classifiers.gazetteer import FEATURE_NAMES, entity_features, matches


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Kina i Rusija predstavile plan lunarne postaje", "china"),
        ("Kina i Rusija predstavile plan lunarne postaje", "russia"),
        ("Stația Internațională de Cercetare Lunară", "ilrs"),
        ("中国空间站迎来首位外国航天员", "tiangong"),
        ("Sancțiunile occidentale lovesc Roscosmos", "sanctions"),
        ("Russland trekker seg ut etter sanksjoner", "sanctions"),
        ("चीन और पाकिस्तान के बीच समझौता", "global_south"),
        ("చైనా మరియు పాకిస్తాన్ ఒప్పందం", "cooperation"),
        ("Afrikanski savez i Afrički svemirski agencija", "global_south"),
        ("Африканский союз создаёт космическое агентство", "regional_body"),
        ("The UN committee met in Vienna", "un_governance"),
        ("Les Nations unies adoptent le rapport", "un_governance"),
        # The Global South in the scripts of the news about it (7 December).
        ("ضياع أول قمر صناعي عُماني", "global_south"),
        ("马来西亚与垣信卫星签署合作备忘录", "global_south"),
        ("Казахстан запустил спутник на «Союзе»", "global_south"),
        ("Azərbaycanın peyki orbitə çıxdı", "global_south"),
        ("Argelia lanza su satélite Alcomsat-1", "global_south"),
        ("ケニア初の人工衛星が軌道へ", "global_south"),
        # Turkish capital İ lower-cases to i and a combining dot; the dot must not hide a name.
        ("İran'ın Payam uydusu yörüngeye ulaşamadı", "global_south"),
        ("ভারতের জিস্যাট-১৮ কক্ষপথে গেল", "india"),
        ("インドの衛星が打ち上げられた", "india"),
    ],
)
def test_names_are_found_in_the_languages_feeds_come_in(text: str, group: str) -> None:
    assert matches(text, group)


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Eclipsă parțială de Soare vizibilă din România", "global_south"),  # r-OMAN-ia
        ("Crew arrival at the station was delayed", "lunar_rivalry"),  # ar-RIVAL
        ("Determining the orbit took two days", "resources"),  # deter-MINING
        ("According to officials, the launch slipped", "cooperation"),
        ("Un satellite français observe la Terre", "un_governance"),  # French "un"
        ("Esa decisión llegó tarde", "west"),  # Spanish "esa", not ESA
        ("Don't miss the meteor shower", "aid"),
        ("A reception for the crew", "off_space"),
        ("Евросоюз выделил средства", "routine_ops"),  # евро-СОЮЗ is not Soyuz
        ("A Soyuz rocket carried Iran's satellite", "routine_ops"),  # only Soyuz MS crews
        ("प्राचीन भारत के खगोलशास्त्री और उपग्रह", "china"),  # प्रा-चीन, "ancient"
        ("প্রাচীন জ্যোতির্বিদ্যা ও উপগ্রহ", "china"),  # Bengali প্রা-চীন, "ancient"
        ("우주 협력이란 무엇인가", "global_south"),  # Korean -이란 is a particle, not Iran
        ("الدعم المالي للبرنامج", "global_south"),  # Arabic مالي, "financial", not Mali
        ("卫星在内蒙古着陆场着陆", "global_south"),  # Inner Mongolia, not Mongolia
        ("インドネシアの衛星", "india"),  # Indonesia, not India
    ],
)
def test_a_name_inside_another_word_or_a_look_alike_does_not_count(text: str, group: str) -> None:
    assert not matches(text, group)


def test_each_text_gets_one_zero_or_one_column_per_group() -> None:
    features = entity_features(["Pakistan joins the ILRS", "Lemon cake recipe"])
    assert features.shape == (2, len(FEATURE_NAMES))
    assert set(features.ravel()) <= {0.0, 1.0}
    pakistan, cake = (dict(zip(FEATURE_NAMES, row, strict=True)) for row in features)
    assert pakistan["global_south"] == pakistan["ilrs"] == 1.0
    assert cake["off_space"] == 1.0 and cake["global_south"] == 0.0
