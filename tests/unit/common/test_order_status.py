"""An order's status as payments and shipping follow it from the order events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.common.order_status import STATUS_EVENTS, status_after
from services.common.vocabulary import ORDER_STATUSES

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = MONDAY + timedelta(hours=1)


def test_every_order_status_has_the_event_named_after_it():
    assert sorted(STATUS_EVENTS.values()) == sorted(ORDER_STATUSES)
    assert STATUS_EVENTS["order.partially_paid"] == "partially_paid"
    assert "order.amount_changed" not in STATUS_EVENTS


def test_the_first_event_seen_gives_the_status_it_announces():
    assert status_after(None, None, "order.placed", MONDAY) == "placed"
    assert status_after(None, None, "order.paid", MONDAY) == "paid"


def test_a_later_event_moves_the_status_and_a_repeat_changes_nothing():
    assert status_after("placed", MONDAY, "order.confirmed", LATER) == "confirmed"
    assert status_after("confirmed", LATER, "order.confirmed", LATER) is None


def test_an_event_older_than_the_status_held_changes_nothing():
    assert status_after("paid", LATER, "order.confirmed", MONDAY) is None


def test_a_closed_order_is_never_reopened():
    for closed in ("completed", "cancelled", "expired"):
        assert status_after(closed, MONDAY, "order.shipped", LATER) is None


def test_an_event_that_names_no_status_changes_nothing():
    assert status_after("placed", MONDAY, "order.amount_changed", LATER) is None
    assert status_after(None, None, "order.amount_changed", LATER) is None
