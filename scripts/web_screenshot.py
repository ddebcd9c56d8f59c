"""Take docs/web-screenshot.png: the reading room's item page, from the demo warehouse.

Runs `spacebrief demo` into a temporary SPACEBRIEF_HOME, starts `spacebrief web` there
with a feedback token, signs in with headless Chromium (selenium, Debian's chromedriver)
and photographs one item page whole.

    python scripts/web_screenshot.py [--title "Pakistan signs deal"] [--out PNG]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By

REPO = Path(__file__).resolve().parent.parent
TOKEN = "screenshot-token-0123456789"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--title", default="Pakistan signs deal")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "web-screenshot.png")
    args = parser.parse_args()
    spacebrief = str(Path(sys.executable).parent / "spacebrief")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "SPACEBRIEF_HOME": home, "SPACEBRIEF_WEB_TOKEN": TOKEN}
        subprocess.run([spacebrief, "demo"], env=env, check=True, capture_output=True)
        with duckdb.connect(str(Path(home) / "spacebrief.duckdb"), read_only=True) as con:
            row = con.execute(
                "SELECT item_id FROM items WHERE starts_with(title, ?)", [args.title]
            ).fetchone()
        assert row is not None, args.title
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([spacebrief, "web", "--port", str(port)], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    httpx.get(base + "/room.css", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            options = webdriver.ChromeOptions()
            arguments = ("--headless=new", "--no-sandbox", "--hide-scrollbars",
                         "--window-size=1200,900", "--force-device-scale-factor=1")  # fmt: skip
            for argument in arguments:
                options.add_argument(argument)
            options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
            service = webdriver.ChromeService(shutil.which("chromedriver"))
            driver = webdriver.Chrome(service=service, options=options)
            try:
                driver.get(f"{base}/login?next=/items/{row[0]}")
                driver.find_element(By.NAME, "name").send_keys("ana")
                driver.find_element(By.NAME, "token").send_keys(TOKEN)
                driver.find_element(By.CSS_SELECTOR, "form.stack button").click()
                time.sleep(1)
                for _ in range(3):  # the window's height changes the page's: settle it
                    height = driver.execute_script(
                        "return document.querySelector('main').getBoundingClientRect().bottom"
                        " + window.scrollY"
                    )
                    driver.set_window_size(1200, int(height) + 140)
                    time.sleep(0.3)
                driver.save_screenshot(str(args.out))
            finally:
                driver.quit()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(30)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
