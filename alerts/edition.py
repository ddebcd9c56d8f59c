"""The Slack post announcing an edition: top trends with momentum, top five stories.

The edition JSON belongs to the digest; this reader takes only what it needs and
tolerates missing or renamed parts (an edition post must never break the digest run), so
a post can be thin but never wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacebrief.alerts.blocks import (
    MessageBody,
    context,
    escape_text,
    link,
    plain_text,
    section,
)
from spacebrief.untrusted import truncate

TOP_TRENDS = 5
TOP_STORIES = 5
_ARROWS = {"up": "↑", "down": "↓", "flat": "→", "new": "★"}


@dataclass(frozen=True)
class TrendLine:
    trend_id: str
    name: str
    stories: int | None
    momentum: str  # an arrow, with the change when known


@dataclass(frozen=True)
class StoryLine:
    headline: str
    url: str | None
    outlet: str | None
    published: str | None


@dataclass(frozen=True)
class EditionHighlights:
    title: str | None
    trends: tuple[TrendLine, ...]
    stories: tuple[StoryLine, ...]


def _momentum(entry: dict[str, Any]) -> str:
    momentum = entry.get("momentum")
    if not isinstance(momentum, dict):
        return str(momentum or "")
    arrow = momentum.get("arrow") or _ARROWS.get(str(momentum.get("direction")), "")
    current, previous = momentum.get("current"), momentum.get("previous_mean")
    if isinstance(current, int | float) and isinstance(previous, int | float):
        return f"{arrow} {current:g} vs {previous:.1f}".strip()
    return str(arrow)


def _trend_entries(data: dict[str, Any]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for family in data.get("families") or []:
        if isinstance(family, dict):
            entries.extend(e for e in family.get("entries") or [] if isinstance(e, dict))
    if not entries:
        entries = [e for e in data.get("trends") or [] if isinstance(e, dict)]
    return entries


def read_highlights(path: Path) -> EditionHighlights:
    """What the post shows, from the edition JSON; empty parts when the file lacks them."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return EditionHighlights(None, (), ())
    if not isinstance(data, dict):
        return EditionHighlights(None, (), ())
    entries = _trend_entries(data)

    def stories_of(entry: dict[str, Any]) -> int:
        value = entry.get("stories")
        return value if isinstance(value, int) else 0

    entries.sort(key=lambda e: -stories_of(e))
    trends = tuple(
        TrendLine(
            trend_id=str(e.get("trend_id") or e.get("id") or ""),
            name=str(e.get("name") or e.get("statement") or ""),
            stories=e.get("stories") if isinstance(e.get("stories"), int) else None,
            momentum=_momentum(e),
        )
        for e in entries[:TOP_TRENDS]
    )
    raw_stories = data.get("stories") or data.get("top_stories") or []
    stories = tuple(
        StoryLine(
            headline=str(s.get("headline") or s.get("title") or "(untitled)"),
            url=s.get("url") if isinstance(s.get("url"), str) else None,
            outlet=s.get("outlet") or s.get("source_name") or s.get("source"),
            published=s.get("published") or s.get("published_at"),
        )
        for s in raw_stories[:TOP_STORIES]
        if isinstance(s, dict)
    )
    title = data.get("title") if isinstance(data.get("title"), str) else None
    return EditionHighlights(title, trends, stories)


def edition_message(
    *,
    edition_id: str,
    edition_date: str,
    days: int,
    items: int,
    location: str,
    highlights: EditionHighlights,
) -> MessageBody:
    """A compact announcement; `location` is where the edition files are (path or URL)."""
    title = highlights.title or f"spacebrief edition {edition_date}"
    blocks = [
        {"type": "header", "text": plain_text(title, 150)},
        context(f"{escape_text(edition_id)} · {days} days · {items} items"),
    ]
    if highlights.trends:
        lines = [
            f"• *{escape_text(t.trend_id)}* {escape_text(t.name)}"
            + (f" · {t.stories} stories" if t.stories is not None else "")
            + (f" · {escape_text(t.momentum)}" if t.momentum else "")
            for t in highlights.trends
        ]
        blocks.append(section("*Top trends*\n" + "\n".join(lines)))
    if highlights.stories:
        lines = [
            f"{n}. {link(s.url, truncate(s.headline, 200))}"
            + (f" ({escape_text(str(s.outlet))})" if s.outlet else "")
            for n, s in enumerate(highlights.stories, start=1)
        ]
        blocks.append(section("*Top stories*\n" + "\n".join(lines)))
    if location.startswith(("http://", "https://")):
        where = link(location, "Read the edition")
    else:
        where = f"Edition file: `{escape_text(location)}`"
    blocks.append(context(where))
    text = f"{title}: {len(highlights.stories)} top stories, {items} items"
    return MessageBody(text=escape_text(text), blocks=blocks)
