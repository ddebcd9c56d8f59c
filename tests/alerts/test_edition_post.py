"""After each digest, one compact Slack post per edition (opt-in), made from the typed
edition record the digest builds (no file is read back)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import spacebrief
from spacebrief import Edition, EditionSummary, Settings
from spacebrief.alerts.blocks import render_text
from spacebrief.classifiers.types import TrendFamily
from spacebrief.digest.types import Chart, FamilySection, Momentum, StoryEntry, TrendEntry
from tests.alerts.conftest import slack_settings


def _trend(trend_id: str, family: TrendFamily, stories: int, momentum: Momentum) -> TrendEntry:
    return TrendEntry(
        trend_id, family, trend_id.lower(), "", stories * 2, stories, (), (), momentum
    )


def _momentum(direction: str, arrow: str, current: int, previous: float) -> Momentum:
    return Momentum((current,), current, previous, direction, arrow, "")


def _edition() -> Edition:
    """An edition with three trends and seven stories, one with a Slack mention in it."""
    rising = (
        _trend("R2", TrendFamily.RISING, 4, _momentum("up", "↑", 4, 1.5)),
        _trend("R1", TrendFamily.RISING, 7, _momentum("flat", "→", 7, 7.0)),
    )
    watch = (_trend("W4", TrendFamily.WATCH, 1, _momentum("new", "", 1, 0.0)),)
    stories = tuple(
        StoryEntry(
            citation=n,
            headline=f"Story {n} <!channel>",
            summary=(),
            outlet="Example Space News",
            published="2026-11-21",
            url=f"https://news.example.org/{n}",
            trend_tags=(),
            reports=1,
        )
        for n in range(1, 8)
    )
    return Edition(
        edition_id="2026-11-22",
        title="Space cooperation brief, 22 November 2026",
        date_label="22 November 2026",
        edition_date="2026-11-22",
        days=7,
        window_start="2026-11-15",
        window_end="2026-11-22",
        taxonomy_version=None,
        items_total=42,
        items_relevant=12,
        stories_relevant=7,
        coverage_note="",
        families=(
            FamilySection(TrendFamily.RISING, "Rising", "↑", rising, ()),
            FamilySection(TrendFamily.WATCH, "Watch", "!", watch, ()),
        ),
        new_signals=(),
        expert_view=(),
        expert_method="measured",
        outlook=(),
        outlook_method="measured",
        stories=stories,
        citations=(),
        chart=Chart((), ()),
    )


def written(settings: Settings, tmp_path: Path) -> EditionSummary:
    """The summary `write_edition` returns for that edition, with its highlights."""
    from spacebrief._editions import highlights_of

    return EditionSummary(
        edition_id="2026-11-22-7d",
        edition_date=date(2026, 11, 22),
        days=7,
        items=42,
        markdown_path=tmp_path / "2026-11-22.md",
        html_path=tmp_path / "2026-11-22.html",
        json_path=tmp_path / "2026-11-22.json",
        highlights=highlights_of(_edition()),
    )


def test_editions_are_not_posted_unless_asked(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    with spacebrief.open(settings.warehouse_path, settings=settings) as sb:
        assert sb.post_edition(written(settings, tmp_path)) is False
    assert not settings.outbox_path.exists()


def test_edition_post_lists_top_trends_and_five_stories_once(tmp_path, fake_slack) -> None:
    settings = slack_settings(tmp_path / "home", fake_slack, post_editions=True)
    with spacebrief.open(settings.warehouse_path, settings=settings) as sb:
        assert sb.post_edition(written(settings, tmp_path)) is True
        assert sb.post_edition(written(settings, tmp_path)) is False

    [message] = fake_slack.messages
    shown = render_text(message["blocks"])
    assert shown.splitlines()[0] == "# Space cooperation brief, 22 November 2026"
    assert shown.index("R1") < shown.index("R2") < shown.index("W4")  # most stories first
    assert "↑ 4 vs 1.5" in shown
    assert "Story 5" in shown and "Story 6" not in shown
    assert "<!channel>" not in json.dumps(message["blocks"])
    assert str(tmp_path / "2026-11-22.html") in shown


def test_edition_post_goes_to_the_outbox_without_slack(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", post_editions=True)
    with spacebrief.open(settings.warehouse_path, settings=settings) as sb:
        assert sb.post_edition(written(settings, tmp_path)) is True

    [line] = [json.loads(x) for x in settings.outbox_path.read_text("utf-8").splitlines()]
    assert line["trend"] == "EDITION"
    assert "Top stories" in render_text(line["blocks"])
