"""The feedback buttons on an alert, and what a click on one means.

A story message sent with a bot token (and an app token to hear the clicks) ends with
four buttons: Right, Wrong trend, Off-theme, Mute source. Each carries the lead alert's
id as its value, so a click names the ledger row it judges, whatever the message says.
`parse_click` reads Slack's `block_actions` payload; `marked_blocks` is the message as
the team sees it afterwards ("Marked off-theme by @ana"), buttons gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from spacebrief.alerts.blocks import Block, context, escape_text

BLOCK_ID = "spacebrief_feedback"
ACTION_PREFIX = "spacebrief_feedback:"
ACTIONS: dict[str, tuple[str, str | None]] = {  # action -> (button label, style)
    "right": ("Right", "primary"),
    "wrong_trend": ("Wrong trend", None),
    "off_theme": ("Off-theme", "danger"),
    "mute_source": ("Mute source", None),
}
PAST_TENSE = {
    "right": "right",
    "wrong_trend": "wrong trend",
    "off_theme": "off-theme",
    "mute_source": "mute source (a mute rule now covers this outlet)",
}


@dataclass(frozen=True)
class Click:
    """One button press, as Slack reported it."""

    action: str  # right | wrong_trend | off_theme | mute_source
    alert_id: str
    user_id: str
    user_name: str
    channel: str
    message_ts: str
    blocks: tuple[Block, ...] = ()
    response_url: str | None = None

    @property
    def key(self) -> str:
        """The click's identity: the same person pressing the same button on the same
        message is one click, however often Slack delivers it."""
        return f"{self.channel}|{self.message_ts}|{self.user_id}|{self.action}"


ClickOutcomeKind = Literal["recorded", "duplicate", "unknown", "decided", "refused"]
"""What became of a click: written, already written, no such alert, already decided by
someone else, or refused (not an allowed analyst)."""


@dataclass(frozen=True)
class ClickOutcome:
    """What a feedback click did, and the sentence the analyst is shown."""

    kind: ClickOutcomeKind
    message: str  # what the analyst is told (ephemeral), or the marker line
    decided_by: str | None = None


def feedback_buttons(alert_id: str) -> Block:
    elements: list[dict[str, Any]] = []
    for action, (label, style) in ACTIONS.items():
        button: dict[str, Any] = {
            "type": "button",
            "action_id": f"{ACTION_PREFIX}{action}",
            "text": {"type": "plain_text", "text": label, "emoji": True},
            "value": alert_id,
        }
        if style:
            button["style"] = style
        elements.append(button)
    return {"type": "actions", "block_id": BLOCK_ID, "elements": elements}


def with_buttons(blocks: Sequence[Block], alert_id: str) -> list[Block]:
    return [*blocks, feedback_buttons(alert_id)]


def parse_click(payload: dict[str, Any]) -> Click | None:
    """A spacebrief button click from a `block_actions` payload; None for anything else."""
    if payload.get("type") != "block_actions":
        return None
    for action in payload.get("actions") or []:
        action_id = str(action.get("action_id") or "")
        if not action_id.startswith(ACTION_PREFIX):
            continue
        name = action_id[len(ACTION_PREFIX) :]
        if name not in ACTIONS:
            return None
        user = payload.get("user") or {}
        container = payload.get("container") or {}
        message = payload.get("message") or {}
        channel = (payload.get("channel") or {}).get("id") or container.get("channel_id") or ""
        return Click(
            action=name,
            alert_id=str(action.get("value") or ""),
            user_id=str(user.get("id") or ""),
            user_name=str(user.get("username") or user.get("name") or user.get("id") or ""),
            channel=str(channel),
            message_ts=str(container.get("message_ts") or message.get("ts") or ""),
            blocks=tuple(message.get("blocks") or ()),
            response_url=payload.get("response_url"),
        )
    return None


def marked_line(action: str, user_name: str) -> str:
    return f"Marked {PAST_TENSE[action]} by @{user_name}"


def marked_blocks(blocks: Sequence[Block], action: str, user_name: str) -> list[Block]:
    """The message without its buttons, with who judged it and how."""
    kept = [b for b in blocks if b.get("block_id") != BLOCK_ID and b.get("type") != "actions"]
    return [*kept, context(f"*{escape_text(marked_line(action, user_name))}*")]
