"""Messages are readable, within Slack's limits, and feed text cannot ping anyone."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from spacebrief.alerts.blocks import (
    HEADER_LIMIT,
    MAX_BLOCKS,
    SECTION_LIMIT,
    escape_text,
    grouped_message,
    slack_url,
    story_message,
)
from spacebrief.alerts.types import DeliveryStatus, OtherTrend, PendingAlert

HOSTILE = "Launch <!channel> <!here> <@U123> <#C999> & <https://evil.example|click>"


def alert(**changes) -> PendingAlert:
    values = dict(
        alert_id="a1",
        cluster_id="c1",
        trend_id="W1",
        trend_name="ilrs-new-members",
        destination="outbox",
        item_id="i1",
        score=0.87,
        status=DeliveryStatus.PENDING,
        attempts=0,
        title="Egypt signs ILRS memorandum",
        url="https://news.example.org/egypt-ilrs?a=1&b=2",
        source_name="Example Space News",
        published_at=datetime(2026, 11, 20, 23, 30, tzinfo=UTC),
        evidence="Egypt became the latest country to sign on to the ILRS.",
        other_trends=(OtherTrend("R2", "china-mentor"),),
    )
    values.update(changes)
    return PendingAlert(**values)


def all_text(body) -> str:
    return json.dumps(body.blocks) + body.text


def test_a_story_message_shows_trend_headline_outlet_date_evidence_score_and_others():
    body = story_message([alert()])
    header, headline, evidence, facts = body.blocks
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Watch-list W1 ilrs-new-members", "emoji": True},
    }
    assert headline["text"]["text"] == (
        "*<https://news.example.org/egypt-ilrs?a=1&amp;b=2|Egypt signs ILRS memorandum>*\n"
        "Example Space News · 2026-11-20"
    )
    assert evidence["text"]["text"].startswith(">Egypt became")
    assert facts["elements"][0]["text"] == "*Score* 0.87 · *Also touches* R2 china-mentor"
    assert (
        body.text == "Watch-list W1 ilrs-new-members: Egypt signs ILRS memorandum "
        "(Example Space News)"
    )


def test_feed_text_cannot_mention_anyone_or_forge_links():
    body = story_message([alert(title=HOSTILE, evidence=HOSTILE, source_name="<!everyone> Daily")])
    text = all_text(body)
    for control in ("<!channel>", "<!here>", "<@U123>", "<#C999>", "<!everyone>", "<https://evil"):
        assert control not in text
    assert "&lt;!channel&gt;" in text and "&amp; " in text
    # the only link left is ours
    assert re.findall(r"<(https?://[^|>]+)\|", text) == [
        "https://news.example.org/egypt-ilrs?a=1&amp;b=2"
    ]


def test_only_http_links_are_rendered():
    assert slack_url("javascript:alert(1)") is None
    assert slack_url("file:///etc/passwd") is None
    assert slack_url("https://x.example/a>b") is None  # the one link rule refuses it
    assert slack_url("https://x.example/a|b&c") == "https://x.example/a%7Cb&amp;c"
    body = story_message([alert(url="javascript:alert(1)")])
    assert "javascript" not in all_text(body)
    assert escape_text("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_slack_limits_hold_for_huge_feed_text():
    huge = alert(
        title="T" * 5000,
        evidence="E" * 9000,
        trend_name="n" * 400,
        other_trends=tuple(OtherTrend(f"R{n}", "x" * 300) for n in range(40)),
    )
    body = story_message([huge])
    for block in body.blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= HEADER_LIMIT
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_LIMIT
    grouped = grouped_message([[alert(cluster_id=f"c{n}", title="T" * 900)] for n in range(80)], 10)
    assert len(grouped.blocks) <= MAX_BLOCKS
    assert all(
        len(b["text"]["text"]) <= SECTION_LIMIT for b in grouped.blocks if b["type"] == "section"
    )


def test_a_story_not_in_english_is_announced_by_its_english_reading() -> None:
    body = story_message(
        [
            alert(
                title="北斗系统为巴基斯坦提供导航服务",
                language="zh",
                english_title="Chinese-language report naming China, Pakistan and BeiDou",
                english_summary="A Chinese-language report of 23 March 2025 that names China.",
                reading_note="English gist of a Chinese-language story, not a translation",
                evidence="中国北斗卫星导航系统开始为巴基斯坦提供服务。",
            )
        ]
    )
    headline = body.blocks[1]["text"]["text"]
    assert "Chinese-language report naming China, Pakistan and BeiDou" in headline
    assert "北斗" not in headline
    context = body.blocks[2]["elements"][0]["text"]
    assert context.startswith("English gist of a Chinese-language story, not a translation")
    assert "Original headline: 北斗系统为巴基斯坦提供导航服务" in context
    assert body.blocks[4]["text"]["text"].startswith(">Original: 中国北斗")
    assert body.text.startswith("Watch-list W1 ilrs-new-members: Chinese-language report")


def test_an_english_story_has_no_reading_line() -> None:
    body = story_message([alert()])
    assert "Original headline" not in all_text(body)


def test_a_watch_rule_alert_carries_the_summary_and_a_quote():
    """A rule names no trend, so its message says what the story is (before: a headline)."""
    summary = (
        "Cairo signed a memorandum with CNSA on Tuesday. The agency will host a <!channel> "
        "ground station for the lunar base."
    )
    labelled = story_message(
        [alert(trend_id="rule:ilrs", evidence="Egypt signed on to the ILRS.", summary=summary)]
    )
    texts = [b["text"]["text"] for b in labelled.blocks if b["type"] == "section"]
    assert any(t.startswith("Cairo signed a memorandum") and "&lt;!channel&gt;" in t for t in texts)
    assert ">Egypt signed on to the ILRS." in texts

    unlabelled = story_message([alert(trend_id="rule:ilrs", evidence=None, summary=summary)])
    texts = [b["text"]["text"] for b in unlabelled.blocks if b["type"] == "section"]
    assert ">Cairo signed a memorandum with CNSA on Tuesday." in texts
    assert any(t.startswith("Cairo signed") and "ground station" in t for t in texts)
    assert unlabelled.blocks[0]["text"]["text"] == "Watch rule ilrs"
