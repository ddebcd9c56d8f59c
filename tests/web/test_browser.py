"""The reading room in a real browser: Debian's Chromium, headless, driven by selenium
through Debian's chromedriver, against the room served on 127.0.0.1.

The analyst's path of issue 27 end to end: open today's edition, jump to an item, read
why it was tagged, find the stories naming Pakistan this month, see how many independent
outlets reported one, sign in and mark an alert off-theme, and find the feedback row in
the warehouse. Then the hostile feeds of the fuzz test, through every page: no script
runs and no markup breaks.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import spacebrief
from spacebrief.warehouse import Warehouse
from tests.ingest.test_hostile_feeds_fuzz import hostile_feed
from tests.web.conftest import EDITION_DATE, TOKEN, RoomFactory, serving

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import (  # noqa: E402
    NoAlertPresentException,
    WebDriverException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/lib/chromium/chromedriver" if Path("/usr/lib/chromium/chromedriver").exists() else None
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None or CHROMEDRIVER is None,
        reason="Chromium or its driver is not installed (apt-get install chromium chromium-driver)",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1200,1600", "--disable-background-networking"):  # fmt: skip
        options.add_argument(argument)
    options.binary_location = str(CHROMIUM)
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        driver.quit()


def no_alert_opened(driver: webdriver.Chrome) -> bool:
    try:
        _ = driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def click_link(driver: webdriver.Chrome, text: str) -> None:
    driver.find_element(By.PARTIAL_LINK_TEXT, text).click()


def shows(driver: webdriver.Chrome, element_id: str, text: str) -> str:
    """The element's text once it holds `text`. A click's page may still be loading, and
    a node read while the next page replaces it is gone (chromedriver then says "stale" or
    "node does not belong to the document"): read the text in one script call, which sees
    a single document, and read again until the text shows."""

    def holds(d: webdriver.Chrome) -> str | None:
        found = d.execute_script(
            "const e = document.getElementById(arguments[0]); return e && e.innerText;",
            element_id,
        )
        return found if found and text in found else None

    return WebDriverWait(driver, 20, ignored_exceptions=(WebDriverException,)).until(holds)


def test_an_analyst_reads_finds_weighs_and_teaches(
    browser: webdriver.Chrome, room_config: RoomFactory, room_warehouse: Warehouse
) -> None:
    with serving(room_config(token=TOKEN)) as base:
        browser.get(base + "/")
        # today's edition, from the archive
        click_link(browser, EDITION_DATE.isoformat())
        assert "Selected News Sources" in browser.find_element(By.TAG_NAME, "body").text
        # jump to an item: the first source's reading-room link
        browser.find_element(By.CSS_SELECTOR, "a.room").click()
        assert "/items/" in browser.current_url
        why = browser.find_element(By.ID, "why")
        assert "Why it was tagged" in why.text
        assert why.find_elements(By.CSS_SELECTOR, "blockquote.evidence")

        # every story naming Pakistan this month (the sample's "today" is 24 March 2025)
        click_link(browser, "Entities")
        click_link(browser, "Pakistan")
        heading = browser.find_elements(By.TAG_NAME, "h2")[1].text
        assert heading.startswith("2025-03: ") and "naming Pakistan" in heading
        # ... and how many independent outlets reported last month's astronaut deal
        click_link(browser, "2025-02")
        story = next(
            li
            for li in browser.find_elements(By.CSS_SELECTOR, "ol.rows li")
            if "Pakistan signs deal" in li.text
        )
        assert "2 independent reports" in story.text
        story.find_element(By.CSS_SELECTOR, "a.title").click()
        assert "The story: 2 independent reports" in browser.find_element(By.ID, "story").text

        # search, in the watch rules' language
        click_link(browser, "Search")
        box = browser.find_element(By.NAME, "q")
        box.send_keys("Pakistan AND astronaut*")
        box.submit()
        # the results page may still be loading under a busy machine: wait for its marks
        WebDriverWait(driver=browser, timeout=20).until(
            lambda d: d.find_elements(By.TAG_NAME, "mark")
        )
        marks = [m.text for m in browser.find_elements(By.TAG_NAME, "mark")]
        assert "Pakistan" in marks and "astronaut" in marks

        # sign in, open an alerted item, mark the alert off-theme
        with room_warehouse.read() as con:
            alert = con.execute(
                "SELECT item_id, alert_id, trend_id FROM alerts WHERE status = 'sent' "
                "ORDER BY created_at, alert_id LIMIT 1"
            ).fetchone()
        assert alert is not None
        item_id, alert_id, trend = alert
        browser.get(f"{base}/items/{item_id}")
        click_link(browser, "Sign in")
        browser.find_element(By.NAME, "name").send_keys("ana")
        browser.find_element(By.NAME, "token").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "form.stack button").click()
        assert "web:ana" in shows(browser, "who", "web:ana")
        form = browser.find_element(
            By.XPATH, f"//form[input[@name='alert_id' and @value='{alert_id}']]"
        )
        form.find_element(By.XPATH, ".//button[@value='off_theme']").click()
        assert "Marked off theme" in shows(browser, "teach", "Marked")
    with room_warehouse.read() as con:
        assert con.execute(
            "SELECT action, slack_user, trend_id FROM feedback_clicks WHERE alert_id = ?",
            [alert_id],
        ).fetchall() == [("off_theme", "web:ana", trend)]
        assert con.execute(
            "SELECT verdict, analyst FROM feedback WHERE item_id = ? AND trend_id = ?",
            [item_id, trend],
        ).fetchall() == [(False, "web:ana")]


@pytest.fixture(scope="module")
def hostile_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """Items ingested and classified from 40 feeds of the fuzz corpus."""
    folder = tmp_path_factory.mktemp("hostile-feeds")
    rng = random.Random(2727)
    for n in range(40):
        body = hostile_feed(rng, n)
        suffix = ".json" if body.lstrip().startswith(b"{") else ".xml"
        (folder / f"feed-{n:02d}{suffix}").write_bytes(body)
    with spacebrief.open(tmp_path_factory.mktemp("hostile") / "w.duckdb") as sb:
        sb.ingest(folder)
        sb.classify()
    return sb.warehouse


def test_hostile_feed_text_runs_no_script_and_breaks_no_markup(
    browser: webdriver.Chrome, hostile_warehouse: Warehouse
) -> None:
    with hostile_warehouse.read() as con:
        ids = [r[0] for r in con.execute("SELECT item_id FROM items ORDER BY item_id").fetchall()]
    assert len(ids) > 30
    config = RoomFactory_for(hostile_warehouse)
    with serving(config) as base:
        pages = [
            "/items",
            "/search?q=Tiangong+OR+ILRS+OR+script&within=all",
            "/entities?period=all",
        ]
        pages += [f"/items/{item_id}" for item_id in ids]
        for path in pages:
            browser.get(base + path)
            assert no_alert_opened(browser), path
            dom = browser.execute_script(
                "return [document.querySelectorAll('script, img, iframe, object, embed, style')"
                ".length, document.querySelectorAll('header nav a').length,"
                " document.querySelectorAll('main').length, document.title]"
            )
            assert dom[:3] == [0, 4, 1], (path, dom)
            assert dom[3].endswith("· spacebrief"), (path, dom)
        browser.get(base + "/items")
        rows = browser.find_elements(By.CSS_SELECTOR, "ol.rows > li")
        assert len(rows) == min(len(ids), 50)  # each item one row, none swallowed or split


def RoomFactory_for(warehouse: Warehouse):
    import spacebrief
    from spacebrief.web.config import RoomConfig

    return RoomConfig(handle=spacebrief.open(warehouse.path), today=lambda: EDITION_DATE)
