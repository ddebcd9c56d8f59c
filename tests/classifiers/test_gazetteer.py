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
        # Actors the unseen fresh sets named in words the gazetteer lacked (rule 27).
        ("Séisme en Haïti : la Charte internationale activée", "global_south"),
        ("La RDC accorde une licence à Starlink", "global_south"),
        ("북한 첫 군사정찰위성 발사 실패", "global_south"),
        ("أول قمر صناعي كويتي يصل إلى المدار", "global_south"),
        ("Türk Silahlı Kuvvetleri için geliştirilen uydu", "global_south"),
        ("Chadi ta bai wa Starlink lasisin samar da intanet", "global_south"),
        ("中欧合作，我国首颗卫星发射成功", "china"),
        ("Rumunia przystępuje do porozumień Artemis", "artemis_accords"),
        ("한국, 아르테미스 약정 서명", "artemis_accords"),
        ("Пољска потписала споразуме Артемис", "space"),
        ("Србија приступила Међународној лунарној истраживачкој станици", "ilrs"),
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
        # Common words that contain a space word (rule 27).
        ("Climate change tops the summit agenda", "space"),  # not Chang'e
        ("Esa empresa firmó el contrato", "space"),  # Spanish "esa", not ESA
        ("بناء مدارس وطرق ومستشفيات", "space"),  # مدارس "schools", not مدار "orbit"
        ("拉合尔轨道交通橙线正式开通运营", "space"),  # 轨道交通 "rail transit", not orbit
    ],
)
def test_a_name_inside_another_word_or_a_look_alike_does_not_count(text: str, group: str) -> None:
    assert not matches(text, group)


@pytest.mark.parametrize(
    "text",
    [
        "Chang'e-6 returns samples",
        "Change-5 samples reach Beijing",
        "The ESA council met",
        "嫦娥六号",
    ],
)
def test_the_space_words_behind_the_false_senses_are_still_found(text: str) -> None:
    assert matches(text, "space")


def test_each_text_gets_one_zero_or_one_column_per_group() -> None:
    features = entity_features(["Pakistan joins the ILRS", "Lemon cake recipe"])
    assert features.shape == (2, len(FEATURE_NAMES))
    assert set(features.ravel()) <= {0.0, 1.0}
    pakistan, cake = (dict(zip(FEATURE_NAMES, row, strict=True)) for row in features)
    assert pakistan["global_south"] == pakistan["ilrs"] == 1.0
    assert cake["off_space"] == 1.0 and cake["global_south"] == 0.0
