"""What `spacebrief serve` registers: names, schedules in the configured zone, triggers."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from spacebrief.flows.serve import (
    ALERTS,
    CLASSIFY,
    DIGEST_DAILY,
    DIGEST_WEEKLY,
    INGEST,
    TRAIN,
    deployments,
)
from spacebrief.flows.settings import Settings


def by_name(settings: Settings, sources: str | None = None) -> dict:
    return {deployment.name: deployment for deployment in deployments(settings, sources)}


def test_the_daily_digest_runs_on_the_configured_cron_in_the_configured_time_zone(home):
    found = by_name(Settings(digest_cron="15 6 * * *", digest_timezone="Europe/Berlin"))

    (schedule,) = found[DIGEST_DAILY].schedules
    assert schedule.schedule.cron == "15 6 * * *"
    assert schedule.schedule.timezone == "Europe/Berlin"
    assert DIGEST_WEEKLY not in found


def test_the_default_digest_runs_daily_at_seven_utc(home):
    (schedule,) = by_name(Settings())[DIGEST_DAILY].schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 7 * * *", "UTC")


def test_the_weekly_edition_is_an_extra_seven_day_deployment_on_mondays(home):
    weekly = by_name(Settings(digest_weekly=True, digest_timezone="Asia/Kolkata"))[DIGEST_WEEKLY]

    (schedule,) = weekly.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 7 * * 1", "Asia/Kolkata")
    assert weekly.parameters == {"days": 7}


def test_ingest_runs_on_its_interval_with_a_fixed_anchor_and_the_given_sources(home):
    ingest = by_name(Settings(ingest_interval_minutes=10), "feeds/")[INGEST]

    (schedule,) = ingest.schedules
    assert schedule.schedule.interval == timedelta(minutes=10)
    assert schedule.schedule.anchor_date.year == 2020
    assert ingest.parameters == {
        "sources": "feeds/",
        "classify_in_background": True,
        "force": False,
    }
    assert ingest.triggers == []


def test_classify_and_alerts_run_on_demand_since_the_task_worker_replaced_their_triggers(home):
    found = by_name(Settings())

    for name in (CLASSIFY, ALERTS):
        assert found[name].triggers == [] and found[name].schedules == []


def test_deployment_names_do_not_depend_on_settings_so_restarts_update_them(home):
    assert set(by_name(Settings())) == {INGEST, CLASSIFY, ALERTS, DIGEST_DAILY, TRAIN}
    assert set(by_name(Settings(ingest_interval_minutes=5, digest_cron="0 8 * * *"))) == {
        INGEST,
        CLASSIFY,
        ALERTS,
        DIGEST_DAILY,
        TRAIN,
    }


def test_train_runs_nightly_by_default_and_on_the_configured_cron(home):
    (nightly,) = by_name(Settings())[TRAIN].schedules
    assert nightly.schedule.cron == "30 2 * * *"
    (custom,) = by_name(Settings(train_cron="0 4 * * 6"))[TRAIN].schedules
    assert custom.schedule.cron == "0 4 * * 6"


def test_serve_registers_the_five_deployments_the_readme_names_and_a_weekly_sixth(home):
    default = set(by_name(Settings()))
    assert default == {INGEST, CLASSIFY, ALERTS, DIGEST_DAILY, TRAIN}
    assert set(by_name(Settings(digest_weekly=True))) == default | {DIGEST_WEEKLY}
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    said = re.search(r"serves (\w+) deployments \(([^)]*)\)", readme.replace("\n", " "))
    assert said and said[1] == "five"
    assert set(re.findall(r"`(spacebrief-[a-z-]+)`", said[2])) == default | {DIGEST_WEEKLY}
