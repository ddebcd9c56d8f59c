"""Where feeds come from: a catalog, a URL, a file, a folder; ids that follow a name."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacebrief.ingest import IngestError, Source, load_sources, slugify

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_catalog_lists_sources_with_language_tags_and_slug_ids(tmp_path):
    catalog = tmp_path / "sources.yaml"
    catalog.write_text(
        "sources:\n"
        "  - name: Xinhua – Space & Science\n"
        "    url: https://english.news.cn/feed.xml\n"
        "    language: en\n"
        "    tags: [china, cnsa]\n"
        "  - name: Local archive\n"
        "    url: archive/feed.xml\n",
        encoding="utf-8",
    )
    first, second = load_sources(str(catalog))
    assert first == Source(
        "xinhua-space-science",
        "Xinhua – Space & Science",
        "https://english.news.cn/feed.xml",
        "en",
        ("china", "cnsa"),
    )
    assert second.url == str(tmp_path / "archive" / "feed.xml"), "relative to the catalog"


def test_the_shared_catalog_shape_with_outlet_and_feeds_keys_is_accepted(shared_dir):
    sources = load_sources(str(shared_dir / "feeds" / "catalog.yaml"))
    assert len(sources) == 38
    assert len({s.source_id for s in sources}) == 38
    assert all(s.url.startswith("http") for s in sources)


def test_a_single_url_is_one_source():
    (source,) = load_sources("https://spacenews.com/feed/")
    assert source.url == "https://spacenews.com/feed/"
    assert source.source_id == "spacenews-com-feed"


def test_a_folder_lists_its_feed_files_in_order():
    sources = load_sources(str(FIXTURES))
    assert [s.name for s in sources] == ["ground-station", "lunar-agency", "orbital-notes"]
    assert all(Path(s.url).is_file() for s in sources)


def test_a_single_feed_file_is_one_source():
    (source,) = load_sources(str(FIXTURES / "lunar-agency.atom"))
    assert source.source_id == "lunar-agency"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("sources: {}", "list of sources"),
        ("sources:\n  - name: no url\n", "needs at least a `url`"),
        ("sources: [\n", "not valid YAML"),
    ],
)
def test_a_broken_catalog_says_what_to_fix(tmp_path, content, message):
    catalog = tmp_path / "sources.yaml"
    catalog.write_text(content)
    with pytest.raises(IngestError, match=message):
        load_sources(str(catalog))


def test_a_location_that_does_not_exist_is_a_clear_error(tmp_path):
    with pytest.raises(IngestError, match="neither an http"):
        load_sources(str(tmp_path / "nowhere.yaml"))
    with pytest.raises(IngestError, match="holds no feed files"):
        load_sources(str(tmp_path))


def test_slugs_are_stable_and_readable():
    assert slugify("Roscosmos News (RU)") == "roscosmos-news-ru"
    assert slugify("新华网") != ""


def test_a_catalog_entry_can_ask_for_full_text_a_selector_and_name_its_site(tmp_path):
    catalog = tmp_path / "sources.yaml"
    catalog.write_text(
        "sources:\n"
        "  - name: Teaser Wire\n"
        "    url: https://feeds.teaser-cdn.example/wire.xml\n"
        "    site: https://teaser-wire.example/\n"
        "    full_text: true\n"
        "    content_selector: div.story-body\n"
        "  - {name: Plain, url: 'https://plain.example/rss'}\n",
        encoding="utf-8",
    )
    teaser, plain = load_sources(str(catalog))
    assert (teaser.full_text, teaser.content_selector, teaser.site) == (
        True,
        "div.story-body",
        "https://teaser-wire.example/",
    )
    assert (plain.full_text, plain.content_selector, plain.site) == (False, None, None)


def test_full_text_must_be_true_or_false(tmp_path):
    catalog = tmp_path / "sources.yaml"
    catalog.write_text("sources:\n  - {url: 'https://a.example/rss', full_text: 'yes please'}\n")
    with pytest.raises(IngestError, match="`full_text` must be true or false"):
        load_sources(str(catalog))


def test_a_catalog_source_opts_in_to_private_addresses_and_keeps_odd_schemes_as_urls(tmp_path):
    catalog = tmp_path / "sources.yaml"
    catalog.write_text(
        "sources:\n"
        "  - {name: Lab, url: 'http://10.0.0.5/feed.xml', allow_private: true}\n"
        "  - {name: Wire, url: 'https://wire.example.org/rss'}\n"
        "  - {name: Old, url: 'ftp://ftp.example.org/feed.xml'}\n",
        "utf-8",
    )
    lab, wire, old = load_sources(str(catalog))
    assert lab.allow_private and not wire.allow_private
    assert old.url == "ftp://ftp.example.org/feed.xml"  # the fetch refuses it in one sentence


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("{url: 'https://a.example/rss', ful_text: true}", "unknown field `ful_text`"),
        ("{url: 'https://a.example/rss', tags: {space: 1}}", "`tags` must be a list of words"),
        ("{url: ['https://a.example/rss']}", "`url` must be text"),
        ("{url: 'https://a.example/rss', allow_private: 'yes'}", "`allow_private` must be true"),
        ("{name: Wire, language: en}", "needs at least a `url`"),
        ("{url: 'https://a.example/rss', language: [en, fr]}", "`language` must be text"),
    ],
)
def test_a_malformed_catalog_entry_is_one_sentence_naming_the_file_and_field(
    tmp_path, entry, field
):
    catalog = tmp_path / "sources.yaml"
    catalog.write_text(f"sources:\n  - {{name: Fine, url: 'https://f.example/rss'}}\n  - {entry}\n")
    with pytest.raises(IngestError) as refused:
        load_sources(str(catalog))
    sentence = str(refused.value)
    assert sentence.startswith("Source 2")
    assert str(catalog) in sentence and field in sentence
    assert "\n" not in sentence and "validation error" not in sentence


def test_an_unknown_top_level_key_is_named(tmp_path):
    catalog = tmp_path / "sources.yaml"
    catalog.write_text("sourcs:\n  - {url: 'https://a.example/rss'}\n")
    with pytest.raises(IngestError, match="unknown field `sourcs`"):
        load_sources(str(catalog))


def test_the_packaged_catalog_passes_the_model():
    sources = load_sources(str(Path(__file__).parents[2] / "seeds" / "sources.yaml"))
    assert len(sources) > 30 and all(s.url.startswith(("http://", "https://")) for s in sources)
