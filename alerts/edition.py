"""The Slack post announcing an edition: top trends with momentum, top five stories.

What the post shows arrives as a typed record, `EditionHighlights`, which the API makes
from the digest's `Edition` when the edition is written (`spacebrief._editions`): no file
is read back here.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """What an edition's post shows: its title, top trends (most stories first) and top
    stories, at most `TOP_TRENDS` and `TOP_STORIES` of each."""

    title: str | None
    trends: tuple[TrendLine, ...] = ()
    stories: tuple[StoryLine, ...] = ()


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
