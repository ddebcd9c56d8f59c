"""The whole way from the recorded sample feeds: ingest, classify, then the edition.

Checks what an analyst relies on: the five sections in the sample's order, and every
[n] in the Markdown resolving to an item that is in the warehouse and in the window.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from spacebrief.digest.build import build_edition
from spacebrief.flows.settings import Settings
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.editions import load_window
from tests.digest.rubric import expert_view_faults

pytestmark = pytest.mark.slow

EDITION_DATE = date(2025, 3, 24)  # the sample feeds' latest week


@pytest.fixture(scope="module")
def sample_edition(tmp_path_factory: pytest.TempPathFactory) -> tuple[Warehouse, Path]:
    ingest_step = pytest.importorskip("spacebrief.flows.steps.ingest_step")
    classify_step = pytest.importorskip("spacebrief.flows.steps.classify_step")
    from spacebrief.flows.steps.digest_step import write_digest

    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPACEBRIEF_HOME", str(home))
        patch.setenv("SPACEBRIEF_CONFIG", str(home / "absent.toml"))
        settings = Settings()
        if not any(settings.samples_dir.glob("*.xml")):
            pytest.skip("seeds/samples holds no feeds yet")
        warehouse = Warehouse(settings.warehouse_path)
        ingest_step.ingest(warehouse, settings, str(settings.samples_dir))
        classify_step.classify(warehouse, settings)
        summary = write_digest(warehouse, settings, edition_date=EDITION_DATE, days=7)
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
    entries = [line for line in declining.splitlines() if line.startswith("- ") and "(D" in line]
    assert entries
    for line in entries:
        if "` ↑ " in line:
            assert "more signs of the decline" in line, line


@pytest.mark.parametrize("days", [7, 28])  # the digest's default week and the demo's window
def test_the_sample_expert_view_passes_its_rubric(
    sample_edition: tuple[Warehouse, Path], days: int
) -> None:
    with sample_edition[0].read() as con:
        edition = build_edition(load_window(con, EDITION_DATE, days))
    assert edition.expert_method == "measured"
    assert expert_view_faults(edition) == []
