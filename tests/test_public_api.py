"""The public API: a whole cycle with nothing but `from spacebrief import ...`, and the
promises `__all__` makes (every name there, documented, fully annotated).

The cycle is hermetic and real: the recorded sample feeds come from an HTTP server on
127.0.0.1, the warehouse is a DuckDB file, the classifier is the packaged one, and the
alerts go to a Slack-compatible server on 127.0.0.1. This file must not import
`spacebrief.<folder>`: what it needs and cannot get from `spacebrief` is missing from
the API.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import spacebrief
from spacebrief import (
    AlertsSummary,
    Classification,
    Edition,
    FetchPolicy,
    Item,
    Source,
    Spacebrief,
    SpacebriefError,
    WarehouseError,
    load_settings,
)
from tests.alerts.slack_server import CHANNEL, TOKEN, FakeSlack
from tests.ingest.feed_server import FeedServer

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parent.parent / "seeds" / "samples"
EDITION_DATE = date(2025, 3, 24)  # the sample feeds' latest week
FEED_SUFFIXES = (".xml", ".atom", ".rdf")


@pytest.fixture
def sample_feeds() -> Iterator[list[Source]]:
    """Each recorded sample feed at its own URL on a local server, as a `Source`."""
    files = sorted(p for p in SAMPLES.iterdir() if p.suffix in FEED_SUFFIXES)
    assert len(files) >= 3, "seeds/samples holds the recorded feeds"
    with FeedServer() as server:
        for path in files:
            server.serve(f"/{path.name}", path.read_bytes(), etag=f'"{path.stem}"')
        yield [
            Source(source_id=path.stem, name=path.stem, url=server.url(f"/{path.name}"))
            for path in files
        ]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.stop()


def test_a_whole_cycle_through_the_public_api(
    tmp_path: Path, home: Path, sample_feeds: list[Source], slack: FakeSlack
) -> None:
    settings = load_settings(
        slack_bot_token=TOKEN, slack_channel=CHANNEL, slack_api_url=slack.api_url
    )
    loopback = FetchPolicy(allow_private=True)  # the feed server listens on 127.0.0.1
    with spacebrief.open(tmp_path / "cycle.duckdb", settings=settings) as sb:
        assert isinstance(sb, Spacebrief)
        ingested = sb.ingest(sample_feeds, policy=loopback)
        assert ingested.failed == 0 and ingested.fetched == len(sample_feeds)
        assert ingested.new_items > 20
        again = sb.ingest(sample_feeds, policy=loopback, force=True)
        assert again.new_items == 0  # the same feeds add nothing

        items = sb.items()
        assert {item.item_id for item in items} == set(ingested.new_item_ids)
        assert all(isinstance(item, Item) and item.title for item in items)
        assert {item.source_id for item in items} == {s.source_id for s in sample_feeds}

        recorded = datetime(2023, 1, 1, tzinfo=UTC)  # recorded feeds: every story is news
        classified = sb.classify(news_since=recorded)
        assert classified.classified == len(items)
        assert sb.classify().classified == 0

        classifications = sb.classifications()
        assert [c.item_id for c in classifications] == sorted(i.item_id for i in items)
        assert sum(c.relevant for c in classifications) == classified.relevant > 0
        labelled = [c for c in classifications if c.labels]
        assert sum(len(c.labels) for c in labelled) == classified.labels > 0
        for c in labelled:
            assert [label.score for label in c.labels] == sorted(
                (label.score for label in c.labels), reverse=True
            )
            assert all(label.evidence for label in c.labels)
        some = labelled[0]
        assert sb.classifications([some.item_id]) == [some]

        edition = sb.build_edition(day=EDITION_DATE, days=7)
        assert isinstance(edition, Edition)
        assert edition.edition_date == EDITION_DATE.isoformat()
        sections = {section.family: section for section in edition.families}
        assert sections["rising"].entries and sections["watch"].entries
        assert edition.expert_view and edition.outlook and edition.stories
        stored = {item.item_id: item for item in items}
        numbers = {citation.number: citation for citation in edition.citations}
        for citation in edition.citations:
            assert stored[citation.item_id].title.startswith(citation.title.rstrip("…"))
        cited = {story.citation for story in edition.stories}
        cited |= {n for s in edition.families for e in s.entries for n in e.citations}
        assert cited <= set(numbers)
        assert edition.title in sb.render_edition(edition, "markdown")

        owed = len(classified.new_alerts)
        assert owed > 0, "the sample week carries watch-list stories over the Slack bar"
        report = sb.deliver_alerts()
        assert isinstance(report, AlertsSummary)
        assert report.destination == f"slack:{CHANNEL}"
        assert report.owed == owed and report.sent + report.pending + report.failed == owed
        assert report.sent > 0 and report.messages == len(slack.messages) > 0
        second = sb.deliver_alerts()
        assert (second.owed, second.sent, second.messages) == (report.pending, 0, 0)
        assert len(slack.messages) == report.messages  # nothing was posted twice


def test_classify_texts_reads_strings_as_titles(tmp_path: Path, home: Path) -> None:
    texts = [
        "China and Pakistan sign an agreement to fly a Pakistani astronaut to Tiangong",
        "Local bakery wins a prize for its sourdough bread",
    ]
    with spacebrief.open(tmp_path / "unused.duckdb") as sb:
        results = sb.classify_texts(texts)
    assert not (tmp_path / "unused.duckdb").exists()  # no warehouse needed
    assert [r.item_id for r in results] == ["0", "1"]
    assert all(isinstance(r, Classification) for r in results)
    space, bread = results
    assert space.relevance > bread.relevance
    assert not bread.relevant and not bread.labels
    assert space.relevant and space.labels


def test_a_missing_warehouse_is_one_of_our_errors_with_its_path(tmp_path: Path, home: Path) -> None:
    absent = tmp_path / "absent.duckdb"
    with spacebrief.open(absent) as sb, pytest.raises(SpacebriefError, match="no warehouse") as e:
        sb.items()
    assert isinstance(e.value, WarehouseError)
    assert e.value.path == absent


def test_every_public_name_exists_and_is_documented() -> None:
    assert len(set(spacebrief.__all__)) == len(spacebrief.__all__)
    assert sorted(spacebrief.__all__) == sorted(set(dir(spacebrief)) & set(spacebrief.__all__))
    for name in spacebrief.__all__:
        value = getattr(spacebrief, name)
        doc = inspect.getdoc(value) or ""
        if inspect.isclass(value) and (
            doc == inspect.getdoc(object) or doc.startswith(f"{name}(")  # dataclass's own
        ):
            doc = ""
        assert doc.strip(), f"spacebrief.{name} has no docstring"
    with pytest.raises(AttributeError):
        spacebrief.not_a_public_name  # noqa: B018


def test_every_public_function_and_handle_method_is_fully_annotated() -> None:
    functions = [
        getattr(spacebrief, name)
        for name in spacebrief.__all__
        if inspect.isfunction(getattr(spacebrief, name))
    ]
    functions += [
        member
        for name, member in inspect.getmembers(Spacebrief, inspect.isfunction)
        if not name.startswith("_")
    ]
    assert len(functions) >= 30
    for function in functions:
        signature = inspect.signature(function)
        missing = [
            p.name
            for p in signature.parameters.values()
            if p.annotation is inspect.Parameter.empty and p.name != "self"
        ]
        assert not missing, f"{function.__name__}: parameters without a type: {missing}"
        assert signature.return_annotation is not inspect.Signature.empty, function.__name__


def test_importing_spacebrief_loads_neither_duckdb_nor_the_encoder() -> None:
    code = (
        "import sys, spacebrief; "
        "heavy = [m for m in ('duckdb', 'numpy', 'slack_sdk', 'jinja2', 'httpx', "
        "'spacebrief.core', 'spacebrief.warehouse') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""
    # ...and the first use of a name loads what it needs.
    code = "import sys, spacebrief; spacebrief.Warehouse; print('duckdb' in sys.modules)"
    used = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert re.fullmatch(r"True\s*", used.stdout)
