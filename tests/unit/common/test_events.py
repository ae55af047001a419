"""Event contracts: what may be published and what a consumer accepts."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from services.common import events
from services.common.outbox import EventRecorder

DESIGN_EVENT_TYPES = """
order.placed order.confirmed order.paid order.shipped order.received order.completed order.cancelled
order.expired order.amount_changed offer.made offer.countered offer.accepted offer.declined
offer.expired custom_request.created custom_request.proposed message.posted review.posted
payment.succeeded payment.failed payment.refunded shipment.created shipment.status_changed
product.created product.updated product.hidden shop.sanctioned shop.sanction_lifted shop.warned
shop.verified complaint.filed complaint.resolved cart.item_added shop.payment_settings_changed
order.partially_paid order.in_production order.shipping_overdue
""".split()  # noqa: SIM905 - read as the list in DESIGN.md

ORDER = {"order_id": str(uuid.uuid4()), "shop_id": str(uuid.uuid4()), "buyer_id": None,
         "seller_id": str(uuid.uuid4())}


class RecordingSession:
    def __init__(self):
        self.statements = []

    def execute(self, statement, params=None):
        self.statements.append((statement, params))


def test_every_event_type_of_the_design_has_a_contract():
    for type_ in DESIGN_EVENT_TYPES:
        assert events.contract_for(type_).type == type_


def test_recording_an_unknown_type_raises_before_anything_is_written():
    session = RecordingSession()
    with pytest.raises(events.UnknownEventType):
        EventRecorder("orders").record(session, "order.teleported", ORDER)
    assert session.statements == []


def test_recording_invalid_data_raises_before_anything_is_written():
    session = RecordingSession()
    with pytest.raises(events.InvalidEvent, match="order_id"):
        EventRecorder("orders").record(session, "order.confirmed", {**ORDER, "order_id": "x"})
    with pytest.raises(events.InvalidEvent, match="surprise"):
        EventRecorder("orders").record(session, "order.confirmed", {**ORDER, "surprise": 1})
    assert session.statements == []


def test_a_recorded_event_carries_the_whole_envelope():
    session = RecordingSession()
    envelope = EventRecorder("orders", correlation_id="req-1").record(
        session, "order.confirmed", ORDER, aggregate_id=ORDER["order_id"]
    )
    assert set(envelope) == {"id", "type", "version", "occurred_at", "producer",
                             "correlation_id", "data"}
    assert envelope["producer"] == "orders" and envelope["correlation_id"] == "req-1"
    assert envelope["data"] == {**ORDER, "by": "system", "actor_id": None}
    [(_insert, row)] = session.statements
    assert json.loads(row["payload"]) == envelope and row["event_id"] == envelope["id"]
    assert row["aggregate_id"] == ORDER["order_id"] and row["type"] == "order.confirmed"


def test_money_in_events_is_integer_minor_units():
    data = {**ORDER, "amount": {"amount": 1000.5, "currency": "RUB"}}
    with pytest.raises(events.InvalidEvent, match="amount"):
        events.validate_data("order.paid", data)
    assert events.validate_data("order.paid", {**ORDER, "amount": {"amount": 100000,
                                                                   "currency": "RUB"}})


def envelope(**overrides):
    body = {
        "id": str(uuid.uuid4()), "type": "order.confirmed", "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(), "producer": "orders",
        "correlation_id": None, "data": dict(ORDER),
    }
    return {**body, **overrides}


def test_a_consumer_reads_a_valid_envelope_and_tolerates_newer_fields_in_data():
    event = events.parse(envelope(data={**ORDER, "added_in_v2": True}))
    assert event.type == "order.confirmed"
    assert "added_in_v2" not in event.data
    assert str(event.data["order_id"]) == ORDER["order_id"]


@pytest.mark.parametrize("broken", [
    {"id": "not-a-uuid"},
    {"occurred_at": "2026-01-01T10:00:00"},  # no timezone
    {"version": "1"},
    {"data": {"order_id": "nope"}},
    {"extra_envelope_field": 1},
])
def test_a_consumer_refuses_a_broken_envelope(broken):
    with pytest.raises(events.InvalidEvent):
        events.parse(envelope(**broken))


def test_a_consumer_refuses_an_unknown_type():
    with pytest.raises(events.UnknownEventType):
        events.parse(envelope(type="order.teleported"))


@pytest.mark.parametrize(("pattern", "type_", "expected"), [
    ("order.*", "order.placed", True),
    ("order.*", "order.placed.late", False),
    ("order.*", "offer.made", False),
    ("#", "shop.sanction_lifted", True),
    ("order.#", "order.placed", True),
    ("*.placed", "order.placed", True),
    ("order.placed", "order.placed", True),
])
def test_topic_patterns_match_as_rabbitmq_does(pattern, type_, expected):
    assert events.topic_matches(pattern, type_) is expected


def test_a_pattern_lists_the_types_it_matches():
    assert "order.placed" in events.types_matching("order.*")
    assert events.types_matching("nothing.*") == []
