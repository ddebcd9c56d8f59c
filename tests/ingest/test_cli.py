"""`spacebrief ingest` and `spacebrief sources` as a user runs them."""

from __future__ import annotations

from spacebrief.flows.cli import app
from tests.ingest.conftest import FIXTURES
from tests.ingest.feed_server import FeedServer, entry, rss_feed


def test_ingest_prints_the_run_summary_and_sources_shows_each_feeds_health(cli):
    with FeedServer() as server:
        dead = server.url("/gone.xml")
        result = cli.invoke(app, ["ingest", "--sources", str(FIXTURES)])
        assert result.exit_code == 0, result.output
        assert "Read 3 feeds" in result.output and "5 new items" in result.output
        failing = cli.invoke(app, ["ingest", "--sources", dead])
    assert failing.exit_code == 1  # the one feed tried failed: a cron job must notice
    assert "1 failed" in failing.output and "spacebrief sources" in failing.output
    assert "Every feed tried failed (1 of 1)" in failing.output
    table = cli.invoke(app, ["sources", "--all"])
    assert table.exit_code == 0
    assert "lunar-agency" in table.output and "HTTP 404" in table.output
    assert "4 sources the warehouse has seen" in table.output
    assert "15 min" in table.output and "backing off" in table.output  # the schedule


def test_a_bad_sources_location_is_one_line_and_exit_1(cli, tmp_path):
    result = cli.invoke(app, ["ingest", "--sources", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1
    assert "neither an http(s) URL" in result.output
    assert "Traceback" not in result.output


def test_sources_at_80_columns_never_splits_a_source_name(cli, monkeypatch, tmp_path):
    names = [
        "Southern Cone Space Review International Edition",
        "Roscosmos Государственная корпорация",
        "Weltraumnachrichtenagentur",
    ]
    with FeedServer() as server:
        for path in ("/ok.xml", "/de.xml"):
            server.serve(path, (FIXTURES / "lunar-agency.atom").read_text("utf-8"))
        urls = [server.url("/ok.xml"), server.url("/gone.xml"), server.url("/de.xml")]
        catalog = tmp_path / "sources.yaml"
        catalog.write_text(
            "sources:\n"
            + "".join(f"  - name: {n}\n    url: {u}\n" for n, u in zip(names, urls, strict=True)),
            "utf-8",
        )
        assert cli.invoke(app, ["ingest", "--sources", str(catalog)]).exit_code == 0
    monkeypatch.setenv("COLUMNS", "80")
    table = cli.invoke(app, ["sources", "--sources", str(catalog)])

    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert max(len(line) for line in lines) <= 80, table.output
    words = {word for line in lines for word in line.replace("│", " ").split()}
    for name in names:
        assert set(name.split()) <= words, f"{name!r} is split in:\n{table.output}"
    assert {"HTTP", "404", "backing", "off"} <= words


def test_every_feed_failing_is_an_error_a_cron_job_sees(cli, server, tmp_path):
    server.serve("/a.xml", b"", fail_first=99, fail_status=500)
    catalog = tmp_path / "sources.yaml"
    catalog.write_text(
        f"sources:\n  - {{name: A, url: '{server.url('/a.xml')}'}}\n"
        f"  - {{name: B, url: 'http://127.0.0.1:9/nothing.xml'}}\n"
    )
    env = {"SPACEBRIEF_FETCH_TIMEOUT_SECONDS": "0.5"}

    failed = cli.invoke(app, ["ingest", "--sources", str(catalog)], env=env)

    assert failed.exit_code == 1, failed.output
    assert "Every feed tried failed (2 of 2)" in failed.output
    assert "`spacebrief sources` says why" in failed.output
    server.serve("/a.xml", rss_feed("A", [entry(1)]))
    half = cli.invoke(app, ["ingest", "--sources", str(catalog), "--force"], env=env)
    assert half.exit_code == 0, half.output  # one feed read: the run did its job
    assert "1 failed" in half.output
