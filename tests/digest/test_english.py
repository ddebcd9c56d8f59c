"""An English reading of every story: a checked translation when an LLM is configured, an
honest, marked gist when not; in the edition, the warehouse view and (tests/alerts) Slack.

The LLM peer is a real OpenAI-compatible server on 127.0.0.1 started by the test.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import spacebrief
from spacebrief._classify import read_in_english
from spacebrief.digest.build import build_edition
from spacebrief.digest.english import english_reading
from spacebrief.digest.llm import LlmEndpoint, translated
from spacebrief.digest.render import render_markdown, render_text
from spacebrief.digest.types import TrendLabel, WindowItem
from spacebrief.flows.settings import Settings
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.editions import load_window
from tests.digest.conftest import EDITION_DATE, Row, fill, week_rows

RUSSIAN_TITLE = "Лунная АЭС: Россия и Китай обсуждают энергостанцию для МНЛС"
RUSSIAN_SUMMARY = (
    "Роскосмос и CNSA обсуждают строительство атомной электростанции на Луне к 2035 году "
    "для Международной научной лунной станции."
)
GOOD = (
    "Title: Lunar nuclear plant: Russia and China discuss a power station for the ILRS\n"
    "Summary: Roscosmos and CNSA are discussing building a nuclear power plant on the Moon "
    "by 2035 for the International Lunar Research Station."
)
MOVED_YEAR = GOOD.replace("2035", "2036")
LOST_NAME = GOOD.replace("Roscosmos and CNSA are", "The agencies are")
STATEMENTS = {
    "D4": "Russia is turning away from cooperation with Western space powers and toward China."
}


def russian_item(**changes) -> WindowItem:
    values = dict(
        item_id="ru1",
        title=RUSSIAN_TITLE,
        summary=RUSSIAN_SUMMARY,
        url=None,
        source_name="Eurasia Orbit Digest",
        published_at=datetime(2025, 3, 5, 9, tzinfo=UTC),
        cluster_id="ru1",
        relevance=1.0,
        labels=(TrendLabel("D4", 0.74),),
        language="ru",
    )
    values.update(changes)
    return WindowItem(**values)


@pytest.fixture
def translator() -> Iterator[tuple[list[str], str]]:
    """A chat server answering with the translation at the head of `answers`."""
    answers: list[str] = [GOOD]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            data = json.dumps({"choices": [{"message": {"content": answers[0]}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError):
                self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield answers, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_an_english_story_is_read_as_it_is() -> None:
    item = russian_item(title="Egypt joins the ILRS", summary="Egypt signed.", language="en")
    reading = english_reading(item)
    assert (reading.kind, reading.title, reading.note) == ("original", "Egypt joins the ILRS", "")


def test_without_an_llm_a_foreign_story_gets_a_gist_that_says_it_is_one() -> None:
    reading = english_reading(russian_item(), statements=STATEMENTS)
    assert reading.kind == "gist"
    assert reading.note == "English gist of a Russian-language story, not a translation"
    assert reading.title == (
        "Russian-language report naming China, Russia, CNSA, Roscosmos and ILRS"
    )
    assert reading.summary.startswith(
        "A Russian-language report of 5 March 2025 from Eurasia Orbit Digest that names"
    )
    assert "supports the statement that Russia is turning away" in reading.summary
    assert "(D4)" in reading.summary


def test_a_translation_is_used_when_every_name_and_number_survives(translator) -> None:
    _, url = translator
    endpoint = LlmEndpoint(url, timeout_seconds=5)
    reading = english_reading(russian_item(), translate=lambda *args: translated(endpoint, *args))
    assert reading.kind == "translation" and reading.note == "Translated from Russian"
    assert reading.title.startswith("Lunar nuclear plant: Russia and China discuss")


@pytest.mark.parametrize("answer", [MOVED_YEAR, LOST_NAME, "Sure! Here is the translation."])
def test_a_translation_that_moves_a_figure_or_drops_a_name_is_refused(
    translator, answer: str
) -> None:
    answers, url = translator
    answers[0] = answer
    endpoint = LlmEndpoint(url, timeout_seconds=5)
    assert translated(endpoint, "Russian", RUSSIAN_TITLE, RUSSIAN_SUMMARY) is None
    reading = english_reading(
        russian_item(), statements=STATEMENTS, translate=lambda *a: translated(endpoint, *a)
    )
    assert reading.kind == "gist"


def foreign_rows() -> list[Row]:
    d = EDITION_DATE
    return [
        Row(
            "zh1",
            "北斗系统为巴基斯坦提供导航服务",
            "中国北斗卫星导航系统开始为巴基斯坦提供服务，双方将在2026年前建设更多地面站。",
            d - timedelta(days=1),
            source="China Space Daily",
            relevance=0.9,
            labels={"R4": 0.86},
            language="zh",
        ),
        Row(
            "es1",
            "La estación espacial china de Neuquén, bajo la lupa",
            "La gestiona un organismo chino vinculado al Ejército Popular de Liberación, lo que "
            "alimenta dudas sobre su uso dual en Argentina.",
            d - timedelta(days=2),
            source="Southern Cone Space Review",
            relevance=0.9,
            labels={"R4": 0.6},
            against={"R4": 0.9},
            language="es",
        ),
    ]


@pytest.fixture
def foreign_warehouse(tmp_path: Path) -> Warehouse:
    warehouse = Warehouse(tmp_path / "foreign.duckdb")
    fill(warehouse, week_rows() + foreign_rows())
    return warehouse


def test_the_edition_reads_every_foreign_story_in_english(foreign_warehouse: Warehouse) -> None:
    with foreign_warehouse.read() as con:
        edition = build_edition(load_window(con, EDITION_DATE, 7))
    beidou = next(
        s for s in edition.stories if s.original_headline == "北斗系统为巴基斯坦提供导航服务"
    )
    assert beidou.headline == "Chinese-language report naming China, Pakistan and BeiDou"
    assert beidou.reading == "gist" and "not a translation" in beidou.reading_note
    assert all("北斗" not in s for s in beidou.summary)
    r4 = next(e for s in edition.families for e in s.entries if e.trend_id == "R4")
    [counter] = r4.counter_evidence
    assert counter.text == (
        "Spanish-language report naming Argentina, China and the People's Liberation Army"
    )
    assert counter.original.startswith("La gestiona") and counter.reading == "gist"
    sources = {c.item_id: c for c in edition.citations}
    assert sources["zh1"].title.startswith("Chinese-language report")
    assert sources["zh1"].original_title == "北斗系统为巴基斯坦提供导航服务"
    for rendered in (render_markdown(edition), render_text(edition)):
        assert "English gist of a Chinese-language story, not a translation" in rendered
        outside_originals = re.sub(r"(?i)original(?:\s+headline)?:\s+“[^”]*”", "", rendered)
        assert "北斗" not in outside_originals and "La gestiona" not in outside_originals


def test_the_english_step_stores_readings_for_the_view_and_slack(
    foreign_warehouse: Warehouse, home: Path
) -> None:
    settings = Settings()
    assert read_in_english(spacebrief.open(foreign_warehouse.path, settings=settings)) == 2
    assert (
        read_in_english(spacebrief.open(foreign_warehouse.path, settings=settings)) == 0
    )  # made once per model and labels
    with foreign_warehouse.read() as con:
        rows = con.execute(
            "SELECT item_id, reading, english_title, original_title FROM v_items_english "
            "WHERE item_id IN ('zh1', 'es1', 'a1') ORDER BY item_id"
        ).fetchall()
    assert rows[0] == (
        "a1",
        "original",
        "China to train Pakistani astronaut for a Tiangong visit",
        "China to train Pakistani astronaut for a Tiangong visit",
    )
    assert rows[1][1] == "gist" and rows[1][2].startswith("Spanish-language report naming")
    assert rows[2][1] == "gist" and rows[2][3] == "北斗系统为巴基斯坦提供导航服务"


def test_a_stored_translation_is_what_the_edition_prints(
    foreign_warehouse: Warehouse, home: Path, translator, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers, url = translator
    answers[0] = (
        "Title: BeiDou system provides navigation services to Pakistan\n"
        "Summary: China's BeiDou satellite navigation system has begun serving Pakistan, and "
        "the two sides will build more ground stations before 2026."
    )
    monkeypatch.setenv("SPACEBRIEF_LLM_URL", url)
    read_in_english(spacebrief.open(foreign_warehouse.path, settings=Settings()))
    with foreign_warehouse.read() as con:
        edition = build_edition(load_window(con, EDITION_DATE, 7))
    beidou = next(s for s in edition.stories if s.original_headline)
    assert beidou.headline == "BeiDou system provides navigation services to Pakistan"
    assert beidou.reading_note == "Translated from Chinese"


def test_an_owed_slack_alert_carries_the_stories_english_reading(
    foreign_warehouse: Warehouse, home: Path
) -> None:
    from spacebrief.alerts.blocks import story_message
    from spacebrief.warehouse.alerts import owed_alerts

    read_in_english(spacebrief.open(foreign_warehouse.path, settings=Settings()))
    now = datetime(2025, 3, 24, tzinfo=UTC)
    with foreign_warehouse.write() as con:
        con.execute(
            "INSERT INTO alerts (alert_id, cluster_id, trend_id, destination, item_id, score, "
            "status, attempts, created_at, updated_at) "
            "VALUES ('al1', 'zh1', 'R4', 'outbox', 'zh1', 0.86, 'pending', 0, ?, ?)",
            [now, now],
        )
    with foreign_warehouse.read() as con:
        [alert] = owed_alerts(con, "outbox")
    assert alert.language == "zh" and alert.english_title.startswith("Chinese-language report")
    body = story_message([alert])
    assert "Chinese-language report naming China, Pakistan and BeiDou" in body.text
    assert "Original headline: 北斗系统为巴基斯坦提供导航服务" in str(body.blocks)
