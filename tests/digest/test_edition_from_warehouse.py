"""The edition built from a filled warehouse: structure, citations, honesty, determinism."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacebrief.digest.build import build_edition
from spacebrief.digest.counter import STANCE_CONFIDENCE_BAR, CounterEvidencePolicy
from spacebrief.digest.momentum import contradiction
from spacebrief.digest.render import render_html, render_json, render_markdown
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps.digest_step import write_digest
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.editions import load_window
from tests.digest.conftest import EDITION_DATE, fill, week_rows

SECTIONS = [
    "## Trend Analysis",
    "### 🔺 Rising:",
    "### 🔻 Declining:",
    "### ⚠️ Watch List:",
    "## 🧑‍💻 Expert’s View",
    "## ⏩ Industry Outlook",
    "## 📰 Selected News Sources",
    "## Sources",
]


def edition_for(warehouse: Warehouse, edition_date: date = EDITION_DATE, days: int = 7):
    with warehouse.read() as con:
        window = load_window(con, edition_date, days)
    return build_edition(window, top_stories=12)


def test_the_title_line_follows_the_sample_pattern(filled_warehouse: Warehouse) -> None:
    markdown = render_markdown(edition_for(filled_warehouse))
    assert markdown.splitlines()[0] == (
        "# Space China, Russia and Global South · Insights from space news Collection · "
        "March, 24 2025 Edition"
    )


def test_sections_come_in_the_sample_order(filled_warehouse: Warehouse) -> None:
    markdown = render_markdown(edition_for(filled_warehouse))
    positions = [markdown.index(heading) for heading in SECTIONS]
    assert positions == sorted(positions)


def test_every_citation_resolves_to_an_on_theme_item_of_the_window(
    filled_warehouse: Warehouse,
) -> None:
    edition = edition_for(filled_warehouse)
    markdown = render_markdown(edition)
    cited = {int(n) for n in re.findall(r"(?<!\\)\[(\d+)\](?!\()", markdown)}
    numbers = {c.number for c in edition.citations}
    assert cited == numbers == set(range(1, len(numbers) + 1))
    with filled_warehouse.read() as con:
        rows = dict(
            con.execute(
                "SELECT item_id, relevant FROM v_items "
                "WHERE published_at >= ? AND published_at < ?",
                [edition.window_start, edition.window_end],
            ).fetchall()
        )
    for citation in edition.citations:
        assert rows.get(citation.item_id) is True, citation


def test_trend_evidence_counts_items_and_distinct_stories(filled_warehouse: Warehouse) -> None:
    edition = edition_for(filled_warehouse)
    entries = {e.trend_id: e for s in edition.families for e in s.entries}
    assert (entries["R1"].items, entries["R1"].stories) == (2, 1)
    assert (entries["D4"].items, entries["D4"].stories) == (2, 2)
    assert entries["R1"].momentum.stories == (1, 1, 1, 1, 1)
    assert entries["R2"].momentum.stories == (4, 4, 4, 4, 1)


def test_a_declining_trend_with_more_coverage_reads_as_more_signs_of_the_decline(
    filled_warehouse: Warehouse,
) -> None:
    edition = edition_for(filled_warehouse)
    entries = {e.trend_id: e for s in edition.families for e in s.entries}
    assert entries["D4"].momentum.direction == "new"
    assert entries["D4"].contradiction is None
    assert entries["D4"].reading == (
        "More Russian space ties moving from the West to China and the East: Russia keeps "
        "turning away from the West."
    )
    assert entries["R2"].reading == (  # fell, but its one story supports it
        "Fewer moves that line countries up behind the ILRS or the Artemis Accords than in "
        "earlier windows."
    )
    assert entries["R2"].contradiction is None and entries["R1"].contradiction is None
    markdown = render_markdown(edition)
    assert "Listed as declining" not in markdown
    assert "↑ More Russian space ties moving from the West to China and the East" in markdown


def test_quiet_trends_are_listed_compactly_not_padded(filled_warehouse: Warehouse) -> None:
    edition = edition_for(filled_warehouse)
    quiet = {q.trend_id for s in edition.families for q in s.quiet}
    assert {"R6", "D2", "W1", "W5"} <= quiet
    covered = {e.trend_id for s in edition.families for e in s.entries}
    assert not quiet & covered
    assert (
        "_No coverage this window:_ the Global South's voice in space governance `R6`"
        in render_markdown(edition)
    )


def test_a_relevant_story_no_trend_accepts_is_a_new_signal(filled_warehouse: Warehouse) -> None:
    edition = edition_for(filled_warehouse)
    assert [s.headline for s in edition.new_signals] == [
        "Brazil unveils a deep-space radar for tracking debris"
    ]
    assert edition.new_signals[0].closest_trend == "R5 sovereign-capability"


def test_stories_are_one_per_cluster_ranked_and_never_off_theme(
    filled_warehouse: Warehouse,
) -> None:
    edition = edition_for(filled_warehouse)
    headlines = [s.headline for s in edition.stories]
    assert headlines[0] == "China to train Pakistani astronaut for a Tiangong visit"
    assert "Pakistan astronaut heads for Chinese station" not in headlines
    assert "Reusable rocket completes tenth landing" not in headlines
    assert edition.stories[0].reports == 2
    assert edition.stories[0].trend_tags == ("R1", "D1")
    assert edition.stories[0].trend_subjects == (
        "China's role as a space mentor",
        "the end of the West's hold on human spaceflight",
    )
    assert all(2 <= len(s.summary) <= 3 for s in edition.stories if s.headline.startswith("China"))


def test_expert_view_and_outlook_cite_every_sentence(filled_warehouse: Warehouse) -> None:
    edition = edition_for(filled_warehouse)
    assert (edition.expert_method, edition.outlook_method) == ("measured", "extractive")
    assert edition.expert_view and edition.outlook
    for sentence in (*edition.expert_view, *edition.outlook):
        assert sentence.citations, sentence
    assert edition.expert_view[0].text.startswith(
        "The clearest movement this window was in the split into rival lunar blocs"
    )
    assert any("2033 and 2035" in s.text for s in edition.outlook)


def test_building_twice_gives_identical_bytes(filled_warehouse: Warehouse) -> None:
    first, second = edition_for(filled_warehouse), edition_for(filled_warehouse)
    assert render_markdown(first) == render_markdown(second)
    assert render_html(first) == render_html(second)
    assert render_json(first) == render_json(second)
    assert json.loads(render_json(first))["edition_id"] == "2025-03-24-7d"


def test_a_thin_window_says_so(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "thin.duckdb")
    fill(warehouse, [r for r in week_rows() if r.item_id in {"a5", "a8"}])
    edition = edition_for(warehouse)
    assert edition.coverage_note.startswith("Only 1 on-theme item in 1 story this window")


def test_an_empty_window_says_so_and_cites_nothing(filled_warehouse: Warehouse) -> None:
    edition = edition_for(filled_warehouse, EDITION_DATE + timedelta(days=400))
    markdown = render_markdown(edition)
    assert edition.citations == () and edition.stories == ()
    assert "No items were collected" in edition.coverage_note
    assert "Not enough on-theme coverage this window to offer a view." in markdown


def test_the_latest_classification_replaces_older_labels(filled_warehouse: Warehouse) -> None:
    with filled_warehouse.write() as con:
        con.execute(
            "INSERT INTO classifications SELECT item_id, 'clf-newer', taxonomy_version, false, "
            "0.05, scores, embedding, classified_at + INTERVAL 1 DAY FROM classifications "
            "WHERE item_id = 'a6'"
        )
    edition = edition_for(filled_warehouse)
    assert "Launch company signs rideshare deal with Kenya" not in [
        s.headline for s in edition.stories
    ]
    assert "W3" not in {e.trend_id for s in edition.families for e in s.entries}


def test_the_step_writes_three_files_and_upserts_the_editions_row(
    filled_warehouse: Warehouse, home: Path
) -> None:
    settings = Settings()
    first = write_digest(filled_warehouse, settings, edition_date=EDITION_DATE, days=7)
    assert first.markdown_path == settings.editions_dir / "2025-03-24.md"
    before = first.html_path.read_bytes()
    again = write_digest(filled_warehouse, settings, edition_date=EDITION_DATE, days=7)
    assert again.html_path.read_bytes() == before
    other = write_digest(filled_warehouse, settings, edition_date=EDITION_DATE, days=14)
    assert other.json_path.name == "2025-03-24-14d.json"
    with filled_warehouse.read() as con:
        rows = con.execute(
            "SELECT edition_id, days, items, html_path FROM editions ORDER BY edition_id"
        ).fetchall()
    assert rows == [
        ("2025-03-24-14d", 14, other.items, str(other.html_path)),
        ("2025-03-24-7d", 7, 8, str(first.html_path)),
    ]
    assert "2025-03-24 edition" in first.describe()


def test_the_cli_rebuilds_a_past_edition_into_a_chosen_folder(
    filled_warehouse: Warehouse, home: Path, tmp_path: Path
) -> None:
    from spacebrief.flows.cli import app

    home.mkdir(parents=True)
    (home / "spacebrief.duckdb").write_bytes(filled_warehouse.path.read_bytes())
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["digest", "--date", "2025-03-24", "--days", "7", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "2025-03-24.html",
        "2025-03-24.json",
        "2025-03-24.md",
        "2025-03-24.txt",
    ]
    bad = CliRunner().invoke(app, ["digest", "--date", "24/03/2025"])
    assert bad.exit_code == 1
    assert "YYYY-MM-DD" in bad.output


def test_a_missing_warehouse_is_one_clear_error(home: Path) -> None:
    from spacebrief.flows.cli import app

    result = CliRunner().invoke(app, ["digest", "--date", "2025-03-24"])
    assert result.exit_code == 1
    assert "There is no warehouse" in result.output


def test_only_the_candidate_rows_reach_python(filled_warehouse: Warehouse) -> None:
    with filled_warehouse.read() as con:
        window = load_window(con, EDITION_DATE, 7, candidates=3)
    assert len(window.ranked_story_ids) == 3
    fetched = {item.item_id for item in window.items}
    assert "a8" not in fetched  # off-theme, never a candidate
    assert not any(item_id.startswith(("h", "m")) for item_id in fetched)  # earlier windows
    assert set(window.ranked_story_ids) <= fetched


def test_a_fresh_warehouse_gives_an_honest_empty_edition(tmp_path: Path, home: Path) -> None:
    warehouse = Warehouse(tmp_path / "fresh.duckdb")
    warehouse.initialise()
    summary = write_digest(warehouse, Settings(), edition_date=EDITION_DATE)
    markdown = summary.markdown_path.read_text(encoding="utf-8")
    assert summary.items == 0 and summary.citations == 0
    assert "No items were collected for 18 March 2025 to 24 March 2025" in markdown
    assert "No on-theme story this window." in markdown


def test_a_window_of_zero_days_is_refused_with_a_clear_message(
    filled_warehouse: Warehouse, home: Path
) -> None:
    from spacebrief.digest.exceptions import DigestError

    with pytest.raises(DigestError, match="at least one day"):
        write_digest(filled_warehouse, Settings(), edition_date=EDITION_DATE, days=0)


def test_ranking_weighs_watch_list_labels_and_recency(tmp_path: Path) -> None:
    from tests.digest.conftest import Row

    day = EDITION_DATE - timedelta(days=2)
    text = "A delegation met to discuss satellites and ground stations for the region."
    rows = [
        Row("rising-old", "Rising, older", text, day - timedelta(days=3), labels={"R1": 0.7}),
        Row("rising-new", "Rising, newer", text, day, labels={"R1": 0.7}),
        Row("watch-new", "Watch, newer", text, day, labels={"W1": 0.7}),
        Row("unlabelled", "No label", text, day, labels={}),
    ]
    warehouse = Warehouse(tmp_path / "rank.duckdb")
    fill(warehouse, rows)
    with warehouse.read() as con:
        window = load_window(con, EDITION_DATE, 7)
    assert window.ranked_story_ids == ("watch-new", "rising-new", "rising-old", "unlabelled")


def test_counter_evidence_is_counted_and_cited_under_its_own_trend(
    counter_warehouse: Warehouse,
) -> None:
    edition = edition_for(counter_warehouse)
    entries = {e.trend_id: e for s in edition.families for e in s.entries}
    item_of = {c.number: c.item_id for c in edition.citations}
    d4, r2 = entries["D4"], entries["R2"]
    assert (d4.supporting, d4.against_stories) == (2, 4)
    assert {item_of[n] for n in d4.against} == {"c1", "c2", "c4"}  # the three most confident
    assert {item_of[n] for n in d4.citations} == {"a3", "a4"}  # support cites no counter-item
    assert [item_of[n] for n in r2.against] == ["c3"]
    assert r2.counter_evidence[0].text == (
        "China's space agency approved loans of Chang'e-5 samples to researchers at two "
        "US universities."
    )
    assert [e.confidence for e in d4.counter_evidence] == [0.93, 0.88, 0.85]
    assert d4.contradiction == (
        "Counter-evidence outweighs support this window: 4 stories against the statement, 2 for it."
    )
    assert r2.contradiction is None  # one against, one for: not outweighed


def test_only_confident_verdicts_on_on_theme_labels_are_counter_evidence(
    counter_warehouse: Warehouse,
) -> None:
    """An eclipse story carrying D2 only as its best guess (0.02), and a verdict of 0.62
    against R1, are never quoted, counted or bannered."""
    edition = edition_for(counter_warehouse)
    entries = {e.trend_id: e for s in edition.families for e in s.entries}
    item_of = {c.number: c.item_id for c in edition.citations}
    quoted = {item_of[n] for e in entries.values() for n in e.against}
    assert not quoted & {"c6", "c7"}
    assert entries["D2"].against_stories == 0 and entries["D2"].counter_evidence == ()
    assert entries["R1"].against == () and entries["R1"].contradiction is None
    assert "against" not in entries["D2"].reading and "against" not in entries["R1"].reading


def test_one_confident_verdict_never_raises_the_banner() -> None:
    policy = CounterEvidencePolicy()
    assert not policy.outweighs(1, 0)  # one story against, none for: not enough
    assert not policy.outweighs(3, 2)
    assert policy.outweighs(2, 0) and policy.outweighs(4, 2)
    assert not policy.outweighs(5, 3)  # more against, but not twice as many
    assert contradiction("watch", [0, 0, 0, 0, 0], 1, 4, 7) is None


def test_the_json_edition_carries_against_and_its_confidence(counter_warehouse: Warehouse) -> None:
    edition = json.loads(render_json(edition_for(counter_warehouse)))
    entries = {e["trend_id"]: e for s in edition["families"] for e in s["entries"]}
    assert list(entries["D4"])[6:8] == ["citations", "against"]
    assert len(entries["D4"]["against"]) == 3 and entries["R1"]["against"] == []
    numbers = {c["number"] for c in edition["citations"]}
    assert set(entries["D4"]["against"]) <= numbers
    confidences = [e["confidence"] for e in entries["D4"]["counter_evidence"]]
    assert confidences == sorted(confidences, reverse=True)
    assert all(c >= STANCE_CONFIDENCE_BAR for c in confidences)


def test_the_markdown_shows_support_and_counter_evidence_under_the_trend(
    counter_warehouse: Warehouse,
) -> None:
    markdown = render_markdown(edition_for(counter_warehouse))
    lines = markdown.splitlines()
    d4_line = next(n for n, line in enumerate(lines) if line.endswith("`D4`"))
    assert lines[d4_line - 1].startswith("- Russia's ties with Western space powers [")
    assert lines[d4_line + 1].startswith("  - ↩️ Against it: “A Roscosmos cosmonaut will fly")
    assert lines[d4_line + 2].startswith("  - ⚖️ Counter-evidence outweighs support")
    assert "most of them confidently against it" in lines[d4_line]
    assert "Listed as declining" not in markdown
    r2_line = next(line for line in lines if line.endswith("`R2`"))
    assert "against" not in r2_line  # one confident verdict: no word of contradiction


def test_a_rising_trend_whose_support_dried_up_for_two_windows_is_flagged(
    counter_warehouse: Warehouse,
) -> None:
    edition = edition_for(counter_warehouse)
    quiet = {q.trend_id: q for s in edition.families for q in s.quiet}
    assert quiet["R6"].contradiction == (
        "Listed as rising, but no story has supported it in the last 3 weeks; "
        "2 stories did in the 2 weeks before."
    )
    assert all(q.contradiction is None for t, q in quiet.items() if t != "R6")
    assert "  - ⚖️ R6: Listed as rising, but no story" in render_markdown(edition)
