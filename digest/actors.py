"""The actors an analyst tracks across stories: countries, agencies, companies, programmes.

China and Russia are matched with the classifier's gazetteer groups (every language of
the feeds); the others by their names and common spellings in the feeds' main scripts.
Counting distinct stories, not items, keeps one syndicated event from looking like a
trend of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacebrief.classifiers.gazetteer import matches, spans

_B = r"(?<![\w])"  # a name starts a word (CJK names are matched anywhere)

COUNTRIES: dict[str, str] = {
    "the United States": r"united states|\bu\.s\.|\busa\b|washington|\bсша\b|美国|الولايات المتحدة",
    "India": r"india\b|indian\b|भारत|印度|الهند|инди[яи]",
    "Pakistan": r"pakistan|باكستان|巴基斯坦|пакистан|पाकिस्तान",
    "Egypt": r"egypt|مصر|埃及|египет",
    "Nigeria": r"nigeria|نيجيريا|尼日利亚|нигери",
    "Kenya": r"kenya|كينيا|肯尼亚|кени[яи]",
    "South Africa": r"south africa|南非|юар|جنوب أفريقيا",
    "Brazil": r"brazil|brasil|巴西|бразили|البرازيل",
    "Argentina": r"argentin|阿根廷|аргентин",
    "Thailand": r"thailand|thai\b|泰国|таиланд",
    "Indonesia": r"indonesia|印度尼西亚|индонези",
    "Iran": r"iran\b|iranian|伊朗|иран|إيران",
    "Türkiye": r"turkey|türkiye|turkish|土耳其|турци",
    "the UAE": r"\buae\b|emirat|الإمارات|阿联酋|оаэ",
    "Saudi Arabia": r"saudi|السعودية|沙特",
    "Ethiopia": r"ethiopia|إثيوبيا|埃塞俄比亚|эфиопи",
    "Bangladesh": r"bangladesh|বাংলাদেশ|孟加拉",
    "Venezuela": r"venezuela|委内瑞拉|венесуэл",
    "Senegal": r"senegal|sénégal|塞内加尔",
    "Rwanda": r"rwanda|卢旺达",
    "Algeria": r"algeria|algérie|الجزائر|阿尔及利亚",
    "Japan": r"japan|日本|япони",
    "Vietnam": r"vietnam|viet nam|越南|вьетнам",
}
AGENCIES: dict[str, str] = {
    "NASA": r"nasa\b|наса|美国航天局",
    "CNSA": r"cnsa\b|china national space administration|国家航天局",
    "Roscosmos": r"roscosmos|roskosmos|роскосмос",
    "ESA": r"\besa\b|european space agency",
    "ISRO": r"isro\b|इसरो",
    "JAXA": r"jaxa\b",
    "the African Space Agency": r"african space agency|afsa\b",
    "APSCO": r"apsco\b|asia-pacific space cooperation",
    "the UN space committee": r"copuos|unoosa|peaceful uses of outer space",
    "the People's Liberation Army": r"people's liberation army|\bpla\b|ejército popular de "
    r"liberación|armée populaire de libération|народно-освободительн|解放军",
}
COMPANIES: dict[str, str] = {
    "SpaceX": r"spacex|starlink|crew dragon|falcon 9",
    "China Great Wall Industry": r"great wall industry|cgwic|中国长城工业",
    "CASC": r"\bcasc\b|china aerospace science and technology",
    "OneWeb": r"oneweb|eutelsat",
    "Axiom Space": r"axiom",
    "Blue Origin": r"blue origin",
    "Airbus": r"airbus",
    "Thales Alenia Space": r"thales",
}
# Programmes an analyst follows, named in English whatever the story's language. The lunar
# alliances use the classifier's gazetteer groups; the others are specific names (the
# gazetteer's "tiangong" group also takes any "Chinese space station", which in Spanish
# is the Neuquén ground station too).
PROGRAMMES: dict[str, str] = {
    "Tiangong": r"tiangong|тяньгун|تيانغونغ|तियांगोंग|天宫",
    "BeiDou": r"beidou|бэйдоу|бейдоу|بيدو|बेइदोउ|北斗",
    "GLONASS": r"glonass|глонасс|غلوناس|ग्लोनास|格洛纳斯",
    "the ISS": r"\biss\b|мкс\b|international space station|estación espacial internacional|"
    r"station spatiale internationale|международн\w* космическ\w* станци|国际空间站",
    "Chang'e": r"chang.?e\b|chang.?e-\d|чанъэ|嫦娥",
}
_GAZETTEER = {"China": "china", "Russia": "russia"}
_GAZETTEER_PROGRAMMES = {
    "the International Lunar Research Station": "ilrs",
    "the Artemis Accords": "artemis_accords",
}


def _compile(pattern: str) -> re.Pattern[str]:
    parts = pattern.split("|")
    return re.compile(
        "|".join(p if re.match(r"[\u3040-\u9fff]", p) else _B + p for p in parts),
        re.IGNORECASE,
    )


_PATTERNS = {
    kind: {name: _compile(pattern) for name, pattern in table.items()}
    for kind, table in (
        ("country", COUNTRIES),
        ("agency", AGENCIES),
        ("company", COMPANIES),
        ("programme", PROGRAMMES),
    )
}


@dataclass(frozen=True)
class ActorCount:
    name: str
    kind: str  # country | agency | company | programme
    story_ids: tuple[str, ...]  # the stories naming the actor, in the order given


def actor_counts(stories: Sequence[tuple[str, str]]) -> list[ActorCount]:
    """Actors named in (story id, text) pairs, most stories first (ties by name)."""
    found: list[ActorCount] = []
    for name, group in _GAZETTEER.items():
        ids = tuple(sid for sid, text in stories if matches(text, group))
        if ids:
            found.append(ActorCount(name, "country", ids))
    for name, group in _GAZETTEER_PROGRAMMES.items():
        ids = tuple(sid for sid, text in stories if matches(text, group))
        if ids:
            found.append(ActorCount(name, "programme", ids))
    for kind, table in _PATTERNS.items():
        for name, pattern in table.items():
            ids = tuple(sid for sid, text in stories if pattern.search(text))
            if ids:
                found.append(ActorCount(name, kind, ids))
    return sorted(found, key=lambda a: (-len(a.story_ids), a.name))


@dataclass(frozen=True)
class ActorMention:
    name: str
    kind: str  # country | agency | company
    start: int
    end: int


def actor_mentions(text: str) -> list[ActorMention]:
    """Every actor named in `text`, where it stands, in reading order (the same names as
    `actor_counts`; "Beijing" and "Chinese" are China, "Moscow" is Russia)."""
    found = [
        ActorMention(name, "country", start, end)
        for name, group in _GAZETTEER.items()
        for start, end in spans(text, group)
    ]
    for kind, table in _PATTERNS.items():
        for name, pattern in table.items():
            found.extend(ActorMention(name, kind, *m.span()) for m in pattern.finditer(text))
    return sorted(found, key=lambda m: (m.start, m.end, m.name))
