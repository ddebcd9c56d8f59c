"""One link rule and one cut for feed text: hostile links are refused by every channel."""

from __future__ import annotations

import json
import re

import pytest

from spacebrief.alerts.blocks import story_message
from spacebrief.digest.build import build_edition
from spacebrief.digest.render import render_html, render_markdown
from spacebrief.untrusted import safe_url, truncate, url_refusal
from tests.alerts.test_blocks import alert
from tests.digest.test_escaping import hostile_window

HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x00javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://ftp.example.org/feed.xml",
    "//evil.example/story",
    "https:evil.example/story",
    "https://",
    "http:///only/a/path",
    "https://user:secret@news.example.org/story",
    "https://nasa.gov@evil.example/story",
    'https://news.example.org/"onmouseover="alert(1)',
    "https://news.example.org/'onmouseover='alert(1)",
    "https://news.example.org/<script>alert(1)</script>",
    "https://news.example.org/a>b",
    "https://news.example.org/`x`",
    "https://news.example.org\\@evil.example/",
    "https://news.example.org/a story",
    "https://news.example.org/\u202egpj.exe",  # right-to-left override
    "https://news.example.org/a\u200bb",  # zero-width space
    "https://news.example.org/a\u2028b",  # line separator
    "https://news.example.org/\x7f",
    "https://news.example.org:eighty/",
    "https://[::1/story",
]

FOLLOWABLE_URLS = {
    "https://news.example.org/egypt?a=1&b=2": "https://news.example.org/egypt?a=1&b=2",
    "HTTP://news.example.org/": "HTTP://news.example.org/",
    "  https://news.example.org/trimmed  ": "https://news.example.org/trimmed",
    "https://例え.jp/宇宙": "https://例え.jp/宇宙",
    "https://news.example.org:8443/a": "https://news.example.org:8443/a",
    "http://[2001:db8::1]/feed": "http://[2001:db8::1]/feed",
}


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_hostile_link_is_refused(url: str) -> None:
    assert safe_url(url) is None


@pytest.mark.parametrize(("url", "expected"), FOLLOWABLE_URLS.items())
def test_an_ordinary_link_is_kept_as_given_but_trimmed(url: str, expected: str) -> None:
    assert safe_url(url) == expected


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_slack_alert_shows_the_headline_of_a_hostile_link_without_the_link(url: str) -> None:
    body = story_message([alert(url=url, title="Egypt signs ILRS memorandum")])
    text = json.dumps(body.blocks) + body.text
    assert re.findall(r"<([^|>]*)\|", text) == []
    assert "Egypt signs ILRS memorandum" in text


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_an_edition_cites_the_item_of_a_hostile_link_without_the_link(url: str) -> None:
    edition = build_edition(hostile_window(url))
    assert [c.url for c in edition.citations] == [None]
    assert edition.stories[0].url is None
    page = render_html(edition)
    assert [href for href in re.findall(r'href="([^"]*)"', page) if not href.startswith("#")] == []
    markdown = render_markdown(edition)
    assert "](http" not in markdown and "<http" not in markdown


def test_both_channels_link_an_ordinary_url() -> None:
    url = "https://news.example.org/egypt?a=1&b=2"
    slack = json.dumps(story_message([alert(url=url)]).blocks)
    assert "<https://news.example.org/egypt?a=1&amp;b=2|" in slack
    edition = build_edition(hostile_window(url))
    assert edition.citations[0].url == url
    assert 'href="https://news.example.org/egypt?a=1&amp;b=2"' in render_html(edition)
    markdown = render_markdown(edition)
    assert "](https://news.example.org/egypt?a=1&b=2)" in markdown
    assert "<https://news.example.org/egypt?a=1&b=2>" in markdown


def test_a_slack_link_encodes_the_bar_that_would_end_it() -> None:
    slack = json.dumps(story_message([alert(url="https://news.example.org/a|b")]).blocks)
    assert "<https://news.example.org/a%7Cb|" in slack


