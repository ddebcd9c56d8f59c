"""The Expert's View reads as analysis written from measured facts, and passes its rubric."""

from __future__ import annotations

from spacebrief.digest.expert import short_statement
from spacebrief.warehouse import Warehouse
from tests.digest.rubric import expert_view_faults
from tests.digest.test_edition_from_warehouse import edition_for


def test_the_view_passes_the_rubric_with_counter_evidence(counter_warehouse: Warehouse) -> None:
    edition = edition_for(counter_warehouse)
    assert expert_view_faults(edition) == []
    assert edition.expert_method == "measured"


def test_the_view_passes_the_rubric_without_counter_evidence(filled_warehouse: Warehouse) -> None:
    edition = edition_for(filled_warehouse)
    assert expert_view_faults(edition) == []
    assert not any("counter-evidence" in s.text for s in edition.expert_view)


def test_the_two_largest_movements_lead_the_paragraph_with_their_direction(
    counter_warehouse: Warehouse,
) -> None:
    first, second = edition_for(counter_warehouse).expert_view[:2]
    assert first.text == (
        "The largest movement this window was in “Russia's ties with Western space powers” "
        "(D4), whose coverage went from none in the previous 4 weeks to 5 stories, though "
        "most of it ran against the statement."
    )
    assert second.text.startswith("Next came “Rival lunar blocs forming around ILRS and Artemis”")
    assert "fell to 2 stories, from an average of 4" in second.text


def test_recurring_actors_and_the_strongest_counter_evidence_are_named_and_cited(
    counter_warehouse: Warehouse,
) -> None:
    edition = edition_for(counter_warehouse)
    item_of = {c.number: c.item_id for c in edition.citations}
    actors = next(s for s in edition.expert_view if "recurs most" in s.text)
    assert actors.text.startswith("China recurs most across the window's 11 on-theme stories")
    assert "Roscosmos is the agency named most often" in actors.text
    counter = next(s for s in edition.expert_view if "strongest counter-evidence" in s.text)
    assert [item_of[n] for n in counter.citations] == ["c1"]  # P(against) 0.86, the highest
    assert "“Russian cosmonaut to ride a Crew Dragon to the station” (Orbital Ledger)" in (
        counter.text
    )


def test_what_is_new_names_the_story_no_trend_fits(filled_warehouse: Warehouse) -> None:
    edition = edition_for(filled_warehouse)
    new = edition.expert_view[-1]
    assert new.text.startswith("What is new lies outside the taxonomy: one on-theme story")
    assert new.citations == (edition.new_signals[0].citation,)


def test_statements_are_shortened_to_their_main_clause() -> None:
    assert (
        short_statement(
            "Space is splitting into rival blocs, with the China-Russia led ILRS facing the "
            "U.S.-led Artemis Accords."
        )
        == "Space is splitting into rival blocs"
    )
    assert (
        short_statement(
            "Watch Russia's role in space as Western sanctions hit its aerospace sector."
        )
        == "Watch Russia's role in space"
    )
    assert short_statement("Rules for space resources") == "Rules for space resources"
