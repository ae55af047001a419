"""Orders past due for shipping details: 7 days after confirmation by default."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.shipping.domain import (
    DEFAULT_SHIPPING_DAYS,
    AwaitingShipment,
    InvalidDeadline,
    is_shipping_overdue,
    overdue_for_shipping,
    shipping_due_at,
)

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def confirmed(order_id, days_ago, seconds=0):
    return AwaitingShipment(order_id, NOW - timedelta(days=days_ago, seconds=seconds))


def test_the_default_is_seven_days_from_confirmation():
    assert DEFAULT_SHIPPING_DAYS == 7
    assert shipping_due_at(datetime(2026, 3, 1, 10, 0, tzinfo=UTC)) == datetime(
        2026, 3, 8, 10, 0, tzinfo=UTC
    )


def test_an_order_is_on_time_up_to_the_due_instant_and_overdue_after_it():
    confirmed_at = NOW - timedelta(days=7)
    assert not is_shipping_overdue(confirmed_at, NOW)
    assert is_shipping_overdue(confirmed_at, NOW + timedelta(microseconds=1))


def test_only_orders_past_due_are_listed_longest_overdue_first():
    orders = [
        confirmed("fresh", 1),
        confirmed("late", 8),
        confirmed("exactly_due", 7),
        confirmed("very_late", 30),
        confirmed("just_late", 7, seconds=1),
    ]
    assert overdue_for_shipping(orders, NOW) == ["very_late", "late", "just_late"]


def test_the_number_of_days_is_configurable():
    orders = [confirmed("a", 2), confirmed("b", 4)]
    assert overdue_for_shipping(orders, NOW, days=3) == ["b"]
    assert overdue_for_shipping(orders, NOW, days=1) == ["b", "a"]
    assert overdue_for_shipping(orders, NOW, days=14) == []


def test_orders_confirmed_at_the_same_instant_are_listed_by_id():
    orders = [confirmed("o-2", 9), confirmed("o-1", 9)]
    assert overdue_for_shipping(orders, NOW) == ["o-1", "o-2"]


def test_times_in_other_zones_compare_by_the_instant():
    moscow = timezone(timedelta(hours=3))
    confirmed_at = datetime(2026, 3, 13, 15, 0, tzinfo=moscow)  # 12:00 UTC, 7 days before NOW
    assert not is_shipping_overdue(confirmed_at, NOW)
    assert is_shipping_overdue(confirmed_at, NOW + timedelta(seconds=1))


@pytest.mark.parametrize("days", [0, -1, 1.5, "7", True])
def test_the_deadline_must_be_a_whole_number_of_days_of_at_least_one(days):
    with pytest.raises(InvalidDeadline) as caught:
        overdue_for_shipping([], NOW, days=days)
    assert caught.value.errors == {"days": "Must be a whole number of days, at least 1."}


def test_times_without_a_timezone_are_refused():
    with pytest.raises(InvalidDeadline) as caught:
        overdue_for_shipping([confirmed("a", 9)], datetime(2026, 3, 20, 12, 0))
    assert caught.value.errors == {"now": "Must be timezone-aware (UTC)."}
    with pytest.raises(InvalidDeadline):
        is_shipping_overdue(datetime(2026, 3, 1), NOW)
