"""Is a sentence a model wrote supported by the items it cites? Names, numbers, events.

A citation check alone lets a model publish "Egypt has secretly withdrawn from the Artemis
Accords [5]" as fact, with [5]'s authority, when item 5 says nothing of the kind. So each
sentence is held to the text of the items it cites, on the parts of a claim a reader
acts on:

- figures: every number it states (digits, or a count in words) is in the cited text;
- names: every actor it names (countries, agencies, companies: `digest/actors.py`, so
  "Beijing" and "Chinese" are China in every language the gazetteer knows; Western
  powers: the gazetteer's `west` group) is named in the cited text, and so is every
  other capitalised word (a programme, a person, a mission), so swapping Egypt for
  Kenya, or inventing "Artemis Accords", is refused;
- events and their polarity: a joining, a withdrawal, a launch, a failure, a rise, a
  fall, sanctions imposed or lifted, each a class of English verbs and nouns; a class the
  sentence asserts must be asserted by the cited text too, with the same negation ("did
  not renew" is not "renewed"), so an invented withdrawal or a reversed verb is refused;
- who did it: when the cited text says which actors did an event of that class, the
  sentence's actor (the nearest one before the verb) must be one of them, so "Russia
  withdrew" is refused where the item says "Western partners had withdrawn".

The text is split into sentences by the project's segmenter. It is deliberately strict:
a sentence it cannot verify is refused, and the edition keeps the paragraph written from
measured facts. The English lexicon is the limit: a paraphrase with a verb outside it
passes the event check, and evidence in another language supports names (the gazetteer
is multilingual) but no English event. `bench/llm_faithfulness.py` measures both kinds of
error on written adversarial and faithful answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacebrief.classifiers.gazetteer import matches, spans
from spacebrief.digest.actors import actor_mentions
from spacebrief.segmenter.sentences import split_sentences
from spacebrief.segmenter.tokens import tokens

_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "thirty": "30",
    "fifty": "50",
    "hundred": "100",
    "dozen": "12",
}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<![\w’'-])[A-Z][\w’'-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
_ALIASES = {"US": "the United States"}  # "us" lower-cased is a pronoun: not in actors.py
# Gazetteer groups naming one programme or body each: "ILRS" is supported by "the
# International Lunar Research Station", "Tiangong" by "the Chinese space station".
_NAME_GROUPS = ("ilrs", "artemis_accords", "tiangong")
_PLACE_GROUPS = ("global_south", "west", "india", "china", "russia")

# Event classes: stems of English verbs and nouns. Opposite classes are separate, so a
# sentence asserting one is never supported by evidence asserting only the other.
_EVENTS: dict[str, str] = {
    "join": r"join|sign(?:s|ed|ing)?\b|signator|accede|accession|ratif|enter(?:s|ed)? into|"
    r"becom\w* (?:a |an |the )?(?:\w+ )?(?:partner|member)|admit|renew|"
    r"extend(?:s|ed)? (?:its|their|the)",
    "leave": r"withdr[ae]w|withdrawal|leav(?:e|es|ing)\b|left\b|quit|exit|pull(?:s|ed|ing)? out|"
    r"abandon|renounc|suspend|suspension|cancel|terminat|scrap|back(?:s|ed)? out|"
    r"drop(?:s|ped)? out|wind(?:s|ing)? down|wound down|not renew|end(?:s|ed)? (?:its|their|the)",
    "train": r"train(?:s|ed|ing)?\b",
    "build": r"buil[dt]|construct|develop(?:s|ed)\b|design(?:s|ed)\b|manufactur",
    "open": r"open(?:s|ed|ing)?\b|inaugurat|unveil",
    "close": r"clos(?:e|es|ed|ing|ure)\b|shut",
    "launch": r"launch|lift(?:s|ed)? off|reach(?:es|ed)? orbit|deploy",
    "fail": r"fail|explod|explosion|crash|destroyed|anomal|delay|postpon|scrub|slip|"
    r"put(?:s|ting)? off|push(?:es|ed)? back",
    "rise": r"\brise|\brose|risen|increas|grow|grew|expand|boost|doubl|surg",
    "fall": r"\bfall|\bfell|decreas|declin|shrink|shrank|reduc|\bcut|slump|plunge",
    "sanction": r"sanction|impos|blacklist|export ban|export control|embargo|tighten|"
    r"add\w* (?:[\w-]+ ){0,6}to (?:\w+ ){0,2}sanction",
    "lift": r"lift(?:s|ed|ing)? (?:the |its |their |some |all )?(?:sanction|ban|embargo|"
    r"restriction|export control)|eas(?:e|es|ed|ing) (?:the )?(?:sanction|restriction)|"
    r"(?:sanction|ban|embargo|restriction)s? (?:\w+ ){0,2}(?:lifted|eased|removed)|"
    r"remov\w* (?:[\w-]+ ){0,6}from (?:\w+ ){0,2}sanction|delist|"
    r"t(?:ake|akes|aking|ook|aken) (?:[\w-]+ ){0,6}off (?:\w+ ){0,2}sanction",
}
_EVENT_WORDS = {
    "join": "a joining or signing",
    "leave": "a withdrawal or ending",
    "train": "training",
    "open": "an opening",
    "close": "a closing",
    "build": "building",
    "launch": "a launch",
    "fail": "a failure or delay",
    "rise": "a rise",
    "fall": "a fall",
    "sanction": "sanctions imposed",
    "lift": "sanctions lifted",
}
_EVENT_PATTERNS = {  # a match runs to the end of its word: "launch" takes all of "launches"
    name: re.compile(rf"(?<![\w-])(?:{pattern})\w*", re.IGNORECASE)
    for name, pattern in _EVENTS.items()
}
_NEGATION = re.compile(
    r"\b(?:not|never|no longer|no plans? to|neither|nor|without|denie[sd]|refus\w*|"
    r"declin\w* to)\b|n't\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[,;:]|\s(?:but|though|although|while|whereas)\s", re.IGNORECASE)
_PASSIVE_BY = re.compile(r"^\W*(?:\w+\W+){0,3}?by\b", re.IGNORECASE)
_HELPED_BY = re.compile(
    r"^\W*(?:\w+\W+){0,3}?with (?:the )?(?:support|help|assistance) (?:of|from)\b", re.IGNORECASE
)


def figures(text: str) -> set[str]:
    found = set(_FIGURE.findall(text))
    found.update(_NUMBER_WORDS[w.lower()] for w in _NUMBER_WORD.findall(text))
    return found


def _actors(text: str) -> list[tuple[str, int, int]]:
    named = [(m.name, m.start, m.end) for m in actor_mentions(text)]
    named.extend(("the West", start, end) for start, end in spans(text, "west"))
    return sorted(named, key=lambda a: (a[1], a[2], a[0]))


@dataclass(frozen=True)
class _Event:
    kind: str  # a key of _EVENTS
    negated: bool
    doers: frozenset[str]  # the actors who did it, when the sentence says
    anchors: frozenset[str]  # what it was done to: terms after the event word (else before)
    terms: frozenset[str]  # every term of its sentence, to meet another's anchors


def _terms(text: str) -> set[str]:
    """Word stems (five letters: "stations" meets "station"), actor names and programme
    names ("ILRS" meets "International Lunar Research Station") of a text."""
    found = {token[:5] for token in tokens(text) if not token.isdigit()}
    found |= {f"[{group}]" for group in _NAME_GROUPS if matches(text, group)}
    return found | {name for name, _, _ in _actors(text)}


def _events(sentence: str) -> list[_Event]:
    """Each event the sentence states, with its negation, its doers and its anchors.

    Where two classes match overlapping words the longer match wins: "lifts sanctions"
    is a lifting, not also an imposing. A launch beside a failure or a delay in the same
    sentence ("the launch was postponed") is not a launch.
    """
    matches = sorted(
        (
            (name, m)
            for name, pattern in _EVENT_PATTERNS.items()
            for m in pattern.finditer(sentence)
        ),
        key=lambda found: (found[1].start() - found[1].end(), found[1].start()),
    )
    kept: list[tuple[str, re.Match[str]]] = []
    for name, match in matches:
        if all(match.end() <= m.start() or match.start() >= m.end() for _, m in kept):
            kept.append((name, match))
    failed = any(name == "fail" for name, _ in kept)
    actors = _actors(sentence)
    terms = frozenset(_terms(sentence))
    found = []
    for name, match in sorted(kept, key=lambda found: found[1].start()):
        before = sentence[max(0, match.start() - 40) : match.start()]
        negated = bool(_NEGATION.search(before.split(",")[-1])) or (name == "launch" and failed)
        clause = re.split(r"[,;:]| and | but | while ", sentence[match.end() :])[0]
        anchors = _terms(" ".join(clause.split()[:8])) or _terms(" ".join(before.split()[-8:]))
        # A gerund or noun ("final training in China") says nothing of who does it.
        verb = not match[0].lower().endswith("ing")
        doers = (_doer(sentence, actors, match.start(), match.end()) if verb else None) or set()
        found.append(_Event(name, negated, frozenset(doers), frozenset(anchors), terms))
    return found


def _doer(
    sentence: str, actors: list[tuple[str, int, int]], start: int, end: int
) -> set[str] | None:
    """The actors nearest before the event word; after "by" for a passive ("... by China")."""
    after = sentence[end:]
    by = _PASSIVE_BY.match(after)
    helped = _HELPED_BY.match(after)
    agents: set[str] = set()
    for marker in (by, helped):
        following = [a for a in actors if marker and a[1] >= end + marker.end()]
        if following:
            agents |= {a[0] for a in following if a[1] == following[0][1]}
    if by:
        return agents or None
    preceding = [a for a in actors if a[2] <= start]
    if preceding:
        last = max(a[1] for a in preceding)
        agents |= {a[0] for a in preceding if a[1] == last}
    return agents or None


def _evidence_events(evidence: str) -> list[_Event]:
    return [event for sentence in split_sentences(evidence) for event in _events(sentence)]


def _literal(word: str, lowered_evidence: str) -> bool:
    stem = _POSSESSIVE.sub("", word).lower()
    return bool(stem) and re.search(rf"(?<!\w){re.escape(stem)}", lowered_evidence) is not None


def moved_figures(sentence: str, evidence: str) -> str | None:
    """The figures check alone (what the check was before names and events were added)."""
    moved = sorted(figures(sentence) - figures(evidence))
    if moved:
        return f"it states {', '.join(moved)}, which the items it cites do not"
    return None


def unsupported(sentence: str, evidence: str) -> str | None:
    """Why the cited text does not support `sentence` (a clause), or None when it does."""
    moved = moved_figures(sentence, evidence)
    if moved:
        return moved
    sentence_actors = _actors(sentence)
    evidence_names = {name for name, _, _ in _actors(evidence)}
    absent = sorted({name for name, _, _ in sentence_actors} - evidence_names)
    if absent:
        return f"it names {', '.join(absent)}, which the items it cites do not"
    covered = [(start, end) for _, start, end in sentence_actors]
    lowered = evidence.lower()
    for match in _CAPITALISED.finditer(sentence):
        inside = any(start <= match.start() < end for start, end in covered)
        if inside or len(match[0]) < 2:
            continue
        opening = not sentence[: match.start()].strip(" \"'“‘«(")
        if opening and not any(matches(match[0], group) for group in _PLACE_GROUPS):
            continue  # capitalised as the first word; a country ("Ghana became...") is not
        if _ALIASES.get(match[0]) in evidence_names or any(
            matches(match[0], group) and matches(evidence, group) for group in _NAME_GROUPS
        ):
            continue
        if not _literal(match[0], lowered):
            return f"it names {match[0]}, which the items it cites do not"
    flipped = _negation_flipped(sentence, evidence)
    if flipped:
        return flipped
    stated = _evidence_events(evidence)
    for event in _events(sentence):
        what = _EVENT_WORDS[event.kind]
        same = [e for e in stated if (e.kind, e.negated) == (event.kind, event.negated)]
        if not same:
            verb = "denies" if event.negated else "asserts"
            return f"it {verb} {what}, which the items it cites do not"
        if event.anchors:
            same = [e for e in same if event.anchors & e.terms]
            if not same:
                return f"it asserts {what} of something the items it cites do not"
        known = [e.doers for e in same if e.doers]
        if event.doers and known and not any(event.doers & k for k in known):
            return (
                f"it gives {what} to {_and(sorted(event.doers))}, where the items it cites "
                f"give it to {_and(sorted(frozenset().union(*known)))}"
            )
    return None


def _clauses(text: str) -> list[str]:
    return [
        clause
        for sentence in split_sentences(text)
        for clause in _CLAUSE_BREAK.split(sentence)
        if clause.strip()
    ]


def _negation_flipped(sentence: str, evidence: str) -> str | None:
    """A "not" the closest cited clause lacks, or the reverse, whatever the verb."""
    units = [(_terms(clause), bool(_NEGATION.search(clause))) for clause in _clauses(evidence)]
    for clause in _clauses(sentence):
        terms = _terms(clause)
        scored = [(len(terms & unit), negated) for unit, negated in units]
        best = max((score for score, _ in scored), default=0)
        if best < 3:
            continue  # no one clause of the evidence says the same thing
        negated = bool(_NEGATION.search(clause))
        if negated in {flag for score, flag in scored if score == best}:
            continue
        if negated:
            return "it negates what the closest clause of the items it cites states"
        return "it states what the closest clause of the items it cites negates"
    return None


def _and(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
