"""Block Kit messages for alerts, with feed text made harmless.

Every string that came from a feed goes through `escape_text` (Slack's three control
characters `&`, `<`, `>`), so a headline holding `<!channel>` or `<@U123>` is shown, not
obeyed, and every link through `safe_url` (spacebrief/untrusted.py: the project's one
link rule, which the edition's citations follow too), so only http(s) links are ever
rendered. Sizes are cut to Slack's limits (header 150 chars, section text 3000, 50
blocks) here, once, so no caller can build a message Slack would reject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any
from urllib.parse import quote

from spacebrief.alerts.types import PendingAlert
from spacebrief.untrusted import safe_url, truncate

HEADER_LIMIT = 150
SECTION_LIMIT = 3000
CONTEXT_LIMIT = 2000
MAX_BLOCKS = 50
FALLBACK_LIMIT = 3000
GROUP_MAX_STORIES = MAX_BLOCKS - 3  # header, intro context, closing context

Block = dict[str, Any]


@dataclass(frozen=True)
class MessageBody:
    text: str  # fallback for notifications and clients without blocks
    blocks: list[Block]


def escape_text(text: str | None) -> str:
    """Slack mrkdwn escaping: after this, no mention, link or command can be formed."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_url(url: str | None) -> str | None:
    """The URL if `safe_url` accepts it, with what would end a Slack link encoded (`|`, `&`)."""
    target = safe_url(url)
    if target is None:
        return None
    return quote(target, safe=":/?#[]@!$&'()*+,;=%~-._").replace("&", "&amp;")


def link(url: str | None, label: str) -> str:
    """A mrkdwn link to an http(s) URL, or the bare escaped label when there is none."""
    label = escape_text(label).replace("|", "¦")
    target = slack_url(url)
    return f"<{target}|{label}>" if target else label


def plain_text(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(mrkdwn, SECTION_LIMIT)}}


def context(mrkdwn: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate(mrkdwn, CONTEXT_LIMIT)}],
    }


def _date(alert: PendingAlert) -> str:
    if alert.published_at is None:
        return "undated"
    published = alert.published_at
    if published.tzinfo is not None:
        published = published.astimezone(UTC)
    return published.strftime("%Y-%m-%d")


def _outlet(alert: PendingAlert) -> str:
    return escape_text(alert.source_name or "unknown outlet")


def _title(alert: PendingAlert) -> str:
    """The headline an English reader reads: the story's English reading when it has one."""
    return alert.english_title or alert.title or "(untitled)"


def _headline(alert: PendingAlert, limit: int = 300) -> str:
    return link(alert.url, truncate(_title(alert), limit))


def _reading_blocks(alert: PendingAlert) -> list[Block]:
    """For a story not in English: how its English reading was made, the original
    headline, and the reading's summary (a gist says it is one)."""
    if not alert.language:
        return []
    if alert.english_title is None:
        note = f"A story in {escape_text(alert.language)}; no English reading yet"
    else:
        note = escape_text(alert.reading_note or "English reading")
    blocks = [context(f"{note} · Original headline: {escape_text(truncate(alert.title, 300))}")]
    if alert.english_summary:
        blocks.append(section(f">{escape_text(truncate(alert.english_summary, 1500))}"))
    return blocks


def _evidence_blocks(alert: PendingAlert) -> list[Block]:
    if alert.rule_name is not None:
        return _rule_blocks(alert)
    if not alert.evidence:
        return []
    label = "Original: " if alert.language else ""
    return [section(f">{label}{escape_text(truncate(alert.evidence, 1500))}")]


def _trend_label(alert: PendingAlert) -> str:
    if alert.rule_name is not None:
        return f"rule {alert.rule_name}"
    return f"{alert.trend_id} {alert.trend_name}".strip()


def _header(alert: PendingAlert) -> str:
    """A watch rule's name heads its alert, so the team sees which rule fired."""
    if alert.rule_name is not None:
        return f"Watch rule {alert.rule_name}"
    return f"Watch-list {_trend_label(alert)}"


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
SUMMARY_LIMIT = 600


def _rule_blocks(alert: PendingAlert) -> list[Block]:
    """A watch rule names no trend, so its alert says what the story is: the summary, and
    a quote (the sentence behind the item's strongest label, else the summary's first)."""
    summary = " ".join((alert.summary or "").split())
    quote = alert.evidence or _SENTENCE_END.split(summary, maxsplit=1)[0]
    blocks: list[Block] = []
    if summary and summary != quote:
        blocks.append(section(escape_text(truncate(summary, SUMMARY_LIMIT))))
    if quote:
        blocks.append(section(f">{escape_text(truncate(quote, 1500))}"))
    return blocks


