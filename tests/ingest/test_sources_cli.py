"""`spacebrief sources import/export/add/remove`: the catalog managed like a feed reader's.

The OPML files under fixtures/opml/ follow the layouts Feedly, Inoreader, FreshRSS,
Miniflux and NetNewsWire export (nested folders, categories, htmlUrl, missing titles,
one feed in two folders, FreshRSS's full-content selector).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacebrief.flows.cli import app
from spacebrief.ingest import load_sources, read_opml
from tests.ingest.feed_server import FeedServer, entry, rss_feed

OPML = Path(__file__).parent / "fixtures" / "opml"
CATALOG = """\
# Our feeds. Keep the trade press first.
sources:
  # --- trade press ----------------------------------------------------------
  - name: SpaceNews
    url: https://spacenews.com/feed/   # broadest coverage
    language: en
    tags: [policy, china]

  # --- agencies ---------------------------------------------------------------
  - name: CNSA
    url: https://www.cnsa.gov.cn/rss.xml
    language: zh
"""


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(CATALOG)
    return path


def run(cli, *args: str):
    result = cli.invoke(app, list(args))
    return result


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "feedly.opml",
            {
                "https://spacenews.com/feed/": ("SpaceNews", ("Space policy", "China")),
                "https://www.thespacereview.com/rss.xml": ("The Space Review", ("Space policy",)),
                "https://www.cgtn.com/subscribe/rss/section/sci-tech.xml": (
                    "CGTN Sci-Tech",
                    ("China",),
                ),
            },
        ),
        (
            "inoreader.xml",
            {
                "https://spaceinafrica.com/feed/": ("Space in Africa", ("Global South", "Africa")),
                "https://www.isro.gov.in/rss.xml": ("ISRO press releases", ("Global South",)),
                "https://tass.com/rss/v2.xml": ("Roscosmos news & TASS", ("russia", "wire")),
            },
        ),
        (
            "miniflux.opml",
            {
                "https://feeds.arstechnica.com/arstechnica/index": ("Ars Technica", ("All",)),
                "https://www.esa.int/rssfeed/Our_Activities/Space_News": (None, ("All",)),
            },
        ),
        (
            "netnewswire.opml",
            {
                "https://tass.com/rss/v2.xml": ("TASS", ("Russia",)),
                "https://www.space.com/feeds/all": (None, ()),
            },
        ),
    ],
)
def test_each_readers_export_gives_its_feeds_names_and_folders(name, expected):
    feeds = read_opml((OPML / name).read_bytes()).feeds
    assert {f.url: (f.name, f.tags) for f in feeds} == expected


def test_htmlurl_becomes_the_site_and_freshrss_full_content_becomes_full_text():
    feeds = {f.url: f for f in read_opml((OPML / "freshrss.opml.xml").read_bytes()).feeds}
    teaser = feeds["https://teaser-wire.example/rss"]
    assert teaser.site == "https://teaser-wire.example/"
    assert teaser.extra == {"content_selector": "div.story-body", "full_text": True}
    assert feeds["https://www.nasaspaceflight.com/feed/"].extra == {}


def test_import_appends_new_feeds_keeps_comments_and_skips_known_ones(cli, catalog):
    result = run(cli, "sources", "import", str(OPML / "feedly.opml"), "--catalog", str(catalog))
    assert result.exit_code == 0, result.output
    assert "Imported 2 source(s)" in result.output and "1 already there" in result.output
    text = catalog.read_text()
    assert text.startswith(CATALOG.rstrip("\n"))  # the analyst's file, comments and all
    sources = {s.url: s for s in load_sources(str(catalog))}
    review = sources["https://www.thespacereview.com/rss.xml"]
    assert review.name == "The Space Review" and review.tags == ("Space policy",)
    assert review.site == "https://www.thespacereview.com/"
    assert sources["https://spacenews.com/feed/"].tags == ("policy", "china")  # untouched
    again = run(cli, "sources", "import", str(OPML / "feedly.opml"), "--catalog", str(catalog))
    assert "Imported 0 source(s)" in again.output and catalog.read_text() == text


def test_import_of_freshrss_gives_a_full_text_source_with_its_selector(cli, catalog):
    run(cli, "sources", "import", str(OPML / "freshrss.opml.xml"), "--catalog", str(catalog))
    (teaser,) = [s for s in load_sources(str(catalog)) if s.name == "Teaser Wire"]
    assert teaser.full_text and teaser.content_selector == "div.story-body"


def test_export_then_import_gives_back_every_field(cli, catalog, tmp_path):
    run(cli, "sources", "import", str(OPML / "freshrss.opml.xml"), "--catalog", str(catalog))
    exported = tmp_path / "out.opml"
    result = run(cli, "sources", "export", "--sources", str(catalog), "-o", str(exported))
    assert result.exit_code == 0, result.output
    assert exported.read_text().startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">'
    )
    fresh = tmp_path / "fresh.yaml"
    run(cli, "sources", "import", str(exported), "--catalog", str(fresh))
    original = {s.url: s for s in load_sources(str(catalog))}
    back = {s.url: s for s in load_sources(str(fresh))}
    assert set(back) == set(original)
    for url, source in original.items():
        restored = back[url]
        fields = ("name", "language", "tags", "site", "full_text", "content_selector")
        assert [getattr(restored, f) for f in fields] == [getattr(source, f) for f in fields]


def test_export_writes_opml_to_standard_output(cli, catalog):
    result = run(cli, "sources", "export", "--sources", str(catalog))
    assert result.exit_code == 0
    feeds = read_opml(result.stdout.encode()).feeds
    assert [f.name for f in feeds] == ["SpaceNews", "CNSA"]
    assert feeds[1].extra == {"language": "zh"}


SITE_PAGE = """<!DOCTYPE html><html><head><title>Lunar Agency</title>
<link rel="stylesheet" href="/site.css">
<link rel="alternate" type="application/rss+xml" title="Comments" href="/comments/broken.xml">
<link rel="alternate" type="application/rss+xml" title="News" href="/feeds/news.xml">
</head><body><h1>Lunar Agency</h1></body></html>"""


def test_add_discovers_the_feed_from_a_site_page_validates_it_and_appends_it(cli, catalog):
    with FeedServer() as server:
        server.serve("/", SITE_PAGE, content_type="text/html")
        server.serve("/comments/broken.xml", b"<html>not a feed</html>", content_type="text/html")
        server.serve("/feeds/news.xml", rss_feed("Lunar Agency News", [entry(1), entry(2)]))
        result = run(
            cli, "sources", "add", server.url("/"), "--catalog", str(catalog), "--full-text"
        )
        assert result.exit_code == 0, result.output
        assert "Added Lunar Agency News" in result.output and "2 entries" in result.output
        added = load_sources(str(catalog))[-1]
        assert added.url == server.url("/feeds/news.xml") and added.full_text
        again = run(cli, "sources", "add", server.url("/feeds/news.xml"), "--catalog", str(catalog))
    assert "already in" in again.output
    assert catalog.read_text().startswith(CATALOG.rstrip("\n"))
    assert len(load_sources(str(catalog))) == 3


def test_add_refuses_a_page_without_a_feed_in_one_sentence(cli, catalog):
    with FeedServer() as server:
        server.serve(
            "/",
            "<html><head><title>x</title></head><body>hi</body></html>",
            content_type="text/html",
        )
        result = run(cli, "sources", "add", server.url("/"), "--catalog", str(catalog))
    assert result.exit_code == 1
    assert "is not a feed and its page names none" in result.output
    assert "Traceback" not in result.output
    assert catalog.read_text() == CATALOG


def test_remove_takes_out_one_source_and_keeps_the_rest_of_the_file(cli, catalog):
    result = run(cli, "sources", "remove", "cnsa", "--catalog", str(catalog))
    assert result.exit_code == 0, result.output
    assert "Removed CNSA" in result.output
    text = catalog.read_text()
    assert "cnsa.gov.cn" not in text
    assert "# Our feeds. Keep the trade press first." in text and "# broadest coverage" in text
    assert [s.name for s in load_sources(str(catalog))] == ["SpaceNews"]
    missing = run(cli, "sources", "remove", "No Such Feed", "--catalog", str(catalog))
    assert missing.exit_code == 1 and "No source named 'No Such Feed'" in missing.output


def test_editing_needs_a_yaml_catalog(cli, tmp_path):
    result = run(cli, "sources", "remove", "x", "--catalog", str(tmp_path))
    assert result.exit_code == 1 and "is not a sources.yaml" in result.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- name: SpaceNews\n  url: https://spacenews.com/feed/\n", "must hold a mapping"),
        ("sources:\n  SpaceNews: https://spacenews.com/feed/\n", "must be a list of sources"),
        ("", "No source named 'x'"),
        ("# nothing yet\nsources:\n", "No source named 'x'"),
    ],
)
def test_editing_checks_the_catalog_holds_a_sources_list(cli, tmp_path, text, message):
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    result = run(cli, "sources", "remove", "x", "--catalog", str(path))
    assert result.exit_code == 1 and message in result.output, result.output
    assert path.read_text() == text


# Issue 25: no local file, no hostile scheme, no unbounded import reaches the catalog.

PRIVATE_FEED = rss_feed("Private payroll notes", [entry(1, title="Salaries of the board")])


def _alternate_page(href: str) -> str:
    return (
        '<!DOCTYPE html><html><head><title>Agency</title><link rel="alternate" '
        f'type="application/rss+xml" title="News" href="{href}"></head><body>hi</body></html>'
    )


def test_add_never_reads_a_local_file_a_site_page_names_as_its_feed(cli, catalog, tmp_path):
    """Row 1: the refusal reads the same whether or not the file exists (no oracle)."""
    private = tmp_path / "private.xml"
    private.write_bytes(PRIVATE_FEED)
    said = {}
    with FeedServer() as server:
        for name, target in (("present", private), ("absent", tmp_path / "absent.xml")):
            server.serve("/", _alternate_page(f"file://{target}"), content_type="text/html")
            result = run(cli, "sources", "add", server.url("/"), "--catalog", str(catalog))
            assert result.exit_code == 1, result.output
            said[name] = result.output.replace(str(target), "PATH")
    assert catalog.read_text() == CATALOG
    assert said["present"] == said["absent"]
    assert "local file is never read" in said["present"]
    assert "payroll" not in said["present"].lower() and "Traceback" not in said["present"]


@pytest.mark.parametrize("given", ["PRIVATE", "file://PRIVATE", "../../../../etc/passwd"])
def test_add_refuses_a_local_path_given_as_the_url_without_reading_it(
    cli, catalog, tmp_path, given
):
    private = tmp_path / "private.xml"
    private.write_bytes(PRIVATE_FEED)
    result = run(
        cli, "sources", "add", given.replace("PRIVATE", str(private)), "--catalog", str(catalog)
    )
    assert result.exit_code == 1
    assert "is not read" in result.output and "payroll" not in result.output.lower()
    assert catalog.read_text() == CATALOG


def _opml(*urls: str) -> bytes:
    outlines = "".join(
        f'<outline type="rss" text="Feed {n}" title="Feed {n}" xmlUrl="{url}"/>'
        for n, url in enumerate(urls, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>t</title>'
        f"</head><body>{outlines}</body></opml>"
    ).encode()


def _import(cli, catalog: Path, tmp_path: Path, document: bytes):
    opml = tmp_path / "subscriptions.opml"
    opml.write_bytes(document)
    return run(cli, "sources", "import", str(opml), "--catalog", str(catalog))


def test_import_refuses_local_paths_one_sentence_each_and_imports_the_rest(cli, catalog, tmp_path):
    """Row 2: file: URLs, absolute and relative paths never enter the catalog."""
    private = tmp_path / "private.xml"
    private.write_bytes(PRIVATE_FEED)
    local = [f"file://{private}", str(private), "../../../../etc/passwd", "/etc/passwd"]
    result = _import(cli, catalog, tmp_path, _opml(*local, "https://good.example.org/rss"))
    assert result.exit_code == 0, result.output
    assert "Imported 1 source(s)" in result.output
    urls = [s.url for s in load_sources(str(catalog))]
    assert urls[-1] == "https://good.example.org/rss" and len(urls) == 3
    refusals = [line for line in result.output.splitlines() if "was not imported" in line]
    assert len(refusals) == len(local)
    assert all("local" in line for line in refusals)
    assert "payroll" not in result.output.lower()


def test_import_refuses_hostile_schemes_and_link_local_addresses_at_import(cli, catalog, tmp_path):
    """Row 8: refused when imported, in one sentence each, not at fetch time."""
    hostile = [
        "javascript:alert(1)",
        "data:application/rss+xml;base64,PHJzcy8+",
        "ftp://ftp.example.org/feed.xml",
        "gopher://gopher.example.org/1",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/feed.xml",
    ]
    result = _import(cli, catalog, tmp_path, _opml(*hostile, "https://good.example.org/rss"))
    assert result.exit_code == 0, result.output
    assert "Imported 1 source(s)" in result.output
    refusals = [line for line in result.output.splitlines() if "was not imported" in line]
    assert len(refusals) == len(hostile)
    for line, scheme in zip(refusals, ["javascript:", "data:", "ftp:", "gopher:"], strict=False):
        assert scheme in line
    assert sum("link-local" in line for line in refusals) == 2
    assert [s.url for s in load_sources(str(catalog))][2:] == ["https://good.example.org/rss"]


def test_import_of_a_file_past_the_size_cap_is_one_sentence_and_writes_nothing(
    cli, catalog, tmp_path
):
    """Row 7: a 50 MB OPML once ran for minutes and wrote nothing; now it is refused."""
    from spacebrief.ingest._opml import MAX_OPML_BYTES

    megabyte = b"<!--" + b" " * 2**20 + b"-->"
    padding = megabyte * (MAX_OPML_BYTES // 2**20 + 1)  # comments: readable, but too long
    document = _opml("https://good.example.org/rss").replace(b"<body>", b"<body>" + padding)
    result = _import(cli, catalog, tmp_path, document)
    assert result.exit_code == 1
    assert "larger than" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert catalog.read_text() == CATALOG


def test_export_is_well_formed_xml_whatever_the_catalog_holds(cli, tmp_path):
    """Row 9: ESC and U+202E in a name once made the export unreadable to expat."""
    import xml.parsers.expat

    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        '  - name: "Evil\\e[31m Wire\\u202Egpj.exe\\x07"\n'
        "    url: https://evil.example.org/rss\n"
        '    tags: ["red\\e[0m", "bell\\x07"]\n'
        '    content_selector: "div\\x0b.story"\n',
        "utf-8",
    )
    result = run(cli, "sources", "export", "--sources", str(path))
    assert result.exit_code == 0, result.output
    xml.parsers.expat.ParserCreate().Parse(result.stdout.encode("utf-8"), True)
    (feed,) = read_opml(result.stdout.encode()).feeds
    assert feed.name == "Evil[31m Wiregpj.exe"
    assert feed.tags == ("red[0m", "bell")
    assert feed.extra["content_selector"] == "div.story"


def _ingest_catalog(text: str, tmp_path: Path, name: str = "sources.yaml") -> Path:
    catalog = tmp_path / name
    catalog.write_text(text, "utf-8")
    return catalog


def test_a_source_is_its_url_not_its_name(home, tmp_path):
    """A folder run and a catalog run of one file are one source; a new URL under an old
    failed name starts with no backoff (before: it inherited the old URL's and was skipped
    as not due)."""
    from spacebrief.flows.settings import Settings
    from spacebrief.warehouse.sources import source_health

    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "ars.xml").write_bytes(rss_feed("Ars Technica - All content", [entry(1), entry(2)]))
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "--sources", str(folder)]).exit_code == 0
    catalog = _ingest_catalog(
        f"sources:\n  - {{name: Ars Technica, url: '{folder / 'ars.xml'}'}}\n"
        "  - {name: Desk, url: 'http://127.0.0.1:9/gone.xml'}\n",
        tmp_path,
    )
    run = runner.invoke(app, ["ingest", "--sources", str(catalog)])
    assert "0 new items" in run.output, run.output

    warehouse = Settings().warehouse()
    with warehouse.read() as con:
        rows = {row.name: row for row in source_health(con)}
        items = con.execute("SELECT count(*), count(DISTINCT source_id) FROM items").fetchone()
    assert items == (2, 1)
    assert rows["Ars Technica"].items == 2 and rows["Desk"].consecutive_failures == 1

    (tmp_path / "desk.xml").write_bytes(rss_feed("Desk", [entry(3)]))
    moved = _ingest_catalog(
        f"sources:\n  - {{name: Desk, url: '{tmp_path / 'desk.xml'}'}}\n", tmp_path, "moved.yaml"
    )
    again = runner.invoke(app, ["ingest", "--sources", str(moved)])
    assert "1 fetched" in again.output and "0 failed" in again.output, again.output
    with warehouse.read() as con:
        [desk] = [row for row in source_health(con) if row.name == "Desk"]
    assert desk.url.endswith("desk.xml")
    assert (desk.consecutive_failures, desk.last_status, desk.items) == (0, "ok", 1)


def test_sources_shows_the_catalog_in_use_and_all_shows_history(home, tmp_path, monkeypatch):

    monkeypatch.setenv("COLUMNS", "200")
    old = tmp_path / "old.xml"
    old.write_bytes(rss_feed("Old desk", [entry(1)]))
    new = tmp_path / "new.xml"
    new.write_bytes(rss_feed("New desk", [entry(2)]))
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "--sources", str(old)]).exit_code == 0
    catalog = _ingest_catalog(
        f"sources:\n  - {{name: New desk, url: '{new}'}}\n"
        "  - {name: Not yet, url: 'http://127.0.0.1:9/later.xml'}\n",
        tmp_path,
    )
    monkeypatch.setenv("SPACEBRIEF_SOURCES", str(catalog))
    assert runner.invoke(app, ["ingest"]).exit_code == 0  # one read, one failed

    shown = runner.invoke(app, ["sources"])
    everything = runner.invoke(app, ["sources", "--all"])

    assert shown.exit_code == 0, shown.output
    assert "2 sources in" in shown.output and "New desk" in shown.output
    assert "Not yet" in shown.output and re.search(r"\bold\b", shown.output) is None
    assert everything.exit_code == 0 and "3 sources the warehouse has seen" in everything.output
    assert "old" in everything.output


def test_sources_fetch_fetches_one_source_now_whatever_its_schedule(home, tmp_path, monkeypatch):

    monkeypatch.setenv("COLUMNS", "200")
    with FeedServer() as server:
        server.serve("/a.xml", rss_feed("A", [entry(1)]), etag='"a"')
        server.serve("/b.xml", rss_feed("B", [entry(2)]), etag='"b"')
        catalog = _ingest_catalog(
            f"sources:\n  - {{name: Alpha, url: '{server.url('/a.xml')}'}}\n"
            f"  - {{name: Beta, url: '{server.url('/b.xml')}'}}\n",
            tmp_path,
        )
        monkeypatch.setenv("SPACEBRIEF_SOURCES", str(catalog))
        runner = CliRunner()
        assert runner.invoke(app, ["ingest"]).exit_code == 0
        server.serve("/a.xml", rss_feed("A", [entry(1), entry(3)]), etag='"a2"')
        assert "2 not due yet" in runner.invoke(app, ["ingest"]).output

        fetched = runner.invoke(app, ["sources", "fetch", "alpha"])

        assert fetched.exit_code == 0, fetched.output
        assert "Read 1 feeds" in fetched.output and "1 new items" in fetched.output
        assert server.hits("/a.xml") == 2
        every = runner.invoke(app, ["sources", "fetch", "--all"])
        assert every.exit_code == 0 and "Read 2 feeds" in every.output
        missing = runner.invoke(app, ["sources", "fetch", "Gamma"])
        assert missing.exit_code == 1 and "There is no source 'Gamma'" in missing.output
