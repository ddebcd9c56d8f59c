"""After each digest, one compact Slack post per edition (opt-in)."""

from __future__ import annotations

import json
from datetime import date

from spacebrief.alerts.blocks import render_text
from spacebrief.alerts.edition import read_highlights
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps.alerts_step import post_edition
from spacebrief.flows.steps.digest_step import EditionSummary
from spacebrief.warehouse import Warehouse
from tests.alerts.conftest import slack_settings

EDITION_JSON = {
    "title": "Space cooperation brief, 22 November 2026",
    "families": [
        {
            "family": "rising",
            "entries": [
                {
                    "trend_id": "R2",
                    "name": "china-mentor",
                    "stories": 4,
                    "momentum": {
                        "direction": "up",
                        "arrow": "↑",
                        "current": 4,
                        "previous_mean": 1.5,
                    },
                },
                {
                    "trend_id": "R1",
                    "name": "ilrs-growth",
                    "stories": 7,
                    "momentum": {
                        "direction": "flat",
                        "arrow": "→",
                        "current": 7,
                        "previous_mean": 7.0,
                    },
                },
            ],
        },
        {
            "family": "watch",
            "entries": [
                {
                    "trend_id": "W4",
                    "name": "sanctions",
                    "stories": 1,
                    "momentum": {"direction": "new"},
                }
            ],
        },
    ],
    "stories": [
        {
            "headline": f"Story {n} <!channel>",
            "outlet": "Example Space News",
            "published": "2026-11-21",
            "url": f"https://news.example.org/{n}",
        }
        for n in range(1, 8)
    ],
}


def edition(tmp_path, payload=EDITION_JSON) -> EditionSummary:
    json_path = tmp_path / "2026-11-22.json"
    json_path.write_text(json.dumps(payload), "utf-8")
    return EditionSummary(
        edition_id="2026-11-22-7d",
        edition_date=date(2026, 11, 22),
        days=7,
        items=42,
        markdown_path=tmp_path / "2026-11-22.md",
        html_path=tmp_path / "2026-11-22.html",
        json_path=json_path,
    )


def test_editions_are_not_posted_unless_asked(tmp_path):
    settings = Settings(home=tmp_path / "home")
    warehouse = Warehouse(settings.warehouse_path)
    assert post_edition(warehouse, settings, edition(tmp_path)) is False
    assert not settings.outbox_path.exists()


def test_edition_post_lists_top_trends_and_five_stories_once(tmp_path, fake_slack):
    settings = slack_settings(tmp_path / "home", fake_slack, post_editions=True)
    warehouse = Warehouse(settings.warehouse_path)

    assert post_edition(warehouse, settings, edition(tmp_path)) is True
    assert post_edition(warehouse, settings, edition(tmp_path)) is False

    [message] = fake_slack.messages
    shown = render_text(message["blocks"])
    assert shown.splitlines()[0] == "# Space cooperation brief, 22 November 2026"
    assert shown.index("R1") < shown.index("R2")  # most stories first
    assert "↑ 4 vs 1.5" in shown
    assert "Story 5" in shown and "Story 6" not in shown
    assert "<!channel>" not in json.dumps(message["blocks"])
    assert str(tmp_path / "2026-11-22.html") in shown


def test_edition_reader_tolerates_unexpected_json(tmp_path):
    (tmp_path / "odd.json").write_text('{"families": "nope", "stories": [1, {"title": "T"}]}')
    highlights = read_highlights(tmp_path / "odd.json")
    assert highlights.trends == ()
    assert [s.headline for s in highlights.stories] == ["T"]
    assert read_highlights(tmp_path / "missing.json").stories == ()


def test_edition_post_goes_to_the_outbox_without_slack(tmp_path):
    settings = Settings(home=tmp_path / "home", post_editions=True)
    warehouse = Warehouse(settings.warehouse_path)

    assert post_edition(warehouse, settings, edition(tmp_path)) is True

    [line] = [json.loads(x) for x in settings.outbox_path.read_text("utf-8").splitlines()]
    assert line["trend"] == "EDITION"
    assert "Top stories" in render_text(line["blocks"])
