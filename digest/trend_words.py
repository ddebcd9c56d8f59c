"""What a trend's movement means, said plainly: "More countries founding space agencies and
acquiring satellites: the barriers to space keep falling."

A declining trend states a decline, so a reader of "↑ more signs of the decline (D5)"
cannot tell what declines. Each trend of the taxonomy gets here what its supporting
stories show (a plural noun phrase) and what that means for its statement (a clause);
the line says which way the stories moved. The words are keyed by the trend's short name
(`seeds/taxonomy.yaml`), which the evaluation README fixes; a trend added to the taxonomy
without words here is described from its own statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacebrief.digest.types import Momentum


@dataclass(frozen=True)
class TrendWords:
    shows: str  # what a supporting story shows, as a plural noun phrase
    means: str  # what more of them means for the statement
    subject: str  # the trend in a few words, for prose ("China's role as a space mentor")


WORDS: dict[str, TrendWords] = {
    "china-mentor": TrendWords(
        "Chinese satellites, training and know-how for developing nations",
        "China's role as their space mentor keeps growing",
        "China's role as a space mentor",
    ),
    "rival-blocs": TrendWords(
        "moves that line countries up behind the ILRS or the Artemis Accords",
        "the split into two lunar blocs deepens",
        "the split into rival lunar blocs",
    ),
    "space-for-development": TrendWords(
        "satellites put to work on farming, floods, climate and connectivity",
        "space keeps serving the South's development",
        "space put to work for development",
    ),
    "space-diplomacy": TrendWords(
        "space deals used to court South Asian, Arab and African states",
        "space is a working tool of diplomacy, China's above all",
        "space as a tool of diplomacy",
    ),
    "sovereign-capability": TrendWords(
        "developing nations building their own satellites and skills",
        "they depend less on others",
        "developing nations' own space capabilities",
    ),
    "south-in-governance": TrendWords(
        "Global South voices in UN and other space forums",
        "the South has a growing say in how space is governed",
        "the Global South's voice in space governance",
    ),
    "western-crew-monopoly": TrendWords(
        "foreign crews heading for China's Tiangong",
        "the West's hold on human spaceflight keeps slipping",
        "the end of the West's hold on human spaceflight",
    ),
    "north-south-model": TrendWords(
        "South-South space partnerships",
        "the old North-South model keeps fading",
        "the fading North-South model",
    ),
    "civil-military-line": TrendWords(
        "dual-use and military links in space cooperation",
        "the line between civil and military space keeps blurring",
        "the blurring civil-military line",
    ),
    "russia-west-ties": TrendWords(
        "Russian space ties moving from the West to China and the East",
        "Russia keeps turning away from the West",
        "Russia's turn away from the West",
    ),
    "access-barriers": TrendWords(
        "countries founding space agencies and acquiring satellites",
        "the barriers to space keep falling",
        "the falling barriers to space",
    ),
    "central-governance": TrendWords(
        "regional and alternative space bodies",
        "centralised space governance keeps weakening",
        "the weakening of centralised space governance",
    ),
    "ilrs-expansion": TrendWords(
        "countries joining or courted by the ILRS",
        "the China-Russia lunar station keeps widening its circle",
        "the ILRS's reach in the Global South",
    ),
    "russia-sanctions": TrendWords(
        "sanctions and their effects on Russia's space sector",
        "sanctions keep pushing Russia's space sector toward China",
        "sanctions on Russia's space sector",
    ),
    "commercial-actors": TrendWords(
        "commercial firms in developing nations' space plans",
        "companies shape these programmes more",
        "companies' sway over emerging space programmes",
    ),
    "resource-rules": TrendWords(
        "moves on rules for space-resource use",
        "the rules on space resources are taking shape",
        "the rules on space resources",
    ),
    "india-bridge": TrendWords(
        "Indian moves bridging established and emerging space nations",
        "India's bridging role grows",
        "India's bridging role",
    ),
    "space-in-aid": TrendWords(
        "space assets given or funded as development aid",
        "space is becoming part of aid",
        "space assets in development aid",
    ),
    "sino-russian-security": TrendWords(
        "China-Russia defence links that reach orbit",
        "their security ties in space deepen",
        "China-Russia security ties in orbit",
    ),
}


def words_for(name: str, statement: str) -> TrendWords:
    """The trend's words, or words made from its statement for a trend not listed here."""
    if name in WORDS:
        return WORDS[name]
    clause = statement.strip().rstrip(".")
    return TrendWords(f"stories supporting “{clause}”", "the statement gains support", clause)


def movement_line(words: TrendWords, momentum: Momentum) -> str:
    """What moved, in plain words: "More countries ...: the barriers to space keep falling."."""
    if momentum.direction in ("up", "new"):
        text = f"More {words.shows}: {words.means}"
    elif momentum.direction == "down":
        text = f"Fewer {words.shows} than in earlier windows"
    else:
        text = f"{_capital(words.shows)} at the usual pace"
    return text + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
