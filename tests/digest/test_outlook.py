"""The Industry Outlook: forward-looking statements of the window, whole and attributed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from spacebrief.digest.outlook import forward_statements, looks_ahead, resolve
from spacebrief.digest.types import TrendLabel
from spacebrief.warehouse import Warehouse
from tests.digest.test_edition_from_warehouse import edition_for
from tests.digest.test_summaries import item

EDITION = date(2025, 3, 24)
ON_THEME = (TrendLabel("D4", 0.9),)


def story(item_id: str, title: str, summary: str, rank: float = 1.0):
    return replace(item(item_id, title, summary, rank=rank), labels=ON_THEME)


def test_a_statement_looks_ahead_only_when_its_future_is_still_ahead() -> None:
    assert looks_ahead("The station is scheduled to open by 2030.", EDITION) >= 2
    assert looks_ahead("Nigeria will launch a radar satellite.", EDITION) >= 1
    assert looks_ahead("A partial eclipse on Saturday 29 March will be visible.", EDITION) >= 2
    assert looks_ahead("The launch was expected last year but slipped.", EDITION) == 0
    assert looks_ahead("The rover had been due to launch on a Russian rocket.", EDITION) == 0
    assert looks_ahead("In 2023 the two governments agreed to develop CBERS-6.", EDITION) == 0
    assert looks_ahead("By early 2025 the station had drawn in nine governments.", EDITION) == 0
    assert looks_ahead("Analysts say the tie-ups show how plans are changing.", EDITION) == 0


def test_a_sentence_leaning_on_an_antecedent_is_resolved_from_its_headline_or_left_out() -> None:
    assert resolve("Moscow later agreed to stay until 2028.", "Russia's ISS exit plans") is None
    assert resolve("It is now planned for 2028.", "Europe's Mars rover") is None
    assert resolve("The tie-ups will reshape plans.", "Jio follows Airtel in a deal") is None
    assert (
        resolve(
            "The agency is expected to be formally launched in 2025.",
            "African Space Agency prepares to open its Cairo headquarters",
        )
        == "The African Space Agency is expected to be formally launched in 2025."
    )


def test_the_clause_that_stands_alone_is_kept_and_its_source_attributed(
    filled_warehouse: Warehouse,
) -> None:
    ros = story(
        "ros",
        "Russia's ISS exit plans and the Russian Orbital Station",
        "In July 2022 Russia said it would leave the station after 2024. Moscow later agreed "
        "to stay until 2028, and Roscosmos says the first module of the Russian Orbital "
        "Station could launch around 2027.",
    )
    chosen = forward_statements([ros], EDITION, trend_weight={})
    assert [s.text for s in chosen] == [
        "Roscosmos says the first module of the Russian Orbital Station could launch around 2027."
    ]
    outlook = edition_for(filled_warehouse).outlook
    assert outlook and all(s.text.endswith(")") or s.text.endswith(").") for s in outlook), (
        "every statement names its outlet and date"
    )
    assert all("(" in s.text and s.citations for s in outlook)


def test_statements_rank_by_the_trends_they_bear_on_and_copies_drop() -> None:
    power = story("a", "A", "Russia and China will build a lunar power plant by 2035.")
    copy = story("b", "B", "Russia and China will build a lunar power plant by 2035, reports said.")
    kenya = replace(
        story("c", "C", "Kenya plans to launch an imaging satellite next year."),
        labels=(TrendLabel("R5", 0.9),),
    )
    off_theme = replace(
        story("d", "D", "A partial eclipse on Saturday 29 March will be visible from Africa."),
        labels=(TrendLabel("D2", 0.02),),
    )
    chosen = forward_statements(
        [power, copy, kenya, off_theme], EDITION, trend_weight={"R5": 2.0, "D4": 1.0}
    )
    assert [s.item_id for s in chosen] == ["c", "a"]


@pytest.mark.parametrize("days", [7, 28])
def test_a_window_with_no_forward_statement_says_so_in_one_line(
    filled_warehouse: Warehouse, days: int
) -> None:
    from spacebrief.digest.render import render_markdown, render_text

    edition = edition_for(filled_warehouse, date(2024, 6, 1), days)
    assert edition.outlook == ()
    text = render_text(edition)
    assert "No forward-looking statement (a plan, a scheduled launch" in text
    assert "No forward-looking statement" in render_markdown(edition)
