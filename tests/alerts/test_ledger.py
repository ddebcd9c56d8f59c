"""The ledger owes each (story, trend, destination) exactly one alert."""

from __future__ import annotations

from spacebrief.alerts.types import AlertCandidate
from spacebrief.warehouse import transaction
from spacebrief.warehouse.alerts import insert_pending_alerts


def test_insert_returns_only_new_rows_and_never_duplicates(warehouse):
    first = [
        AlertCandidate("s1", "W1", "i1", 0.8, "outbox"),
        AlertCandidate("s1", "W1", "i2", 0.9, "outbox"),  # same key twice in one batch
        AlertCandidate("s2", "W3", "i3", 0.7, "outbox"),
    ]
    with warehouse.write() as con, transaction(con):
        inserted = insert_pending_alerts(con, first)
    assert sorted((c.cluster_id, c.item_id) for c in inserted) == [("s1", "i2"), ("s2", "i3")]

    with warehouse.write() as con, transaction(con):
        again = insert_pending_alerts(
            con, [*first, AlertCandidate("s1", "W1", "i1", 0.8, "webhook")]
        )
    assert [(c.cluster_id, c.destination) for c in again] == [("s1", "webhook")]

    with warehouse.read() as con:
        rows = con.execute(
            "SELECT cluster_id, trend_id, destination, item_id, status, attempts FROM alerts "
            "ORDER BY ALL"
        ).fetchall()
    assert rows == [
        ("s1", "W1", "outbox", "i2", "pending", 0),
        ("s1", "W1", "webhook", "i1", "pending", 0),
        ("s2", "W3", "outbox", "i3", "pending", 0),
    ]


def test_insert_joins_the_callers_transaction(warehouse):
    with warehouse.write() as con:
        try:
            with transaction(con):
                insert_pending_alerts(con, [AlertCandidate("s", "W1", "i", 0.8, "outbox")])
                raise RuntimeError("labels failed to store")
        except RuntimeError:
            pass
        assert con.execute("SELECT count(*) FROM alerts").fetchone() == (0,)


def test_empty_batch_is_a_no_op(warehouse):
    with warehouse.write() as con:
        assert insert_pending_alerts(con, []) == []


def test_ledger_states_are_typed_in_python_and_the_same_strings_in_duckdb(warehouse):
    """DeliveryStatus is a StrEnum: rows read back as members, the column keeps its words."""
    from spacebrief.alerts.types import Delivered, DeliveryStatus
    from spacebrief.warehouse import alerts as ledger_rows
    from spacebrief.warehouse import email as email_ledger
    from spacebrief.warehouse.ledger import WarehouseLedger

    candidates = [AlertCandidate(f"s{n}", "W1", f"i{n}", 0.8, "outbox") for n in range(3)]
    with warehouse.write() as con, transaction(con):
        ids = [c.alert_id for c in insert_pending_alerts(con, candidates)]
    ledger = WarehouseLedger(warehouse)
    assert sorted(ledger.claim(ids[:2], "key-1")) == sorted(ids[:2])
    ledger.mark_sent(ids[:1], Delivered("key-1", "1.0", "C1"))
    with warehouse.write() as con, transaction(con):
        counts = ledger_rows.status_counts(con, "outbox")
        stored = dict(con.execute("SELECT alert_id, status FROM alerts").fetchall())
        email_ledger.insert_owed(con, "ed-1", [("a@example.org", "<m1@example.org>")])
        (delivery,) = email_ledger.deliveries(con, "ed-1")
    assert counts == {
        DeliveryStatus.SENT: 1,
        DeliveryStatus.SENDING: 1,
        DeliveryStatus.PENDING: 1,
    }
    assert all(type(status) is DeliveryStatus for status in counts)
    assert [stored[i] for i in ids] == ["sent", "sending", "pending"]
    assert all(type(value) is str for value in stored.values())
    assert type(delivery.status) is DeliveryStatus and delivery.status == "pending"


def test_a_claim_is_a_compare_and_set_that_returns_only_what_it_took(warehouse):
    """Two runs planning the same alert: the first claim takes it, the second gets nothing
    (before, marking `sending` overwrote the other run's marker and both posted)."""
    from spacebrief.warehouse.ledger import WarehouseLedger

    candidates = [AlertCandidate(f"s{n}", "W1", f"i{n}", 0.8, "outbox") for n in range(2)]
    with warehouse.write() as con, transaction(con):
        ids = [c.alert_id for c in insert_pending_alerts(con, candidates)]
    ledger = WarehouseLedger(warehouse)
    first = ledger.claim(ids[:1], "run-a")
    second = ledger.claim(ids, "run-b")
    with warehouse.read() as con:
        markers = dict(con.execute("SELECT alert_id, message_key FROM alerts").fetchall())
    assert first == ids[:1]
    assert second == ids[1:]
    assert markers == {ids[0]: "run-a", ids[1]: "run-b"}


def test_the_email_ledger_is_the_same_ledger_on_its_own_table(warehouse):
    """One ledger for Slack, e-mail and the edition post: a recipient's claim is the same
    compare-and-set on `email_deliveries`."""
    from spacebrief.warehouse import email as email_ledger
    from spacebrief.warehouse.ledger import EMAIL_DELIVERIES, WarehouseLedger

    with warehouse.write() as con:
        email_ledger.insert_owed(con, "ed-1", [("a@example.org", "<m1@example.org>")])
        (delivery,) = email_ledger.deliveries(con, "ed-1")
    ledger = WarehouseLedger(warehouse, EMAIL_DELIVERIES)
    assert ledger.claim([delivery.ledger_id], "smtp") == [delivery.ledger_id]
    assert ledger.claim([delivery.ledger_id], "smtp") == []  # taken already
    ledger.mark_sent([delivery.ledger_id])
    with warehouse.read() as con:
        (after,) = email_ledger.deliveries(con, "ed-1")
    assert after.status == "sent"
