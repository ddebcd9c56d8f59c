"""Which classifications owe an alert, and to where."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from spacebrief.alerts.config import destination_for
from spacebrief.alerts.exceptions import AlertsError
from spacebrief.alerts.rules import classifier_decision, select_candidates
from spacebrief.alerts.types import alert_id_for
from spacebrief.classifiers.types import STANCE_DOUBT, Classification, TrendScore


def classification(item_id: str, *labels: tuple[str, float], relevant: bool = True):
    return Classification(
        item_id=item_id,
        relevant=relevant,
        relevance=0.9 if relevant else 0.1,
        scores=dict(labels),
        labels=tuple(TrendScore(t, s, f"evidence for {t}") for t, s in labels),
        classifier_version="c1",
        taxonomy_version="t1",
    )


def test_only_watch_list_labels_on_relevant_items_qualify():
    found = select_candidates(
        [
            classification("a", ("W1", 0.8), ("R2", 0.9)),
            classification("b", ("W2", 0.95), relevant=False),
        ],
        clusters={},
        thresholds={},
        default_threshold=None,
        destination="outbox",
    )
    assert [(c.item_id, c.trend_id) for c in found] == [("a", "W1")]


def test_an_item_against_a_watch_list_trend_never_raises_a_watch_alert_for_it():
    against = Classification(
        item_id="signs-artemis",
        relevant=True,
        relevance=0.9,
        scores={"W1": 0.9, "W3": 0.7},
        labels=(
            TrendScore("W1", 0.9, "Bangladesh signs the Artemis Accords.", "against", 0.83),
            TrendScore("W3", 0.7, "Bangladesh signs the Artemis Accords.", "supports", 0.1),
        ),
        classifier_version="c1",
        taxonomy_version="t1",
    )
    supporting = classification("joins-ilrs", ("W1", 0.6))
    found = select_candidates(
        [against, supporting],
        clusters={"signs-artemis": "lunar-story", "joins-ilrs": "lunar-story"},
        thresholds={},
        default_threshold=None,
        destination="outbox",
    )
    assert [(c.item_id, c.trend_id) for c in found] == [
        ("joins-ilrs", "W1"),  # the story's supporting report carries it, not the stronger one
        ("signs-artemis", "W3"),
    ]
    alone = select_candidates([against], {}, {}, None, "outbox")
    assert [c.trend_id for c in alone] == ["W3"]


def test_a_label_in_doubt_raises_no_watch_alert_and_the_dry_run_says_why():
    """Under the stance head's "against" bar but over its doubt bar, a label may run
    against its trend: it pings nobody, and the reason names the doubt."""
    doubtful = TrendScore("W1", 0.95, "Bangladesh signs the Artemis Accords.", "supports", 0.77)
    clear = TrendScore("W1", 0.95, "Pakistan joins the ILRS.", "supports", STANCE_DOUBT - 0.01)
    assert not doubtful.clearly_supports and clear.clearly_supports
    decision = classifier_decision(doubtful, {"W1": 0.75}, None)
    assert not decision.alert
    assert decision.reason == "the item may run against W1 (P(against) 0.77)"
    assert classifier_decision(clear, {"W1": 0.75}, None).alert


def test_per_trend_threshold_beats_default_which_beats_the_label_itself():
    items = [classification("a", ("W1", 0.6), ("W2", 0.6), ("W3", 0.4))]
    found = select_candidates(
        items, {}, thresholds={"W1": 0.7}, default_threshold=0.5, destination="outbox"
    )
    assert [c.trend_id for c in found] == ["W2"]
    assert {c.trend_id for c in select_candidates(items, {}, {}, None, "outbox")} == {
        "W1",
        "W2",
        "W3",
    }


def test_one_candidate_per_story_and_trend_carried_by_the_best_report():
    found = select_candidates(
        [
            classification("a", ("W4", 0.7)),
            classification("b", ("W4", 0.9), ("W5", 0.8)),
            classification("c", ("W4", 0.99)),
        ],
        clusters={"a": "story", "b": "story"},
        thresholds={},
        default_threshold=None,
        destination="slack:C1",
    )
    assert [(c.cluster_id, c.trend_id, c.item_id) for c in found] == [
        ("c", "W4", "c"),
        ("story", "W4", "b"),
        ("story", "W5", "b"),
    ]
    assert all(c.destination == "slack:C1" for c in found)


def test_alert_id_is_the_same_in_another_process_and_changes_with_each_part():
    # Another process (another hash seed) re-classifying the story must find the same
    # ledger key, or the story would be alerted twice.
    code = (
        "from spacebrief.alerts.types import alert_id_for; "
        "print(alert_id_for('story', 'W1', 'outbox'))"
    )
    elsewhere = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("0", "12345")
    }
    assert elsewhere == {alert_id_for("story", "W1", "outbox")}
    keys = {
        alert_id_for(*parts)
        for parts in [
            ("story", "W1", "outbox"),
            ("other-story", "W1", "outbox"),
            ("story", "W2", "outbox"),
            ("story", "W1", "webhook"),
        ]
    }
    assert len(keys) == 4


@pytest.mark.parametrize(
    ("token", "channel", "webhook", "expected"),
    [
        (True, "C123", True, "slack:C123"),
        (False, "C123", True, "webhook"),
        (False, None, False, "outbox"),
        (False, "C123", False, "outbox"),
    ],
)
def test_destination_prefers_bot_then_webhook_then_outbox(token, channel, webhook, expected):
    assert destination_for(token, channel, webhook) == expected


def test_a_token_without_a_channel_is_a_clear_error():
    with pytest.raises(AlertsError, match="no channel") as raised:
        destination_for(True, "  ", False)
    assert raised.value.setting == "slack_channel"
