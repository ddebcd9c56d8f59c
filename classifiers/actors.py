"""The actors an item names, each under one English name, in every language of the feeds.

The gazetteer (`gazetteer.py`) answers yes or no ("does the text name a Global South
country?"); analysts want to know which one: "which countries were named most this
month" should not need a hand-written list and a regex. Both read one table,
`spellings.SPELLINGS`: every spelling of the gazetteer's actor groups under the actor it
names (one English name and a kind), or under nothing for words that name no single
actor ("developing countries", "governance"), so the two cannot drift apart. `EXTRA` adds
actors the gazetteer does not spell out (JAXA, SUPARCO, Blue Origin, Shenzhou...), and
spellings that must win over a shorter one starting at the same place ("nigeria" over
"niger").

Matching follows the gazetteer's rules: the text is lower-cased once, a spelling starts
a word (no Latin or Cyrillic letter just before it), scripts without spaces match
anywhere, and short upper-case abbreviations (UN, USA, EU, ESA) are matched as written.
Where spellings overlap at one position the longest pattern is tried first, so
"印度尼西亚" is Indonesia, not India, and "south asia satellite" a programme, not a region.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from spacebrief.classifiers.gazetteer import lowered
from spacebrief.classifiers.spellings import (
    CHANG_E,
    CHANG_E_NUMBERED,
    CHINA,
    ESA,
    SPELLINGS,
    UN,
    UNITED_STATES,
    Actor,
    country,
)

MAX_TEXT_CHARS = 20_000  # an article's first 20,000 characters name its actors


@dataclass(frozen=True)
class NamedActor:
    """An actor as one text names it: how often, and whether its headline does."""

    actor: Actor
    mentions: int
    in_title: bool


# Actors the gazetteer does not spell out, and spellings that must beat a shorter one.
EXTRA: dict[Actor, str] = {
    CHINA: "кита[яюе]|китаем",  # the gazetteer's "китай" misses the other cases
    country("Nigeria"): "nigeria",
    Actor("the People's Liberation Army", "agency"): "people's liberation army|"
    "ejército popular de liberación|armée populaire de libération|"
    "народно-освободительн\\w* арми|解放军",
    country("Niger"): "niger\\b",
    country("South Sudan"): "south sudan",
    country("Equatorial Guinea"): "equatorial guinea",
    country("Guinea-Bissau"): "guinea-bissau",
    country("Papua New Guinea"): "papua new guinea",
    country("South Africa"): "юар|جنوب أفريقيا",
    country("Kenya"): "кени[яи]",
    country("Thailand"): "thai\\b",
    country("the UAE"): "оаэ",
    country("Ethiopia"): "эфиопи",
    Actor("the African Space Agency", "agency"): "африканск\\w* космическ\\w* агентств",
    Actor("the African Union", "organisation"): "африканск\\w* союз",
    ESA: "european space agency",
    Actor("CNSA", "agency"): "china national space administration",
    Actor("CMSA", "agency"): "china manned space",
    Actor("JAXA", "agency"): "jaxa\\b",
    Actor("SUPARCO", "agency"): "suparco",
    Actor("Blue Origin", "company"): "blue origin",
    Actor("Airbus", "company"): "airbus",
    Actor("Thales Alenia Space", "company"): "thales",
    Actor("China Great Wall Industry", "company"): "cgwic|中国长城工业",
    Actor("CASC", "company"): "china aerospace science and technology",
    Actor("OneWeb", "company"): "eutelsat",
    Actor("Chang'e", "programme"): rf"{CHANG_E}\b|{CHANG_E_NUMBERED}|嫦娥",
    Actor("Shenzhou", "programme"): "shenzhou|神舟",
    Actor("Gaganyaan", "programme"): "gaganyaan",
    Actor("Chandrayaan", "programme"): "chandrayaan|चंद्रयान",
    Actor("the ISS", "programme"): "international space station|iss\\b|мкс\\b",
    Actor("the Artemis programme", "programme"): "artemis\\b",
}

# Abbreviations matched as written (lower-cased they are common words).
CASED: dict[Actor, str] = {
    UN: "UN|ONU|OSN|OON|ONZ|FN|UNO|ООН|PBB",
    UNITED_STATES: "USA|US|SUA|SAD",
    Actor("the European Union", "organisation"): "UE|EU",
    ESA: "ESA",
}

# A spelling starts a word: no Latin or Cyrillic letter just before it (as the gazetteer).
_WORD_START = r"(?<![a-zß-ÿāăąćčďđēęěğıľłńňőœřśşšţťůűźżžșțа-яё])"


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex (`a|b(?:c|d)|e` -> a, b(?:c|d), e)."""
    out: list[str] = []
    depth, start, index = 0, 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            out.append(pattern[start:index])
            start = index + 1
        index += 1
    out.append(pattern[start:])
    return out


