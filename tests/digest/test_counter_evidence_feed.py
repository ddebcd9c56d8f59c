"""From a recorded feed holding counter-evidence, through the real classifier, to the edition.

The feed (written for this test) carries a Russian cosmonaut flying on a Crew Dragon,
which runs against D4 (Russia turning away from the West), beside a Russia-China lunar
deal that supports it; and Bangladesh signing the Artemis Accords, which runs against W1
(the ILRS expanding), beside Pakistan joining the ILRS. The edition must cite each
counter-item under its own trend, never as support (whether its label reads "against" or
is in doubt), and owe no watch alert for W1 on it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import spacebrief
from spacebrief import Settings
from spacebrief.digest.counter import STANCE_CONFIDENCE_BAR
from spacebrief.warehouse import Warehouse

pytestmark = pytest.mark.slow

FEED = Path(__file__).parent / "fixtures" / "counter-evidence.xml"


@pytest.fixture(scope="module")
def counter_edition(tmp_path_factory: pytest.TempPathFactory) -> tuple[Warehouse, dict, str]:
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPACEBRIEF_HOME", str(home))
        patch.setenv("SPACEBRIEF_CONFIG", str(home / "absent.toml"))
        settings = Settings()
        warehouse = Warehouse(settings.warehouse_path)
        with spacebrief.open(warehouse.path, settings=settings) as sb:
            sb.ingest(str(FEED))
            sb.classify()
            summary = sb.write_edition(date(2025, 6, 9), 7)
    edition = json.loads(summary.json_path.read_text("utf-8"))
    return warehouse, edition, summary.markdown_path.read_text("utf-8")


def _entries(edition: dict) -> dict[str, dict]:
    return {e["trend_id"]: e for s in edition["families"] for e in s["entries"]}


def _cited(edition: dict, numbers: list[int]) -> set[str]:
    titles = {c["number"]: c["title"] for c in edition["citations"]}
    return {titles[n] for n in numbers}


def _verdict(warehouse: Warehouse, title: str, trend_id: str) -> tuple[float, float]:
    with warehouse.read() as con:
        row = con.execute(
            "SELECT l.score, l.stance_score FROM v_labels AS l JOIN items AS i USING (item_id) "
            "WHERE i.title = ? AND l.trend_id = ? AND l.stance = 'against'",
            [title, trend_id],
        ).fetchone()
    return (float(row[0]), float(row[1])) if row else (0.0, 0.0)


def test_the_cosmonaut_on_a_crew_dragon_is_never_support_and_is_quoted_only_when_confident(
    counter_edition: tuple[Warehouse, dict, str],
) -> None:
    """The classifier calls the cosmonaut story "against" D4; the edition quotes it as
    counter-evidence exactly when that verdict clears the bar (digest/counter.py)."""
    warehouse, edition, _ = counter_edition
    d4 = _entries(edition)["D4"]
    cosmonaut = "Russian cosmonaut to launch to the ISS on a SpaceX Crew Dragon"
    assert cosmonaut not in _cited(edition, d4["citations"])
    assert "Russia and China sign a deal on a lunar nuclear power plant" in _cited(
        edition, d4["citations"]
    )
    label, confidence = _verdict(warehouse, cosmonaut, "D4")
    confident = confidence >= STANCE_CONFIDENCE_BAR and label >= 0.5
    assert (cosmonaut in _cited(edition, d4["against"])) is confident
    quoted = [e for e in d4["counter_evidence"] if e["confidence"] >= STANCE_CONFIDENCE_BAR]
    assert quoted == d4["counter_evidence"]


def test_an_artemis_signing_is_never_support_for_w1_and_owes_no_watch_alert(
    counter_edition: tuple[Warehouse, dict, str],
) -> None:
    """Bangladesh joining Artemis runs against W1 (the ILRS expanding): in doubt or read
    "against", it is never cited for W1 and pings nobody; quoted only when confident."""
    warehouse, edition, _ = counter_edition
    w1 = _entries(edition)["W1"]
    signing = "Bangladesh signs the Artemis Accords"
    assert signing not in _cited(edition, w1["citations"])
    assert "Pakistan joins the International Lunar Research Station" in _cited(
        edition, w1["citations"]
    )
    label, confidence = _verdict(warehouse, signing, "W1")
    confident = confidence >= STANCE_CONFIDENCE_BAR and label >= 0.5
    assert (signing in _cited(edition, w1["against"])) is confident
    with warehouse.read() as con:
        alerted = {
            row[0]
            for row in con.execute(
                "SELECT i.title FROM alerts AS a JOIN items AS i USING (item_id) "
                "WHERE a.trend_id = 'W1'"
            ).fetchall()
        }
    assert alerted == {"Pakistan joins the International Lunar Research Station"}
