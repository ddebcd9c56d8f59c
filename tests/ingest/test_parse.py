"""Parsing: every format, every charset trick, and hostile documents that must not hurt."""

from __future__ import annotations

import resource
from datetime import UTC, datetime
from pathlib import Path

import pytest

from spacebrief.ingest import parse_feed, xml_hazard
from tests.ingest.feed_server import entry, rss_feed

FIXTURES = Path(__file__).parent / "fixtures"


def test_rss_entries_come_out_with_links_guids_and_utc_dates():
    parsed = parse_feed(rss_feed("Agency", [entry(1), entry(2)]))
    assert not parsed.bozo and parsed.problem is None
    assert [e.guid for e in parsed.entries] == ["story-1", "story-2"]
    assert parsed.entries[0].link == "https://news.example.org/stories/1"
    assert parsed.entries[0].published == datetime(2026, 11, 1, 12, 1, tzinfo=UTC)
    assert parsed.language == "en"


def test_atom_entries_keep_their_updated_time_and_content():
    parsed = parse_feed((FIXTURES / "lunar-agency.atom").read_bytes())
    first, second = parsed.entries
    assert first.published is None
    assert first.updated == datetime(2026, 11, 20, 0, 30, tzinfo=UTC)
    assert second.published == datetime(2026, 11, 19, 12, 0, tzinfo=UTC)
    assert "constellation" in second.content


def test_rdf_reads_dublin_core_dates_and_language():
    parsed = parse_feed((FIXTURES / "orbital-notes.rdf").read_bytes())
    (only,) = parsed.entries
    assert only.updated == datetime(2026, 11, 18, 5, 45, tzinfo=UTC)  # feedparser: dc:date
    assert parsed.language == "fr"


def test_json_feed_1_1_is_read_without_feedparser():
    parsed = parse_feed((FIXTURES / "ground-station.json").read_bytes())
    assert parsed.format == "json1.1"
    first, second = parsed.entries
    assert first.guid == "gs-7" and first.link.endswith("/log/7#top")
    assert first.published == datetime(2026, 11, 17, 8, 0, tzinfo=UTC)
    assert second.guid == "8" and second.link is None
    assert second.summary == "Operators logged a quiet night with no passes."


def test_feedparsers_own_json_feed_example_yields_both_items(shared_dir):
    parsed = parse_feed((shared_dir / "feeds/feedparser-corpus/json/example.json").read_bytes())
    assert [e.link for e in parsed.entries] == [
        "https://example.org/second-item",
        "https://example.org/initial-post",
    ]


def test_the_http_charset_decodes_a_feed_whose_declaration_is_wrong():
    body = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>x'
        "</title><item><title>Роскосмос и CNSA</title></item></channel></rss>"
    ).encode()
    parsed = parse_feed(body, {"Content-Type": "application/rss+xml; charset=utf-8"})
    assert parsed.entries[0].title == "Роскосмос и CNSA"
    assert parsed.encoding == "utf-8"


def test_the_xml_declaration_decodes_a_feed_served_without_a_charset():
    body = (
        '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>x'
        "</title><item><title>Россия запустила спутник</title></item></channel></rss>"
    ).encode("cp1251")
    parsed = parse_feed(body, {"Content-Type": "application/xml"})
    assert parsed.entries[0].title == "Россия запустила спутник"


def test_utf16_with_a_byte_order_mark_is_read():
    body = rss_feed("Agency", [entry(1, title="Tiangong welcomes a guest crew")], encoding="utf-16")
    assert body[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert parse_feed(body).entries[0].title == "Tiangong welcomes a guest crew"


def test_truncated_xml_yields_the_entries_before_the_cut_and_says_it_is_malformed():
    document = rss_feed("Agency", [entry(1), entry(2), entry(3)])
    cut = document[: document.index(b"story-3") - 10]
    parsed = parse_feed(cut)
    assert parsed.bozo
    assert [e.guid for e in parsed.entries][:2] == ["story-1", "story-2"]
    assert "malformed feed" in parsed.problem


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<html><body>Not a feed</body></html>", "holds no entries"),
        (b"\x00\x01\x02garbage", "nothing could be read"),
        (b'{"not": "a feed"}', "nothing could be read"),
    ],
)
def test_a_document_with_nothing_in_it_says_why(body, reason):
    parsed = parse_feed(body)
    assert parsed.entries == ()
    assert reason in parsed.problem


def test_bytes_naming_a_local_file_are_never_opened(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss_feed("Private", [entry(1)]))
    parsed = parse_feed(str(secret).encode())
    assert parsed.entries == ()


def billion_laughs(levels: int = 10) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(entities) + "\n]>\n"
        f'<rss version="2.0"><channel><title>&lol{levels - 1};</title>'
        "<item><title>boom</title></item></channel></rss>"
    ).encode()


def quadratic_blowup() -> bytes:
    big = "A" * 50_000
    refs = "&big;" * 20_000
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{big}">]>'
        f'<rss version="2.0"><channel><title>x</title><item><title>{refs}</title></item>'
        "</channel></rss>"
    ).encode()


