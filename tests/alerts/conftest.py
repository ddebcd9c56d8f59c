"""Fixtures for the alert tests: a warehouse with watch-list stories, a fake Slack, and a
written edition for the e-mail tests.

Items, classifications, labels and trends are written with plain SQL here (their
warehouse writers belong to other parts); the alert ledger rows are made by the real
`select_candidates` and `insert_pending_alerts`, inside one transaction as the classify
step does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from spacebrief.alerts.rules import apply_rules, select_candidates
from spacebrief.alerts.types import AlertCandidate, RuleHit
from spacebrief.classifiers.types import Classification, TrendScore
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps.digest_step import EditionSummary
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse.alerts import insert_pending_alerts
from tests.alerts.slack_server import CHANNEL, TOKEN, FakeSlack

REPO_ROOT = Path(__file__).resolve().parents[2]

TREND_NAMES = {
    "W1": "ilrs-new-members",
    "W2": "tiangong-guests",
    "W3": "beidou-adoption",
    "W4": "sanctions-roscosmos",
    "W5": "african-launch",
    "R2": "china-mentor",
}


@dataclass
class Stories:
    """Adds watch-list stories to a warehouse the way the pipeline would."""

    warehouse: Warehouse
    destination: str
    added: list[AlertCandidate] = field(default_factory=list)
    _count: int = 0

    def add(
        self,
        title: str,
        trends: dict[str, float],
        *,
        cluster_id: str | None = None,
        url: str | None = "https://news.example.org/story",
        source_name: str = "Example Space News",
        evidence: str | None = None,
        item_id: str | None = None,
        rule: str | None = None,
    ) -> list[AlertCandidate]:
        """A classified report; `rule` names a watch rule that matched it as well."""
        self._count += 1
        item_id = item_id or f"item-{self._count}"
        cluster_id = cluster_id or item_id
        published = datetime(2026, 11, 20, 9, 30, tzinfo=UTC) + timedelta(minutes=self._count)
        classification = Classification(
            item_id=item_id,
            relevant=True,
            relevance=0.9,
            scores=dict(trends),
            labels=tuple(
                TrendScore(t, s, evidence or f"The report says {t} moved.")
                for t, s in sorted(trends.items(), key=lambda kv: -kv[1])
            ),
            classifier_version="test-1",
            taxonomy_version="tax-1",
        )
        with self.warehouse.write() as con, transaction(con):
            con.execute(
                "INSERT OR IGNORE INTO trends (trend_id, taxonomy_version, family, name, "
                "statement, position) SELECT * FROM (VALUES "
                + ", ".join(
                    f"('{t}', 'tax-1', 'watch', '{n}', 'statement {t}', 0)"
                    for t, n in TREND_NAMES.items()
                )
                + ")"
            )
            con.execute(
                "INSERT INTO items (item_id, url, title, summary, source_id, source_name, "
                "published_at, fetched_at, content_hash, cluster_id) "
                "VALUES (?, ?, ?, '', 'example', ?, ?, ?, ?, ?)",
                [item_id, url, title, source_name, published, published, item_id, cluster_id],
            )
            con.execute(
                "INSERT INTO classifications (item_id, classifier_version, taxonomy_version, "
                "relevant, relevance, classified_at) VALUES (?, 'test-1', 'tax-1', true, 0.9, ?)",
                [item_id, published],
            )
            for label in classification.labels:
                con.execute(
                    "INSERT INTO labels (item_id, trend_id, score, evidence, classifier_version, "
                    "taxonomy_version, labelled_at) VALUES (?, ?, ?, ?, 'test-1', 'tax-1', ?)",
                    [item_id, label.trend_id, label.score, label.evidence, published],
                )
            candidates = select_candidates(
                [classification], {item_id: cluster_id}, {}, None, self.destination
            )
            if rule is not None:
                hits = {item_id: [RuleHit(rule, False)]}
                candidates = apply_rules(
                    [], [classification], {item_id: cluster_id}, hits, self.destination
                )
            new = insert_pending_alerts(con, candidates)
        self.added.extend(new)
        return new

    def ledger(self) -> list[dict]:
        with self.warehouse.read() as con:
            cursor = con.execute(
                "SELECT alert_id, cluster_id, trend_id, status, attempts, last_error, slack_ts, "
                "thread_ts, message_key, reply_to FROM alerts ORDER BY created_at, alert_id"
            )
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.stop()


def slack_settings(home: Path, fake: FakeSlack, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "home": home,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_CHANNEL": CHANNEL,
        "SLACK_API_URL": fake.api_url,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def slack_home(tmp_path: Path, fake_slack: FakeSlack) -> tuple[Settings, Warehouse, Stories]:
    settings = slack_settings(tmp_path / "home", fake_slack)
    warehouse = Warehouse(settings.warehouse_path)
    return settings, warehouse, Stories(warehouse, f"slack:{CHANNEL}")


@pytest.fixture
def outbox_home(tmp_path: Path) -> tuple[Settings, Warehouse, Stories]:
    settings = Settings(home=tmp_path / "home")
    warehouse = Warehouse(settings.warehouse_path)
    return settings, warehouse, Stories(warehouse, "outbox")


@pytest.fixture(autouse=True)
def _no_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPACEBRIEF_CONFIG", str(tmp_path / "absent.toml"))
    for name in ("SLACK_BOT_TOKEN", "SLACK_CHANNEL", "SLACK_WEBHOOK_URL", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)


@dataclass(frozen=True)
class EditionHome:
    """A warehouse holding the digest tests' week, and its edition of 2025-03-24 written."""

    home: Path
    warehouse: Warehouse
    edition: EditionSummary

    def settings(self, server_url: str | None, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "home": self.home,
            "smtp_url": server_url,
            "email_to": "ana@example.org, Ben@Example.org",
            "email_from": "brief@spacebrief.example.org",
            "smtp_timeout_seconds": 10.0,
        }
        values.update(overrides)
        return Settings(**values)

    def ledger(self) -> list[dict]:
        with self.warehouse.read() as con:
            cursor = con.execute(
                "SELECT edition_id, recipient, message_id, status, attempts, last_error "
                "FROM email_deliveries ORDER BY recipient"
            )
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture
def edition_home(tmp_path: Path) -> EditionHome:
    from spacebrief.flows.steps.digest_step import write_digest
    from tests.digest.conftest import EDITION_DATE, fill, week_rows

    home = tmp_path / "home"
    settings = Settings(home=home)
    warehouse = settings.warehouse()
    fill(warehouse, week_rows())
    edition = write_digest(warehouse, settings, edition_date=EDITION_DATE)
    return EditionHome(home, warehouse, edition)
