"""The English reading of an item, as the reading room shows it.

Another part of the project gives each foreign item an English reading
(`digest`'s `english_reading(item) -> EnglishReading(title, summary, kind)`); until the
reading room is pointed at it, `reading_of` shows the original title and summary with
the item's language tag, and says so (`kind = "original"`). It is the one function to
change when that module lands.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EnglishReading:
    title: str
    summary: str
    kind: str  # original (not translated yet) | the digest's kinds once wired


def is_english(language: str | None) -> bool:
    return not language or language.lower() == "en" or language.lower().startswith("en-")


def reading_of(title: str, summary: str, language: str | None) -> EnglishReading | None:
    """None for an English item (its own words are the reading); else its reading."""
    if is_english(language):
        return None
    return EnglishReading(title=title, summary=summary, kind="original")
