"""Every mistake a careless user makes ends in one sentence and exit 1, never a traceback.

One table: what the user did to their environment, the command they ran, and a phrase
the sentence must hold. Secrets in a broken setting are never echoed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacebrief.flows.cli import app
from spacebrief.warehouse import Warehouse

SECRET = "SECRETxyzSECRETxyz0123"
SAMPLE_FEED = Path(__file__).parents[2] / "seeds" / "samples"

Setup = Callable[[Path, pytest.MonkeyPatch], None]


def home_is_a_file(tmp: Path, env: pytest.MonkeyPatch) -> None:
    (tmp / "home").parent.mkdir(exist_ok=True)
    (tmp / "home").write_text("not a folder")


def toml(text: str | bytes) -> Setup:
    def setup(tmp: Path, env: pytest.MonkeyPatch) -> None:
        path = tmp / "spacebrief.toml"
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        env.setenv("SPACEBRIEF_CONFIG", str(path))

    return setup


def environment(name: str, value: str) -> Setup:
    def setup(tmp: Path, env: pytest.MonkeyPatch) -> None:
        env.setenv(name, value)

    return setup


def sources_file(content: bytes) -> Setup:
    def setup(tmp: Path, env: pytest.MonkeyPatch) -> None:
        (tmp / "sources.yaml").write_bytes(content)
        env.setenv("SPACEBRIEF_SOURCES", str(tmp / "sources.yaml"))

    return setup


def taxonomy_file(content: bytes) -> Setup:
    def setup(tmp: Path, env: pytest.MonkeyPatch) -> None:
        (tmp / "taxonomy.yaml").write_bytes(content)
        env.setenv("SPACEBRIEF_TAXONOMY", str(tmp / "taxonomy.yaml"))

    return setup


def truncated_warehouse(tmp: Path, env: pytest.MonkeyPatch) -> None:
    """All but the file's headers lost, as a crash leaves a preallocated file (zeros)."""
    path = tmp / "home" / "spacebrief.duckdb"
    Warehouse(path).initialise()
    data = path.read_bytes()
    keep = 3 * 4096  # DuckDB's file and database headers
    path.write_bytes(data[:keep] + bytes(len(data) - keep))
    env.setenv("SPACEBRIEF_SOURCES", str(SAMPLE_FEED))


def cut_short_warehouse(tmp: Path, env: pytest.MonkeyPatch) -> None:
    path = tmp / "home" / "spacebrief.duckdb"
    Warehouse(path).initialise()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def nothing(tmp: Path, env: pytest.MonkeyPatch) -> None:
    Warehouse(tmp / "home" / "spacebrief.duckdb").initialise()


TAXONOMY_OOPS = b"""version: "1"
relevance: "oops"
trends:
  - {id: W2, name: sanctions, family: watch, statement: Sanctions bite., description: d}
"""