def test_a_cut_ends_at_a_word_with_an_ellipsis_within_the_limit() -> None:
    text = "Egypt and China sign a memorandum on satellite assembly, testing and training"
    cut = truncate(text, 40)
    assert cut == "Egypt and China sign a memorandum on…"
    assert len(cut) <= 40
    assert truncate(text, len(text)) == text
    assert truncate(text, 1) == "…"
    assert truncate(text, 0) == ""


def test_text_without_spaces_is_cut_between_characters() -> None:
    assert truncate("中国空间站将迎来巴基斯坦航天员", 6) == "中国空间站…"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Cafe\u0301 au lait", 5, "Caf…"),  # e + combining acute stays whole
        ("👍🏽👍🏽👍🏽", 3, "👍🏽…"),  # skin tone stays with its hand
        ("🇫🇷🇩🇪🇯🇵", 4, "🇫🇷…"),  # a flag is two regional indicators
        ("ok 👨\u200d👩\u200d👧 family", 6, "ok…"),  # a joined emoji is one character
    ],
)
def test_a_cut_never_splits_a_character_from_its_marks(text: str, limit: int, expected: str):
    cut = truncate(text, limit)
    assert cut == expected
    assert len(cut) <= limit


# The read rule: every address the project reads from outside passes it.

NEVER_READ = {
    "file:///etc/passwd": "file:",
    "FILE:///etc/passwd": "file:",
    "/etc/passwd": "local path",
    "../../../../etc/passwd": "local path",
    "etc/passwd": "local path",
    "C:\\Windows\\win.ini": "local path",
    "javascript:alert(1)": "javascript:",
    "data:application/rss+xml;base64,PHJzcy8+": "data:",
    "ftp://ftp.example.org/feed.xml": "ftp:",
    "gopher://gopher.example.org/1": "gopher:",
    "http:///only/a/path": "without a host",
    "https://news.example.org/\u202egpj.xml": "control",
    "http://169.254.169.254/latest/meta-data/": "link-local",
    "http://[fe80::1]/feed.xml": "link-local",
    "http://[::ffff:169.254.169.254]/": "link-local",
    "http://[fd00:ec2::254]/": "link-local",
    "": "empty",
}
PRIVATE_ONLY = [
    "http://127.0.0.1:8080/feed.xml",
    "http://localhost/feed.xml",
    "http://intranet.localhost/rss",
    "http://10.0.0.7/rss",
    "http://2130706433/rss",  # 127.0.0.1 written as one number
    "http://0x7f.1/rss",
    "http://[::1]/rss",
]


@pytest.mark.parametrize(("url", "why"), NEVER_READ.items())
def test_the_read_rule_refuses_local_paths_other_schemes_and_link_local_always(url, why):
    for allow_private in (False, True):
        refusal = url_refusal(url, allow_private=allow_private)
        assert refusal is not None and why in refusal


@pytest.mark.parametrize("url", PRIVATE_ONLY)
def test_private_and_loopback_addresses_are_read_only_when_allowed(url):
    assert "private, loopback or reserved" in (url_refusal(url) or "")
    assert url_refusal(url, allow_private=True) is None


@pytest.mark.parametrize(
    "url",
    ["https://spacenews.com/feed/", "http://news.example.org:8080/rss?x=1", "https://例え.jp/rss"],
)
def test_an_ordinary_feed_url_is_read(url):
    assert url_refusal(url) is None


def test_the_read_rule_says_the_same_of_a_path_whether_or_not_a_file_is_there(tmp_path):
    present = tmp_path / "present.xml"
    present.write_text("<rss/>")
    for prefix in ("", "file://"):
        said = {
            url_refusal(prefix + str(path)).replace(str(path), "PATH")  # type: ignore[union-attr]
            for path in (present, tmp_path / "absent.xml")
        }
        assert len(said) == 1
