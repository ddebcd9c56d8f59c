"""The numbered source list: [n] -> item, numbered in reading order.

Sections cite items by id while they are built; the book hands out numbers on first
citation, so [1] is the first source a reader meets and uncited items never appear. A
citation links its item only through `safe_url` (spacebrief/untrusted.py), the rule the
Slack alerts follow too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from spacebrief.digest.english import EnglishReading
from spacebrief.digest.types import Citation, WindowItem
from spacebrief.untrusted import safe_url


def utc_day(moment: datetime) -> str:
    """YYYY-MM-DD in UTC, whatever zone the driver attached (naive means UTC)."""
    if moment.tzinfo is None:
        return moment.date().isoformat()
    return moment.astimezone(UTC).date().isoformat()


class CitationBook:
    def __init__(
        self,
        items: Mapping[str, WindowItem],
        readings: Mapping[str, EnglishReading] | None = None,
    ) -> None:
        self._items = items
        self._readings = readings or {}
        self._numbers: dict[str, int] = {}

    def cite(self, item_ids: Iterable[str]) -> tuple[int, ...]:
        numbers = []
        for item_id in item_ids:
            if item_id not in self._items:
                continue
            if item_id not in self._numbers:
                self._numbers[item_id] = len(self._numbers) + 1
            number = self._numbers[item_id]
            if number not in numbers:
                numbers.append(number)
        return tuple(numbers)

    def citations(self) -> tuple[Citation, ...]:
        """The sources in reading order, each titled in English (its original title kept
        beside a translation or a gist)."""
        cited = []
        for item_id, number in sorted(self._numbers.items(), key=lambda kv: kv[1]):
            item = self._items[item_id]
            reading = self._readings.get(item_id)
            translated = reading is not None and not reading.is_original
            cited.append(
                Citation(
                    number=number,
                    item_id=item_id,
                    title=" ".join(
                        (
                            reading.title if reading is not None and translated else item.title
                        ).split()
                    ),
                    outlet=item.source_name,
                    published=utc_day(item.published_at),
                    url=safe_url(item.url),
                    original_title=" ".join(item.title.split()) if translated else None,
                    reading=reading.kind if reading is not None else "original",
                    language=item.language,
                )
            )
        return tuple(cited)