CASES: list[tuple[str, Setup, list[str], str]] = [
    ("home-is-a-file", home_is_a_file, ["sources"], "is a file"),
    ("toml-malformed", toml('digest_days = 7\nllm_url = "x\n'), ["sources"], "line 2"),
    ("toml-not-utf8", toml(b'llm_model = "\xff\xfe"\n'), ["sources"], "UTF-8"),
    ("toml-bad-value", toml("digest_days = 'often'\n"), ["sources"], "digest_days"),
    (
        "toml-list-webhook",
        toml(f'SLACK_WEBHOOK_URL = ["https://hooks.slack.com/services/T/B/{SECRET}"]\n'),
        ["sources"],
        "SLACK_WEBHOOK_URL",
    ),
    (
        "env-digest-days",
        environment("SPACEBRIEF_DIGEST_DAYS", "abc"),
        ["sources"],
        "SPACEBRIEF_DIGEST_DAYS",
    ),
    (
        "env-json-thresholds",
        environment("SPACEBRIEF_ALERT_THRESHOLDS", '{"W4": 0.7'),
        ["sources"],
        "SPACEBRIEF_ALERT_THRESHOLDS",
    ),
    (
        "webhook-no-scheme",
        environment("SLACK_WEBHOOK_URL", f"hooks.slack.com/services/T000/B000/{SECRET}"),
        ["alerts"],
        "SLACK_WEBHOOK_URL",
    ),
    (
        "webhook-no-scheme-run",
        environment("SLACK_WEBHOOK_URL", f"hooks.slack.com/services/T000/B000/{SECRET}"),
        ["run"],
        "SLACK_WEBHOOK_URL",
    ),
    (
        "sources-not-utf8",
        sources_file(b"sources:\n  - name: \xff\xfeWire\n    url: x.xml\n"),
        ["ingest"],
        "UTF-8",
    ),
    (
        "taxonomy-not-utf8",
        taxonomy_file(b'version: "\xff"\n'),
        ["feedback", "x", "W2", "--yes"],
        "UTF-8",
    ),
    (
        "taxonomy-relevance-oops",
        taxonomy_file(TAXONOMY_OOPS),
        ["feedback", "x", "W2", "--yes"],
        "relevance",
    ),
    ("truncated-sources", truncated_warehouse, ["sources"], "warehouse"),
    ("truncated-ingest", truncated_warehouse, ["ingest"], "warehouse"),
    ("truncated-digest", truncated_warehouse, ["digest"], "warehouse"),
    ("truncated-run", truncated_warehouse, ["run"], "warehouse"),
    ("truncated-query", truncated_warehouse, ["query", "SELECT 1"], "warehouse"),
    ("cut-short-sources", cut_short_warehouse, ["sources"], "warehouse"),
    ("query-limit-negative", nothing, ["query", "SELECT 1", "--limit", "-1"], "--limit"),
    # Issue 25, row 11: a misspelt key was silently ignored; concurrency 0 hung ingest.
    ("toml-unknown-key", toml("digest_dayz = 14\n"), ["sources"], "`digest_days`"),
    ("toml-unknown-secret", toml(f'slack_bot_tokn = "xoxb-{SECRET}"\n'), ["sources"], "tokn"),
    (
        "env-concurrency-zero",
        environment("SPACEBRIEF_FETCH_CONCURRENCY", "0"),
        ["ingest"],
        "SPACEBRIEF_FETCH_CONCURRENCY",
    ),
    ("digest-year-one", nothing, ["digest", "--date", "0001-01-01"], "--date"),
    (
        "web-beyond-loopback",
        nothing,
        ["web", "--host", "0.0.0.0"],
        "Refusing to serve the reading room on 0.0.0.0 without a feedback token",
    ),
    (
        "web-short-token",
        environment("SPACEBRIEF_WEB_TOKEN", SECRET[:10]),
        ["web"],
        "SPACEBRIEF_WEB_TOKEN",
    ),
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("setup", "argv", "phrase"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_user_mistake_is_one_sentence_and_exit_1(
    setup: Setup,
    argv: list[str],
    phrase: str,
    home: Path,
    tmp_path: Path,
    monkeypatch,
    restored_environ,
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    setup(tmp_path, monkeypatch)
    result = CliRunner().invoke(app, argv)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert phrase in lines[0]
    assert SECRET not in result.output and SECRET[:6] not in result.output


def test_the_library_s_spacebrief_error_is_the_cli_s_one_sentence(
    home: Path, monkeypatch, restored_environ
) -> None:
    from spacebrief.warehouse import QueryError
    from spacebrief.warehouse.query import run_query

    warehouse = Warehouse(home / "spacebrief.duckdb")
    warehouse.initialise()
    with warehouse.read() as con, pytest.raises(QueryError) as raised:
        run_query(con, "DELETE FROM items")
    monkeypatch.setenv("COLUMNS", "400")
    result = CliRunner().invoke(app, ["query", "DELETE FROM items"])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {raised.value}"


def test_a_busy_port_stops_serve_in_one_sentence(
    home: Path, feed_server, monkeypatch, restored_environ
) -> None:
    """`serve` has no handler of its own: its ServeError is one of the tree's."""
    feed_server.serve("/api/health", b"{}", content_type="application/json")
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "400")
    result = CliRunner().invoke(app, ["serve", "--port", str(feed_server.port)])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    assert lines[-1].startswith("Error: Something already answers on port"), result.output
    assert "Traceback" not in result.output


def test_a_value_error_from_a_bug_is_not_passed_off_as_a_user_mistake(
    home: Path, monkeypatch, restored_environ
) -> None:
    """A ValueError is spacebrief's bug, not the user's: it keeps its traceback."""
    Warehouse(home / "spacebrief.duckdb").initialise()

    def buggy_query(con: object, sql: str, limit: int | None = None, **memory: object) -> object:
        return int(sql)  # the bug: a real ValueError from deep inside a command

    monkeypatch.setattr("spacebrief.warehouse.query.run_query", buggy_query)
    result = CliRunner().invoke(app, ["query", "SELECT 1"])
    assert isinstance(result.exception, ValueError)
    assert result.exit_code != 0
    assert "Error:" not in result.output
