"""The HTML part of a received edition e-mail, rendered by headless Chromium: the five
sections are there and nothing runs (how docs/email-screenshot.png was taken)."""

from __future__ import annotations

import re

import pytest

from tests.alerts.conftest import send_edition
from tests.alerts.smtp_server import SmtpServer
from tests.digest.test_chromium import CHROMIUM, SECTIONS, chromium, console_messages

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
]


def test_the_received_html_part_renders_with_its_five_sections(edition_home, tmp_path):
    with SmtpServer() as server:
        settings = edition_home.settings(server.url(), email_to="ana@example.org")
        send_edition(edition_home.warehouse, settings, edition_home.edition)
    [received] = server.received
    page = tmp_path / "received.html"
    page.write_text(received.message.get_body(preferencelist=("html",)).get_content(), "utf-8")

    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    shot = tmp_path / "received.png"
    screenshot = chromium(tmp_path, f"--screenshot={shot}", "--window-size=800,2600", page.as_uri())

    assert result.returncode == 0, result.stderr[-2000:]
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", result.stdout)
    assert len(headings) == len(SECTIONS)
    for heading, section in zip(headings, SECTIONS, strict=True):
        assert heading.endswith(section), (heading, section)
    assert "<script" not in result.stdout.lower()
    assert console_messages(result.stderr) == []
    assert screenshot.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
