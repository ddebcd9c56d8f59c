"""Teaching from the reading room: the Slack buttons' four actions and saved searches,
written to the same tables, once per click, and only by a signed-in analyst's own form."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest

from spacebrief.warehouse import Warehouse
from spacebrief.web.exceptions import WebError
from spacebrief.web.server import check_address
from tests.web.conftest import TOKEN

pytestmark = pytest.mark.slow


def sign_in(client: httpx.Client, name: str = "ana") -> None:
    response = client.post("/login", data={"name": name, "token": TOKEN, "next": "/items"})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/items"


def forms(html: str) -> list[dict[str, str]]:
    """Each POST form of the page: its action and its hidden fields."""
    found = []
    for match in re.finditer(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', match[2]))
        fields["_action"] = unescape(match[1])
        fields["_buttons"] = " ".join(re.findall(r'<button name="action" value="(\w+)"', match[2]))
        found.append(fields)
    return found


def alerted_item(warehouse: Warehouse) -> tuple[str, str, str]:
    """(item id, alert id, trend) of a story the outbox was sent an alert about."""
    with warehouse.read() as con:
        row = con.execute(
            "SELECT item_id, alert_id, trend_id FROM alerts WHERE status = 'sent' "
            "AND trend_id LIKE 'W%' ORDER BY created_at, alert_id LIMIT 1"
        ).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def clicks_and_verdicts(warehouse: Warehouse, item_id: str) -> tuple[list[tuple], list[tuple]]:
    with warehouse.read() as con:
        clicks = con.execute(
            "SELECT action, slack_user, alert_id, trend_id FROM feedback_clicks WHERE item_id = ?",
            [item_id],
        ).fetchall()
        verdicts = con.execute(
            "SELECT trend_id, verdict, analyst FROM feedback WHERE item_id = ?", [item_id]
        ).fetchall()
    return clicks, verdicts


def test_off_theme_on_an_alert_writes_the_slack_buttons_rows_once(
    teaching_room: httpx.Client, room_warehouse: Warehouse
) -> None:
    item_id, alert_id, trend = alerted_item(room_warehouse)
    sign_in(teaching_room)
    page = teaching_room.get(f"/items/{item_id}")
    form = next(f for f in forms(page.text) if f.get("alert_id") == alert_id)
    assert form["_buttons"] == "right wrong_trend off_theme mute_source"
    data = {k: v for k, v in form.items() if not k.startswith("_")} | {"action": "off_theme"}
    first = teaching_room.post(form["_action"], data=data)
    again = teaching_room.post(form["_action"], data=data)  # the same form sent twice
    assert first.status_code == again.status_code == 303
    assert "done=recorded%3Aoff_theme" in first.headers["location"]
    assert "done=duplicate%3Aoff_theme" in again.headers["location"]
    clicks, verdicts = clicks_and_verdicts(room_warehouse, item_id)
    assert clicks == [("off_theme", "web:ana", alert_id, trend)]
    assert verdicts == [(trend, False, "web:ana")]
    shown = teaching_room.get(first.headers["location"])
    assert "Marked off theme" in shown.text and "web:ana marked off theme" in shown.text


def test_a_second_analyst_finds_the_alert_decided(
    teaching_room: httpx.Client, room_warehouse: Warehouse
) -> None:
    item_id, _, _ = alerted_item(room_warehouse)
    sign_in(teaching_room, "ana")
    form = next(f for f in forms(teaching_room.get(f"/items/{item_id}").text) if f.get("alert_id"))
    data = {k: v for k, v in form.items() if not k.startswith("_")}
    teaching_room.post(form["_action"], data=data | {"action": "right"})
    sign_in(teaching_room, "ben")
    form = next(f for f in forms(teaching_room.get(f"/items/{item_id}").text) if f.get("alert_id"))
    data = {k: v for k, v in form.items() if not k.startswith("_")}
    later = teaching_room.post(form["_action"], data=data | {"action": "wrong_trend"})
    assert "done=decided" in later.headers["location"]
    clicks, _ = clicks_and_verdicts(room_warehouse, item_id)
    assert [c[1] for c in clicks] == ["web:ana"]


def test_a_label_no_alert_carried_can_be_marked(
    teaching_room: httpx.Client, room_warehouse: Warehouse
) -> None:
    with room_warehouse.read() as con:
        row = con.execute(
            "SELECT item_id FROM items WHERE starts_with(title, 'Pakistan signs deal')"
        ).fetchone()
    assert row is not None
    sign_in(teaching_room)
    form = next(f for f in forms(teaching_room.get(f"/items/{row[0]}").text) if f.get("trend_id"))
    data = {k: v for k, v in form.items() if not k.startswith("_")} | {"action": "wrong_trend"}
    assert teaching_room.post(form["_action"], data=data).status_code == 303
    _, verdicts = clicks_and_verdicts(room_warehouse, row[0])
    assert verdicts == [(form["trend_id"], False, "web:ana")]


def test_mute_source_adds_the_mute_rule(
    teaching_room: httpx.Client, room_warehouse: Warehouse
) -> None:
    item_id, _, _ = alerted_item(room_warehouse)
    sign_in(teaching_room)
    form = next(f for f in forms(teaching_room.get(f"/items/{item_id}").text) if f.get("alert_id"))
    data = {k: v for k, v in form.items() if not k.startswith("_")} | {"action": "mute_source"}
    teaching_room.post(form["_action"], data=data)
    with room_warehouse.read() as con:
        rules = con.execute("SELECT name, kind, created_by FROM watch_rules").fetchall()
    assert len(rules) == 1 and rules[0][1:] == ("mute", "web:ana")


def test_a_search_is_saved_as_a_watch_rule(
    teaching_room: httpx.Client, room_warehouse: Warehouse
) -> None:
    sign_in(teaching_room)
    page = teaching_room.get("/search", params={"q": "Pakistan AND Tiangong", "within": "all"})
    form = next(f for f in forms(page.text) if f["_action"] == "/rules")
    data = {k: v for k, v in form.items() if not k.startswith("_")}
    saved = teaching_room.post("/rules", data=data | {"name": "pk-tiangong", "kind": "watch"})
    assert saved.status_code == 303
    assert "Saved the watch rule “pk-tiangong”" in teaching_room.get(saved.headers["location"]).text
    with room_warehouse.read() as con:
        assert con.execute("SELECT name, query, kind FROM watch_rules").fetchall() == [
            ("pk-tiangong", "Pakistan AND Tiangong", "watch")
        ]
        history = con.execute("SELECT action, analyst FROM watch_rule_history").fetchall()
    assert history == [("add", "web:ana")]


def test_without_the_csrf_token_nothing_is_written(
    teaching_room: httpx.Client, room_warehouse: Warehouse
) -> None:
    item_id, alert_id, _ = alerted_item(room_warehouse)
    sign_in(teaching_room)
    forged = {"alert_id": alert_id, "action": "off_theme", "nonce": "n", "csrf": "0" * 64}
    response = teaching_room.post(f"/items/{item_id}/feedback", data=forged)
    assert response.status_code == 403
    assert "reload the page and try again" in response.text
    assert clicks_and_verdicts(room_warehouse, item_id) == ([], [])


def test_a_post_from_another_site_is_refused(
    teaching_room: httpx.Client, room_warehouse: Warehouse
) -> None:
    item_id, _, _ = alerted_item(room_warehouse)
    sign_in(teaching_room)
    form = next(f for f in forms(teaching_room.get(f"/items/{item_id}").text) if f.get("alert_id"))
    data = {k: v for k, v in form.items() if not k.startswith("_")} | {"action": "off_theme"}
    response = teaching_room.post(
        form["_action"], data=data, headers={"origin": "https://attacker.example"}
    )
    assert response.status_code == 403 and "another site" in response.text
    assert clicks_and_verdicts(room_warehouse, item_id) == ([], [])


def test_the_wrong_token_signs_nobody_in(teaching_room: httpx.Client) -> None:
    response = teaching_room.post("/login", data={"name": "eve", "token": "guess" * 6})
    assert response.status_code == 403 and "not the feedback token" in response.text
    assert "spacebrief_room" not in teaching_room.cookies


def test_a_sign_in_cannot_send_the_analyst_to_another_site(teaching_room: httpx.Client) -> None:
    response = teaching_room.post(
        "/login", data={"name": "ana", "token": TOKEN, "next": "//attacker.example/"}
    )
    assert response.headers["location"] == "/"


def test_a_read_only_room_refuses_every_write(
    read_only_room: httpx.Client, room_warehouse: Warehouse
) -> None:
    item_id, _, _ = alerted_item(room_warehouse)
    page = read_only_room.get(f"/items/{item_id}")
    assert '<form method="post" action="/items' not in page.text
    refused = read_only_room.post(f"/items/{item_id}/feedback", data={"action": "off_theme"})
    assert refused.status_code == 403 and "read-only" in refused.text
    assert read_only_room.post("/login", data={"token": TOKEN}).status_code == 403
    assert clicks_and_verdicts(room_warehouse, item_id) == ([], [])


def test_serving_beyond_loopback_needs_a_token() -> None:
    check_address("127.0.0.1", None)
    check_address("::1", None)
    check_address("localhost", None)
    check_address("0.0.0.0", TOKEN)
    with pytest.raises(WebError, match=r"^Refusing to serve the reading room on 0\.0\.0\.0"):
        check_address("0.0.0.0", None)
