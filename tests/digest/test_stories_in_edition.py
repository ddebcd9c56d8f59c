"""The edition counts stories (events), not reports, and says how a story was reported."""

from __future__ import annotations

import spacebrief
from spacebrief.digest.render import render_html, render_markdown
from spacebrief.warehouse import Warehouse
from tests.digest.test_edition_from_warehouse import edition_for


def story_line(markdown: str, headline: str) -> str:
    lines = markdown.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith(f"### {headline}"))
    return next(line for line in lines[at:] if line.startswith("_"))


def test_before_stories_are_read_a_cluster_is_one_report_and_its_echoes(
    filled_warehouse: Warehouse,
) -> None:
    edition = edition_for(filled_warehouse)
    line = story_line(render_markdown(edition), edition.stories[0].headline)
    assert "· 1 independent report, 1 echo_" in line


def test_two_outlets_in_their_own_words_are_two_independent_reports(
    filled_warehouse: Warehouse,
) -> None:
    spacebrief.open(filled_warehouse.path).backfill()  # reads the stored items for their stories
    edition = edition_for(filled_warehouse)
    top = edition.stories[0]
    assert top.headline == "China to train Pakistani astronaut for a Tiangong visit"
    assert (top.reports, top.independent_reports, top.echoes) == (2, 2, 0)
    assert "· 2 independent reports_" in story_line(render_markdown(edition), top.headline)
    assert "· 2 independent reports" in render_html(edition)


def test_momentum_counts_two_clusters_of_one_event_once(filled_warehouse: Warehouse) -> None:
    spacebrief.open(filled_warehouse.path).backfill()
    before = edition_for(filled_warehouse)
    with filled_warehouse.write() as con:  # two reports of week -1 found to tell one event
        con.execute(
            "UPDATE story_reports SET story_id = "
            "(SELECT story_id FROM story_reports WHERE item_id = 'h1-0') WHERE item_id = 'h1-1'"
        )
    after = edition_for(filled_warehouse)

    def r2(edition):  # type: ignore[no-untyped-def]
        entries = [e for s in edition.families for e in s.entries]
        quiet = [q for s in edition.families for q in s.quiet]
        return next(x for x in entries + quiet if x.trend_id == "R2").momentum.stories

    assert r2(before)[-2] == 4
    assert r2(after)[-2] == 3
