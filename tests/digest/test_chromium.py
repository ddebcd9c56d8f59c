"""The HTML edition in a real browser: headless Chromium renders it, takes a screenshot,
and the rendered DOM has the five sections, no script and no console error."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from spacebrief.digest.build import build_edition
from spacebrief.digest.render import render_html
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.editions import load_window
from tests.digest.conftest import EDITION_DATE

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
SECTIONS = [
    "Trend Analysis",
    "Expert’s View",
    "Industry Outlook",
    "Selected News Sources",
    "Sources",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--enable-logging=stderr", "--v=0",
        f"--user-data-dir={tmp_path / 'profile'}", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def page(filled_warehouse: Warehouse, tmp_path: Path) -> Path:
    with filled_warehouse.read() as con:
        edition = build_edition(load_window(con, EDITION_DATE, 7))
    path = tmp_path / "edition.html"
    path.write_text(render_html(edition), encoding="utf-8")
    return path


def test_the_page_renders_with_five_sections_and_no_console_errors(
    page: Path, tmp_path: Path
) -> None:
    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", dom)
    assert len(headings) == len(SECTIONS)
    for heading, section in zip(headings, SECTIONS, strict=True):
        assert heading.endswith(section), (heading, section)
    for anchor in ("trend-analysis", "experts-view", "industry-outlook", "selected-news-sources",
                   "sources"):  # fmt: skip
        assert f'id="{anchor}"' in dom
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;alert" in dom
    assert "<svg" in dom
    assert console_messages(result.stderr) == []


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def test_the_console_check_does_catch_a_page_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text("<html><body><script>notDefined()</script></body></html>")
    result = chromium(tmp_path, "--dump-dom", broken.as_uri())
    assert any("notDefined" in line for line in console_messages(result.stderr))


def test_a_screenshot_is_taken(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "edition.png"
    result = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,3000", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000
