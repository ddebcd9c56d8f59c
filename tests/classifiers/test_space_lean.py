"""The space lean: the base model's own sense of whether a text is about space at all.

Every text is written for this test from real events (Rwanda and Rosatom's agreement on a
centre for nuclear science and technology, 2018-2019; NigeriaSat-X from Yasny, August 2011;
the Abuja-Kaduna railway, July 2016; a Rosatom small-reactor agreement with Kyrgyzstan,
2022-2023; Ethiopia's ET-SMART-RSS, December 2020), in languages the gazetteer does not
cover.
"""

from __future__ import annotations

import numpy as np
import pytest

from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.features import item_text
from spacebrief.classifiers.space_lean import SPACE_LEAN_BAR, SPACE_LEAN_VERSION, space_lean
from spacebrief.classifiers.types import TextItem

SW_NUCLEAR = TextItem(
    "sw-nuclear",
    "Rwanda na Urusi zasaini mkataba wa kujenga kituo cha utafiti wa nyuklia",
    "Shirika la Rosatom litasaidia kujenga kituo cha sayansi na teknolojia ya nyuklia "
    "mjini Kigali.",
)
HA_SATELLITE = TextItem(
    "ha-sat",
    "Najeriya ta harba tauraron dan Adam NigeriaSat-X daga kasar Rasha",
    "Tauraron dan Adam din, wanda injiniyoyin Najeriya suka kera, zai dauki hotunan doron "
    "kasa daga sararin samaniya.",
)
# (space news, everyday partnership news) in one language.
PAIRS = [
    (
        HA_SATELLITE,
        TextItem(
            "ha-rail",
            "An bude layin dogo na Abuja zuwa Kaduna da kamfanin China ya gina",
            "Kamfanin CCECC na kasar China ne ya gina layin dogon da bashin bankin Exim na China.",
        ),
    ),
    (
        TextItem(
            "ky-sat",
            "Кыргызстандын биринчи спутниги орбитага чыкты",
            "Бишкектеги студенттер жасаган кичинекей спутник ракета менен космоско учурулду.",
        ),
        TextItem(
            "ky-plant",
            "Орусия Кыргызстанда чакан атомдук электр станциясын курууга макул болду",
            "Росатом менен Кыргызстандын энергетика министрлиги келишимге кол коюшту.",
        ),
    ),
    (
        TextItem(
            "am-sat",
            "ኢትዮጵያ ሁለተኛዋን ሳተላይት ከቻይና አመጠቀች",
            "ET-SMART-RSS የተባለችው ሳተላይት በቻይና ድጋፍ ተሠርታ ወደ ምሕዋር ተልካለች።",
        ),
        TextItem(
            "am-visit",
            "የቻይናው ፕሬዚዳንት ሺ ጂንፒንግ ከኢትዮጵያ ጠቅላይ ሚኒስትር ጋር በቤጂንግ ተወያዩ",
            "ሁለቱ መሪዎች በንግድ፣ በኢንቨስትመንት እና በባቡር መስመር ግንባታ ላይ ተስማምተዋል።",
        ),
    ),
]


def _texts(items: list[TextItem]) -> list[str]:
    return [item_text(item.title, item.summary) for item in items]


def test_space_news_leans_towards_space_and_partnership_news_away_in_every_language(
    classifier: Classifier,
) -> None:
    space = space_lean(classifier.judge, _texts([s for s, _ in PAIRS]))
    everyday = space_lean(classifier.judge, _texts([e for _, e in PAIRS]))
    assert (space >= SPACE_LEAN_BAR).all()
    assert (space - everyday > 0.015).all()


def test_the_base_reading_is_float32_unit_vectors_apart_from_the_fine_tuned_one(
    classifier: Classifier,
) -> None:
    texts = _texts([SW_NUCLEAR, HA_SATELLITE])
    base = classifier.judge.base_vectors(texts)
    assert base.dtype == np.float32
    assert np.linalg.norm(base, axis=1) == pytest.approx([1.0, 1.0], abs=1e-5)
    tuned = classifier.judge.item_vectors(texts)
    assert (np.sum(base * tuned, axis=1) < 0.95).all()
    assert classifier.judge.base_vectors(texts[:1]) == pytest.approx(base[:1], abs=1e-5)


def test_an_ungated_story_the_judge_passes_is_off_theme_when_it_is_not_about_space(
    classifier: Classifier,
) -> None:
    # A Russian-built nuclear research centre in Swahili: no keyword gate, and the
    # fine-tuned judge passes it over the strict ungated bar; the base model reads a
    # reactor, not space. (The refitted heads of rules 32 and 33, not shipped, read the
    # Chinese-built railway this test used before at 0.70, under the bar: every head
    # tried so far passes this story.)
    plant, satellite = [SW_NUCLEAR, HA_SATELLITE]
    scores = classifier.score(_texts([plant, satellite]))
    assert not scores.gate.any() and not scores.space_only.any()
    strict = classifier.head.ungated_relevance_threshold
    assert (scores.relevance >= strict).all()
    assert scores.space_lean[0] < SPACE_LEAN_BAR <= scores.space_lean[1]
    centre, launch = classifier.classify([plant, satellite])
    assert not centre.relevant and not centre.labels
    assert launch.relevant


def test_the_lean_is_read_only_for_ungated_items_the_judge_would_pass(
    classifier: Classifier,
) -> None:
    # It costs a float32 pass of the base model, so items it cannot change skip it.
    gated = TextItem(
        "gated",
        "Bolivia joins the China-led International Lunar Research Station",
        "La Paz signed a cooperation document with the China National Space Administration.",
    )
    sport = TextItem("sport", "Liverpool beat Everton 2-0 at Anfield", "Both goals came late.")
    scores = classifier.score(_texts([gated, sport]))
    assert scores.gate[0] and np.isinf(scores.space_lean).all()


def test_the_classifier_version_names_the_lean_so_a_new_phrase_redoes_stored_verdicts(
    classifier: Classifier,
) -> None:
    assert SPACE_LEAN_VERSION in classifier.version


def test_a_float32_judge_reads_the_base_with_the_model_it_was_built_from(
    classifier: Classifier,
) -> None:
    # In float32 nothing was cast or replaced under the copied top layers, so no second
    # copy of the base loads; the reading is the one a separately loaded base gives.
    import torch

    from spacebrief.classifiers.judge import Judge

    judge = Judge(classifier.judge.fitted, dtype=torch.float32)
    texts = _texts([SW_NUCLEAR, HA_SATELLITE])
    assert judge._float32_base.embeddings is judge.embeddings
    assert judge.base_vectors(texts) == pytest.approx(
        classifier.judge.base_vectors(texts), abs=1e-4
    )