def _spellings() -> Iterator[tuple[str, Actor | None]]:
    for actor, pattern in EXTRA.items():
        yield from ((spelling, actor) for spelling in alternatives(pattern))
    for table in SPELLINGS.values():
        for maybe_actor, pattern in table.items():
            yield from ((spelling, maybe_actor) for spelling in alternatives(pattern))


@dataclass(frozen=True)
class _Matcher:
    """One alternation of every spelling (longest pattern first, no capture groups: with
    one group per spelling Python's `re` runs 100x slower), then, for each match, the
    spellings that start with its first character, tried in the same order, say whose.
    A spelling carried by two groups names each actor once (中俄: China and Russia)."""

    lowered: re.Pattern[str]
    by_first_char: dict[str, tuple[tuple[re.Pattern[str], tuple[Actor, ...]], ...]]
    cased: re.Pattern[str]
    cased_actors: tuple[Actor, ...]


@cache
def _matcher() -> _Matcher:
    actors: dict[str, list[Actor]] = {}
    for spelling, actor in _spellings():
        named = actors.setdefault(spelling, [])
        if actor is not None and actor not in named:
            named.append(actor)
    spellings = sorted(actors, key=len, reverse=True)  # stable: EXTRA first on ties
    buckets: dict[str, list[tuple[re.Pattern[str], tuple[Actor, ...]]]] = {}
    for spelling in spellings:
        buckets.setdefault(spelling[0], []).append((re.compile(spelling), tuple(actors[spelling])))
    return _Matcher(
        lowered=re.compile(_WORD_START + "(?:" + "|".join(spellings) + ")"),
        by_first_char={char: tuple(found) for char, found in buckets.items()},
        cased=re.compile("|".join(rf"\b({pattern})\b" for pattern in CASED.values())),
        cased_actors=tuple(CASED),
    )


def actor_spans(text: str) -> Iterator[tuple[Actor, int, int]]:
    """Each actor `text` names, with where its spelling stands (start, end)."""
    matcher = _matcher()
    lower = lowered(text)
    for match in matcher.lowered.finditer(lower):
        start, end = match.span()
        for pattern, named in matcher.by_first_char.get(lower[start], ()):
            found = pattern.match(lower, start)
            if found is not None and found.end() == end:
                yield from ((actor, start, end) for actor in named)
                break
    for match in matcher.cased.finditer(text):
        yield matcher.cased_actors[(match.lastindex or 1) - 1], *match.span()


def _found(text: str) -> Iterator[Actor]:
    return (actor for actor, _, _ in actor_spans(text))


def named_actors(title: str, body: str = "") -> tuple[NamedActor, ...]:
    """The actors a headline and its text name, most mentioned first (ties: by name)."""
    in_title = set(_found(title))
    counts: dict[Actor, int] = {}
    for actor in (*_found(title), *_found(body[:MAX_TEXT_CHARS])):
        counts[actor] = counts.get(actor, 0) + 1
    return tuple(
        NamedActor(actor, mentions, actor in in_title)
        for actor, mentions in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].name))
    )
