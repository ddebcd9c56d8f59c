"""An English reading of every story, whatever language it came in.

`english_reading(item)` is the one way the project reads a story in English (the edition,
the Slack alerts through the warehouse, the `v_items_english` view, the reading room):

- an English story is read as it is (`original`);
- with a translator (an LLM endpoint, `digest.llm.translated`), the title and summary
  translated, accepted only when every name and number of the original survives
  (`translation`);
- otherwise an honest gist (`gist`), written only from what the system knows about the
  story: its language, the countries, agencies, companies and programmes it names (read in
  every script by `digest.actors` and the classifier's gazetteer, named in English), the
  trends it was labelled with and which way it points, its outlet and date. It says it is
  a gist, never a translation.

No offline translation model fits the install (docs/edition.md lists what was tried), so
without an endpoint non-English stories get the gist.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from spacebrief.digest.actors import NAMED_KINDS, actor_counts

ReadingKind = Literal["original", "translation", "gist"]

LANGUAGE_NAMES: dict[str, str] = {
    "ar": "Arabic",
    "bn": "Bengali",
    "de": "German",
    "el": "Greek",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sw": "Swahili",
    "te": "Telugu",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "zh": "Chinese",
}
_KIND_ORDER = {"country": 0, "agency": 1, "programme": 2, "company": 3}
_COMMON_OPENERS = {"The", "Space", "Access", "Centralised", "Developing", "Rival", "Rules"}
_LATIN = re.compile(r"[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class EnglishReading:
    """A story in English, and how it came to be English."""

    title: str
    summary: str
    kind: ReadingKind
    language: str | None = None  # the original's ISO 639-1 code
    note: str = ""  # what a reader is told: "" for an original, else how it was made

    @property
    def is_original(self) -> bool:
        return self.kind == "original"


class ReadableLabel(Protocol):
    @property
    def trend_id(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def stance(self) -> str: ...


class Readable(Protocol):
    """What a reading needs of a story (`digest.types.WindowItem` has it all)."""

    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def language(self) -> str | None: ...
    @property
    def source_name(self) -> str: ...
    @property
    def published_at(self) -> datetime | None: ...
    @property
    def labels(self) -> Sequence[ReadableLabel]: ...


Translator = Callable[[str, str, str], tuple[str, str] | None]
"""(language name, title, summary) -> (title, summary) in English, or None when refused."""


def language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get((code or "").split("-")[0].lower(), "non-English")


def is_english(language: str | None, text: str) -> bool:
    """English when ingest said so; when it said nothing, when the text is Latin script
    (a feed that does not say its language is, on our feeds, an English one)."""
    if language:
        return language.split("-")[0].lower() == "en"
    letters = _LETTER.findall(text)
    return not letters or len(_LATIN.findall(text)) / len(letters) > 0.9


def english_reading(
    item: Readable,
    *,
    statements: Mapping[str, str] | None = None,
    translate: Translator | None = None,
    stored: EnglishReading | None = None,
) -> EnglishReading:
    """The story in English. `statements` maps trend ids to the taxonomy's statements
    (for the gist); `stored` is a translation already made (used before asking again)."""
    if is_english(item.language, f"{item.title} {item.summary}"):
        return EnglishReading(item.title, item.summary, "original", item.language)
    name = language_name(item.language)
    if stored is not None and stored.kind == "translation":
        return stored
    if translate is not None:
        answer = translate(name, item.title, item.summary)
        if answer is not None:
            title, summary = answer
            return EnglishReading(
                title, summary, "translation", item.language, f"Translated from {name}"
            )
    return gist(item, statements or {})


def gist(item: Readable, statements: Mapping[str, str]) -> EnglishReading:
    """What the system knows of a story it cannot translate, said as such."""
    name = language_name(item.language)
    found = actor_counts([("", f"{item.title}. {item.summary}")], NAMED_KINDS)
    names = [a.name for a in sorted(found, key=lambda a: _KIND_ORDER.get(a.kind, 9))][:5]
    kind = f"{name}-language" if name != "non-English" else "non-English"
    if names:
        title = f"{kind.capitalize()} report naming {_and(names)}"
    else:
        title = f"{kind.capitalize()} report from {item.source_name}"
    when = f" of {_day(item.published_at)}" if item.published_at else ""
    sentences = [f"A {kind} report{when} from {item.source_name}"]
    if names:
        sentences[0] += f" that names {_and(names)}"
    sentences[0] += "."
    labels = sorted(item.labels, key=lambda label: (-label.score, label.trend_id))
    read = [label for label in labels if label.score >= 0.5][:2] or labels[:1]
    for label in read:
        statement = statements.get(label.trend_id)
        if not statement:
            continue
        claim = statement.strip().rstrip(".")
        if claim.startswith("Watch"):
            sentences.append(
                f"The classifier files it under the watch-list item “{claim}” ({label.trend_id})."
            )
            continue
        first, _, rest = claim.partition(" ")
        if first in _COMMON_OPENERS:
            claim = f"{first.lower()} {rest}"
        way = "runs against" if label.stance == "against" else "supports"
        sentences.append(
            f"The classifier reads it as a story that {way} the statement that {claim} "
            f"({label.trend_id})."
        )
    return EnglishReading(
        title,
        " ".join(sentences),
        "gist",
        item.language,
        f"English gist of a {kind} story, not a translation",
    )


_TREND_CODE = re.compile(r" \([RDW][1-7]\)(?=[.])")


def without_trend_codes(gist: str) -> str:
    """A gist as an edition prints it: the trend codes `english_reading` adds for the
    alerts and the reading room are the taxonomy's, not a reader's words."""
    return _TREND_CODE.sub("", gist)


def _day(moment: datetime) -> str:
    return f"{moment.day} {calendar.month_name[moment.month]} {moment.year}"


def _and(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
