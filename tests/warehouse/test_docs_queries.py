"""Every example query in docs/warehouse.md runs, and the ones about data find it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.labels import refresh_current_classifications
from spacebrief.warehouse.query import run_query

DOC = Path(__file__).resolve().parents[2] / "docs" / "warehouse.md"
QUERIES = re.findall(r"```sql\n(.*?)```", DOC.read_text("utf-8"), flags=re.S)

FIXTURE = """
INSERT INTO sources (source_id, name, url, last_status, consecutive_failures, last_error)
VALUES ('orbit-wire', 'Orbit Wire', 'https://orbit.example/feed', 'ok', 0, NULL),
       ('dead-feed', 'Dead Feed', 'https://dead.example/rss', 'failed', 3, 'HTTP 503');
INSERT INTO fetches (source_id, url, started_at, duration_ms, status, http_status, entries,
                     new_items)
VALUES ('orbit-wire', 'https://orbit.example/feed', now(), 120, 'ok', 200, 3, 3),
       ('dead-feed', 'https://dead.example/rss', now(), 30, 'failed', 503, 0, 0);
INSERT INTO items (item_id, url, guid, title, summary, language, source_id, source_name,
                   published_at, published_inferred, fetched_at, content_hash, cluster_id) VALUES
 ('a1', 'https://orbit.example/a1', NULL, 'Senegal joins the lunar station project',
  'Senegal signed up to the ILRS.', 'en', 'orbit-wire', 'Orbit Wire', now() - INTERVAL 1 DAY,
  false, now(), 'h1', 'a1'),
 ('a2', 'https://other.example/a2', NULL, 'Dakar signs lunar station deal',
  'Senegal joined the ILRS.', 'en', 'orbit-wire', 'Other Wire', now() - INTERVAL 1 DAY,
  false, now(), 'h2', 'a1'),
 ('a3', 'https://orbit.example/a3', NULL, 'New ground station opens', 'A station opened.',
  'fr', 'orbit-wire', 'Orbit Wire', now() - INTERVAL 2 DAY, false, now(), 'h3', 'a3');
INSERT INTO trends VALUES
 ('W1', 't1', 'watch', 'ilrs-expansion', 'ILRS partnerships expand', '', 13),
 ('R2', 't1', 'rising', 'rival-blocs', 'Rival blocs form', '', 2);
INSERT INTO classifications VALUES
 ('a1', 'c1', 't1', true, 0.95, MAP {'W1': 0.9, 'R2': 0.6}, NULL, now()),
 ('a2', 'c1', 't1', true, 0.93, MAP {'W1': 0.8, 'R2': 0.2}, NULL, now()),
 ('a3', 'c1', 't1', true, 0.70, MAP {'W1': 0.1, 'R2': 0.1}, NULL, now());
INSERT INTO labels (item_id, trend_id, score, evidence, classifier_version, taxonomy_version,
                    labelled_at) VALUES
 ('a1', 'W1', 0.9, 'Senegal signed up to the ILRS.', 'c1', 't1', now()),
 ('a1', 'R2', 0.6, 'Senegal signed up to the ILRS.', 'c1', 't1', now()),
 ('a2', 'W1', 0.8, 'Senegal joined the ILRS.', 'c1', 't1', now());
INSERT INTO alerts (alert_id, cluster_id, trend_id, destination, item_id, score, status,
                    attempts, last_error, created_at, updated_at)
VALUES ('al1', 'a1', 'W1', 'outbox', 'a1', 0.9, 'pending', 1, 'invalid_auth', now(), now());
INSERT INTO alerts (alert_id, cluster_id, trend_id, destination, item_id, score, status,
                    attempts, created_at, updated_at, decided_by, reason)
VALUES ('al2', 'a3', 'rule:stations', 'outbox', 'a3', 0.7, 'sent', 1, now(), now(),
        'watch:stations', 'matched watch rule stations'),
       ('al3', 'a1', 'rule:dakar', 'outbox', 'a2', 0.9, 'held', 0, now(), now(),
        'watch:dakar', 'matched watch rule dakar; not news: published before the horizon');
INSERT INTO feedback_clicks (click_key, alert_id, item_id, trend_id, action, slack_user,
                             slack_ts, channel, recorded_at)
VALUES ('C1|1.0|U1|off_theme', 'al2', 'a3', 'rule:stations', 'off_theme', 'ana', '1.0', 'C1',
        now());
INSERT INTO english_readings VALUES ('a3', 'gist', 'fr', 'French-language report naming Senegal',
 'A French-language report from Orbit Wire.', 'English gist of a French-language story, not a '
 || 'translation', 'gist', 'c1', now());
INSERT INTO editions VALUES ('2026-11-22-7d', DATE '2026-11-22', now() - INTERVAL 7 DAY, now(),
 7, 3, '/tmp/e.md', '/tmp/e.html', '/tmp/e.json', now());
INSERT INTO item_actors VALUES
 ('a1', 'Senegal', 'country', 2, true, now(), 'a1', ['W1', 'R2']),
 ('a1', 'ILRS', 'programme', 1, false, now(), 'a1', ['W1', 'R2']),
 ('a2', 'Senegal', 'country', 1, false, now(), 'a1', ['W1']),
 ('a3', 'France', 'country', 1, false, now() - INTERVAL 2 DAY, 'a3', []);
INSERT INTO story_reports VALUES
 ('a1', 'a1', 'independent', NULL, NULL, now()),
 ('a2', 'a1', 'echo', 'a1', 'near-copy', now()),
 ('a3', 'a3', 'independent', NULL, NULL, now());
"""


@pytest.fixture
def filled(warehouse: Warehouse) -> Warehouse:
    with warehouse.write() as con:
        con.execute(FIXTURE)
        refresh_current_classifications(con)
    return warehouse


def test_the_guide_has_at_least_eight_examples() -> None:
    assert len(QUERIES) >= 8


@pytest.mark.parametrize("sql", QUERIES, ids=[f"query{n}" for n in range(1, len(QUERIES) + 1)])
def test_each_example_runs_and_finds_the_fixture_data(filled: Warehouse, sql: str) -> None:
    with filled.read() as con:
        result = run_query(con, sql)
    assert result.columns
    assert result.rows, "every example is written to find something in the fixture"


def test_the_watchlist_view_shows_the_alert_status(filled: Warehouse) -> None:
    with filled.read() as con:
        rows = run_query(
            con, "SELECT item_id, trend_id, alert_status FROM v_watchlist ORDER BY 1, 2"
        )
    assert rows.rows == [
        ("a1", "W1", "pending"),
        ("a2", "W1", "pending"),
        ("a2", "rule:dakar", "held"),  # a watch rule's alerts are on the watch list too,
        ("a3", "rule:stations", "sent"),  # held ones included
    ]


def test_a_relabel_replaces_the_labels_in_every_view(filled: Warehouse) -> None:
    with filled.write() as con:
        con.execute(
            "INSERT INTO classifications VALUES ('a1', 'c2', 't1', true, 0.9, MAP {'W1': 0.2},"
            " NULL, now() + INTERVAL 1 SECOND)"
        )
    with filled.read() as con:
        trends = run_query(con, "SELECT trends FROM v_items WHERE item_id = 'a1'").rows
        daily = run_query(con, "SELECT sum(items) FROM v_trend_daily WHERE trend_id = 'W1'").rows
    assert trends == [([],)]
    assert daily == [(1,)]
