"""One identity per report: a feed cannot take another outlet's story, and old rows keep
their ids when the identity rules change."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from spacebrief.ingest import is_offsite, site_of, source_sites
from spacebrief.warehouse import Warehouse, bundled_migrations
from tests.ingest.conftest import ingest
from tests.ingest.feed_server import FeedServer, entry, rss_feed

LEGIT_URL = "https://legit.example/news/senegal-joins-ilrs"


def real_report() -> dict:
    return entry(
        1,
        title="Senegal signs on to the International Lunar Research Station",
        summary="Senegal's space agency signed the ILRS partnership agreement with China's "
        "CNSA in Dakar on Tuesday, the fourth African state to join the project.",
        link=LEGIT_URL,
        published=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    )


def spoofed_report() -> dict:
    return entry(
        1,
        title="Senegal quits the lunar station project",
        summary="A false report that claims the legitimate outlet's address.",
        link=f"{LEGIT_URL}?utm_source=evil",
        published=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),  # claims to be earlier
    )


def catalog(tmp_path: Path, server: FeedServer, *, legit: bool) -> str:
    # The spoofer's feed lives on another host ("localhost") than the outlet's (127.0.0.1).
    lines = [
        "sources:",
        f"  - {{name: Evil Wire, url: 'http://localhost:{server.port}/evil.xml',"
        " allow_private: true}",
    ]
    if legit:
        lines.append(
            f"  - {{name: Legit News, url: '{server.url('/legit.xml')}',"
            " site: 'https://www.legit.example/', allow_private: true}"
        )
    path = tmp_path / "sources.yaml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_a_feed_claiming_another_outlets_url_cannot_drop_the_real_report(
    warehouse, server, tmp_path
):
    server.serve("/evil.xml", rss_feed("Evil Wire", [spoofed_report()]))
    server.serve("/legit.xml", rss_feed("Legit News", [real_report()]))
    assert ingest(warehouse, catalog(tmp_path, server, legit=False)).new_items == 1
    second = ingest(warehouse, catalog(tmp_path, server, legit=True), force=True)
    assert second.new_items == 1

    with warehouse.read() as con:
        rows = con.execute(
            "SELECT source_id, title, offsite, cluster_id, item_id FROM v_items "
            "WHERE url = ? ORDER BY source_id",
            [LEGIT_URL],
        ).fetchall()
    (evil, legit) = rows
    assert evil[:3] == ("evil-wire", "Senegal quits the lunar station project", True)
    assert legit[:3] == (
        "legit-news",
        "Senegal signs on to the International Lunar Research Station",
        False,
    )
    assert legit[3] == legit[4]  # the outlet's report names its own story, not the claimant's
    assert legit[4] != evil[4]


def test_the_real_report_stored_first_is_never_overwritten_by_a_later_claim(
    warehouse, server, tmp_path
):
    server.serve("/evil.xml", rss_feed("Evil Wire", [spoofed_report()]))
    server.serve("/legit.xml", rss_feed("Legit News", [real_report()]))
    ingest(warehouse, catalog(tmp_path, server, legit=True))
    ingest(warehouse, catalog(tmp_path, server, legit=True), force=True)
    with warehouse.read() as con:
        rows = con.execute(
            "SELECT source_id, title, offsite, cluster_id, item_id FROM items ORDER BY source_id"
        ).fetchall()
    assert [(r[0], r[2]) for r in rows] == [("evil-wire", True), ("legit-news", False)]
    assert rows[1][1].startswith("Senegal signs on")
    assert rows[0][3] == rows[1][4]  # the claim joins the outlet's story, never names it


@pytest.mark.parametrize(
    ("url", "sites", "offsite"),
    [
        ("https://www.legit.example/a", {"legit.example"}, False),
        ("https://news.bbc.co.uk/a", {"bbc.co.uk"}, False),
        ("https://evil.co.uk/a", {"bbc.co.uk"}, True),
        ("https://arstechnica.com/space/1", {"arstechnica.com"}, False),
        ("https://legit.example/a", {"127.0.0.1"}, True),
        ("https://legit.example/a", set(), False),  # nothing to judge by
    ],
)
def test_a_url_is_offsite_when_it_is_outside_every_site_of_its_source(url, sites, offsite):
    assert is_offsite(url, frozenset(sites)) is offsite


def test_a_remote_feed_speaks_for_its_host_and_catalog_site_not_its_own_link_claim():
    sites = source_sites(
        "https://feeds.arstechnica.com/arstechnica/index", None, "https://legit.example/"
    )
    assert sites == {"arstechnica.com"}
    assert source_sites("http://127.0.0.1:8000/f.xml", "https://www.legit.example", None) == {
        "127.0.0.1",
        "legit.example",
    }
    assert source_sites("/data/feeds/agency.xml", None, "https://agency.example/") == {
        "agency.example"
    }
    assert site_of("https://[::1]:8080/x") == "::1"


OLD_ROW = (
    "old-id-1",
    "https://legit.example/news/s?b=2&a=1",  # the canonical form before w3lib
    None,
    "Senegal signs on to the International Lunar Research Station",
    "Senegal's space agency signed the ILRS partnership agreement.",
    "en",
    "legit-news",
    "Legit News",
    datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    False,
    datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
    "hash-1",
    "old-id-1",
)


def warehouse_before_identity_per_source(path: Path) -> None:
    """A warehouse as the previous release left it: every migration before 070 applied."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    for migration in bundled_migrations():
        if migration.version < 70:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                [migration.version, migration.name],
            )
    con.execute(
        "INSERT INTO sources (source_id, name, url) VALUES ('legit-news', 'Legit News', 'x')"
    )
    con.execute(
        "INSERT INTO items (item_id, url, guid, title, summary, language, source_id, "
        "source_name, published_at, published_inferred, fetched_at, content_hash, cluster_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        list(OLD_ROW),
    )
    con.execute("INSERT INTO labels VALUES ('old-id-1', 'W1', 0.9, 'evidence', 'c1', 't1', now())")
    con.close()


def test_the_migration_keeps_old_ids_and_a_re_read_finds_its_rows(server, tmp_path):
    path = tmp_path / "old.duckdb"
    warehouse_before_identity_per_source(path)
    warehouse = Warehouse(path)
    server.serve(
        "/legit.xml",
        rss_feed(
            "Legit News",
            [entry(1, title=OLD_ROW[3], summary=OLD_ROW[4], link=OLD_ROW[1], published=OLD_ROW[8])],
        ),
    )
    source = f"sources:\n  - {{name: Legit News, url: '{server.url('/legit.xml')}'}}\n"
    (tmp_path / "sources.yaml").write_text(source)
    summary = ingest(warehouse, str(tmp_path / "sources.yaml"))
    assert summary.new_items == 0
    with warehouse.read() as con:
        assert con.execute("SELECT item_id, url, offsite FROM items").fetchall() == [
            ("old-id-1", "https://legit.example/news/s?a=1&b=2", False)
        ]
        assert con.execute("SELECT item_id FROM labels").fetchall() == [("old-id-1",)]
        applied = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    assert 70 in applied