def external_entity(kind: str) -> bytes:
    declaration = {
        "system": '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
        "public": '<!ENTITY xxe PUBLIC "-//X//Y" "http://127.0.0.1:9/evil.dtd">',
        "parameter": '<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;',
    }[kind]
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{declaration}]>'
        '<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title></item>'
        "</channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (billion_laughs(), "nested entity"),
        (billion_laughs().decode().encode("utf-16"), "nested entity"),
        (quadratic_blowup(), "characters of entity text"),
        (external_entity("system"), "external entity"),
        (external_entity("public"), "external entity"),
        (external_entity("parameter"), "external entity"),
    ],
    ids=[
        "billion-laughs",
        "billion-laughs-utf16",
        "quadratic",
        "xxe-system",
        "xxe-public",
        "xxe-parameter",
    ],
)
@pytest.mark.timeout(30)
def test_xml_bombs_are_refused_without_hanging_or_memory_growth(document, reason):
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    parsed = parse_feed(document)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert parsed.entries == ()
    assert reason in parsed.problem and parsed.problem.startswith("refused to parse")
    assert grown_kib < 100_000, "parsing a bomb grew the process by 100 MB"


def test_harmless_internal_entities_are_still_allowed():
    document = (
        b'<!DOCTYPE rss [\n<!ENTITY id "tag:example.com,">\n]>\n<rss version="2.0"><channel>'
        b"<item><guid isPermaLink='false'>&id;2026:/blog/</guid></item></channel></rss>"
    )
    assert xml_hazard(document) is None
    assert parse_feed(document).entries[0].guid == "tag:example.com,2026:/blog/"


def test_a_doctype_without_entities_is_not_a_hazard():
    document = b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x.dtd"><rss/>'
    assert xml_hazard(document) is None


def test_relative_links_resolve_against_content_location_else_the_feed_address():
    body = (
        b'<rss version="2.0"><channel><title>x</title>'
        b"<item><title>a</title><link>/stories/1</link></item>"
        b"<item><title>b</title><link>https://elsewhere.example/2</link></item></channel></rss>"
    )
    fetched = parse_feed(body, {}, "https://agency.example/feeds/main.xml")
    assert [e.link for e in fetched.entries] == [
        "https://agency.example/stories/1",
        "https://elsewhere.example/2",
    ]
    moved = parse_feed(body, {"Content-Location": "https://mirror.example/x.xml"}, "https://a/")
    assert moved.entries[0].link == "https://mirror.example/stories/1"


def test_xml_base_still_decides_relative_links():
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/news/">'
        b"<title>x</title><entry><title>a</title><id>1</id><link href='item-1'/></entry></feed>"
    )
    parsed = parse_feed(body, {}, "https://fetched.example/feed")
    assert parsed.entries[0].link == "https://base.example/news/item-1"


def test_relative_json_feed_urls_resolve_against_the_feed_address():
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "x",'
        b' "items": [{"id": "1", "url": "p/1"}]}'
    )
    parsed = parse_feed(body, {}, "https://agency.example/feed.json")
    assert parsed.entries[0].link == "https://agency.example/p/1"


def flat_entity_bomb(references: int = 100_000) -> bytes:
    """One 9,000-character entity referenced many times: expat refuses it, then
    feedparser's loose parser would expand every reference (309 KB in, ~1 GB out)."""
    value = "A" * 9_000
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY e "{value}">\n]>\n'
        f'<rss version="2.0"><channel><title>x</title><item><title>{"&e;" * references}'
        "</title></item></channel></rss>"
    ).encode()


_BOMB_UNDER_A_MEMORY_LIMIT = """
import resource, sys
from spacebrief.ingest import parse_feed
from tests.ingest.test_parse import flat_entity_bomb
document = flat_entity_bomb()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
soft, hard = resource.getrlimit(resource.RLIMIT_AS)
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), hard))
parsed = parse_feed(document)
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(len(document), grown, parsed.problem)
"""


@pytest.mark.timeout(60)
def test_a_flat_entity_referenced_100000_times_is_refused_within_a_memory_limit():
    import subprocess
    import sys

    # The child's address space may grow 300 MB past what importing feedparser takes;
    # expanding the bomb needs about 1.9 GB and dies of MemoryError.
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import spacebrief.ingest, resource; print(open('/proc/self/statm').read())",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    baseline = int(probe.stdout.split()[0]) * resource.getpagesize()
    done = subprocess.run(
        [sys.executable, "-c", _BOMB_UNDER_A_MEMORY_LIMIT, str(baseline + 300 * 2**20)],
        capture_output=True,
        text=True,
        timeout=50,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    size, grown_kib, problem = done.stdout.split(" ", 2)
    assert int(size) > 300_000
    assert problem.startswith("refused to parse") and "entity" in problem
    assert int(grown_kib) < 20_000, "peak memory grew by more than 20 MB"
