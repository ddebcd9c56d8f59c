"""The Expert's View reads as analysis written from measured facts, and passes its rubric."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from spacebrief.digest.expert import short_statement
from spacebrief.digest.types import CitedSentence
from spacebrief.warehouse import Warehouse
from tests.digest.conftest import EDITION_DATE, Row, fill
from tests.digest.rubric import expert_view_faults, readout_faults
from tests.digest.test_edition_from_warehouse import edition_for


def test_the_view_passes_the_rubric_with_counter_evidence(counter_warehouse: Warehouse) -> None:
    edition = edition_for(counter_warehouse)
    assert expert_view_faults(edition) == []
    assert edition.expert_method == "measured"


def test_the_view_passes_the_rubric_without_counter_evidence(filled_warehouse: Warehouse) -> None:
    edition = edition_for(filled_warehouse)
    assert expert_view_faults(edition) == []
    assert not any("caveat" in s.text for s in edition.expert_view)


def test_the_rubric_tells_a_statistics_readout_from_analysis(filled_warehouse: Warehouse) -> None:
    """The paragraph the edition printed before issue 26, sentence for sentence in form."""
    edition = edition_for(filled_warehouse)
    readout = (
        "The largest movement this window was in “Space has become a tool of diplomacy” "
        "(R4), whose coverage went from none in the previous 4 28-day windows to 5 stories.",
        "Next came “Watch how commercial space firms shape strategies” (W3), whose coverage "
        "rose to 5 stories, from an average of 0.8 over the previous 4 28-day windows.",
        "China recurs most across the window's 26 on-theme stories (named in 15).",
        "New this window: R4, R2, D1 and D3, silent over the previous 4 28-day windows, now "
        "carry 14 stories.",
    )
    faults = readout_faults(
        replace(edition, expert_view=tuple(CitedSentence(t, (1,)) for t in readout))
    )
    assert "states a decimal figure (an average), a readout" in faults
    assert "speaks in window jargon" in faults
    assert any(f.startswith("claims 26 stories in a window of") for f in faults)
    assert "never says what the movement means for a statement" in faults
    assert "says nothing of what to watch" in faults
    assert readout_faults(edition) == []


def test_what_moved_who_drove_it_and_what_it_means(counter_warehouse: Warehouse) -> None:
    first, drivers, meaning, *_ = edition_for(counter_warehouse).expert_view
    assert first.text.startswith(
        "The clearest movement this window was in Russia's turn away from the West: six "
        "stories, where the four weeks before had none, led by “"
    )
    assert drivers.text == "Russia recurs across these stories, with Roscosmos at their centre."
    assert meaning.text.startswith("Yet most of these stories run against the statement")


def test_the_caveat_is_the_most_confident_counter_evidence(counter_warehouse: Warehouse) -> None:
    edition = edition_for(counter_warehouse)
    item_of = {c.number: c.item_id for c in edition.citations}
    caveat = next(s for s in edition.expert_view if s.text.startswith("The main caveat"))
    assert [item_of[n] for n in caveat.citations] == ["c1"]  # P(against) 0.93, the highest
    assert "“Russian cosmonaut to ride a Crew Dragon to the station” (Orbital Ledger)" in (
        caveat.text
    )


def test_what_to_watch_names_the_story_no_trend_fits(filled_warehouse: Warehouse) -> None:
    edition = edition_for(filled_warehouse)
    watch = edition.expert_view[-1]
    assert watch.text.startswith("What to watch next:")


def test_counts_are_never_summed_over_trends_that_share_stories(tmp_path: Path) -> None:
    """Two stories, each carrying four trends new this window, are two stories, not eight."""
    text = "China will train engineers from Egypt and Kenya on satellites it builds for them."
    rows = [
        Row(
            f"s{n}",
            f"China opens satellite school for African engineers ({n})",
            text,
            EDITION_DATE - timedelta(days=n),
            labels={"R1": 0.8, "R3": 0.7, "R4": 0.7, "W6": 0.6},
        )
        for n in (1, 2)
    ]
    warehouse = Warehouse(tmp_path / "shared.duckdb")
    fill(warehouse, rows)
    edition = edition_for(warehouse)
    assert edition.stories_relevant == 2
    assert not [f for f in readout_faults(edition) if f.startswith("claims")]
    assert window_stories_named(edition) <= {"two"}


def window_stories_named(edition) -> set[str]:
    import re

    return {
        m.group(1)
        for s in edition.expert_view
        for m in re.finditer(r"\b(\w+) stories\b", s.text)
        if m.group(1) in {"one", "two", "three", "four", "five", "six", "seven", "eight"}
    }


def test_statements_are_shortened_to_their_main_clause() -> None:
    assert (
        short_statement(
            "Space is splitting into rival blocs, with the China-Russia led ILRS facing the "
            "U.S.-led Artemis Accords."
        )
        == "Space is splitting into rival blocs"
    )
    assert short_statement("Rules for space resources") == "Rules for space resources"