def story_message(alerts: Sequence[PendingAlert]) -> MessageBody:
    """One story (one cluster) and every watch-list trend it newly triggers."""
    lead = max(alerts, key=lambda a: a.score)
    watch = sorted(alerts, key=lambda a: -a.score)
    watch_ids = {a.trend_id for a in watch}
    blocks: list[Block] = [
        {"type": "header", "text": plain_text(_header(lead), HEADER_LIMIT)},
        section(f"*{_headline(lead)}*\n{_outlet(lead)} · {_date(lead)}"),
        *_reading_blocks(lead),
        *_evidence_blocks(lead),
    ]
    facts = [f"*Score* {lead.score:.2f}"] if lead.rule_name is None else ["*Matched* a watch rule"]
    if len(watch) > 1:
        facts.append(
            "*Watch-list* "
            + ", ".join(f"{escape_text(_trend_label(a))} ({a.score:.2f})" for a in watch)
        )
    others = [t for t in lead.other_trends if t.trend_id not in watch_ids]
    if others:
        facts.append(
            "*Also touches* "
            + ", ".join(escape_text(f"{t.trend_id} {t.name}".strip()) for t in others)
        )
    blocks.append(context(" · ".join(facts)))
    text = f"{_header(lead)}: {_title(lead)} ({lead.source_name or 'unknown'})"
    return MessageBody(text=truncate(escape_text(text), FALLBACK_LIMIT), blocks=blocks)


def follow_up_message(alerts: Sequence[PendingAlert], threaded: bool) -> MessageBody:
    """A later report of a story already announced: it goes into that story's thread."""
    lead = max(alerts, key=lambda a: a.score)
    trends = ", ".join(f"{escape_text(_trend_label(a))} ({a.score:.2f})" for a in alerts)
    intro = "New on this story" if threaded else "Update on a story already alerted"
    blocks: list[Block] = [
        section(f"{intro}: {trends}\n*{_headline(lead)}*\n{_outlet(lead)} · {_date(lead)}"),
        *_reading_blocks(lead),
        *_evidence_blocks(lead),
    ]
    text = f"{intro}: {_trend_label(lead)}: {_title(lead)}"
    return MessageBody(text=truncate(escape_text(text), FALLBACK_LIMIT), blocks=blocks)


def grouped_message(
    stories: Sequence[Sequence[PendingAlert]],
    cap: int,
    *,
    threaded: bool = True,
    reason: str | None = None,
) -> MessageBody:
    """More stories than the cap allows: one message lists them instead of a flood."""
    stories = list(stories)[:GROUP_MAX_STORIES]
    later = " Later reports of these stories go into this thread." if threaded else ""
    blocks: list[Block] = [
        {"type": "header", "text": plain_text(f"{len(stories)} watch-list stories", HEADER_LIMIT)},
        context(
            (reason or f"More stories qualified than the cap of {cap} messages allows")
            + f", so they are grouped here.{later}"
        ),
    ]
    for alerts in stories:
        lead = max(alerts, key=lambda a: a.score)
        trends = ", ".join(f"{escape_text(_trend_label(a))} ({a.score:.2f})" for a in alerts)
        blocks.append(
            section(f"*{_headline(lead, 200)}*\n{trends} · {_outlet(lead)} · {_date(lead)}")
        )
    text = f"{len(stories)} watch-list stories (grouped): " + "; ".join(
        _title(max(a, key=lambda x: x.score)) for a in stories[:5]
    )
    return MessageBody(text=truncate(escape_text(text), FALLBACK_LIMIT), blocks=blocks[:MAX_BLOCKS])


def render_text(blocks: Sequence[Block]) -> str:
    """A plain rendering of blocks, for the dry run, the docs and the README."""
    lines: list[str] = []
    for block in blocks:
        if block["type"] == "header":
            lines.append(f"# {block['text']['text']}")
        elif block["type"] == "section":
            lines.append(block["text"]["text"])
        elif block["type"] == "context":
            lines.append(" ".join(e.get("text", "") for e in block["elements"]))
        elif block["type"] == "divider":
            lines.append("---")
    return "\n".join(lines)
