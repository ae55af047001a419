"""Deadlines: what is due at `now`, exact boundaries, and guards that agree with the timers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.orders.domain import errors
from services.orders.domain.deadlines import (
    Deadlines,
    DueKind,
    OrderTimes,
    add_working_days,
    auto_close_at,
    buyer_lapse_at,
    confirm_deadline,
    due,
)
from services.orders.domain.lifecycle import BUYER_LAPSE, Context, OrderState, Outcome, transition
from services.orders.domain.states import Action, Status

MON = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
CFG = Deadlines()


def at(day: int, hour: int = 10) -> datetime:
    """March 2025: the 3rd is a Monday."""
    return datetime(2025, 3, day, hour, 0, tzinfo=UTC)


# Working days -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (at(3), 3, at(6)),  # Monday → Thursday
        (at(7), 3, at(12)),  # Friday → Wednesday
        (at(8), 3, at(12)),  # Saturday → Wednesday
        (at(9), 1, at(10)),  # Sunday → Monday
        (at(7), 1, at(10)),  # Friday → Monday
        (at(3), 5, at(10)),  # a whole week
        (at(3), 0, at(3)),
    ],
)
def test_working_days_skip_weekends_and_keep_the_time_of_day(start, days, expected):
    assert add_working_days(start, days) == expected


def test_working_days_skip_holidays():
    assert add_working_days(at(3), 3, holidays={date(2025, 3, 4)}) == at(7)
    assert add_working_days(at(7), 1, holidays={date(2025, 3, 10)}) == at(11)


def test_working_days_refuse_a_negative_count():
    with pytest.raises(ValueError):
        add_working_days(at(3), -1)


# Deadline instants --------------------------------------------------------------------------------
def test_the_deadline_instants_follow_the_config():
    times = OrderTimes(placed_at=MON, confirmed_at=MON + HOUR)
    assert confirm_deadline(times, CFG) == MON + 72 * HOUR
    assert confirm_deadline(times, Deadlines(confirm_hours=24)) == MON + 24 * HOUR
    assert buyer_lapse_at(times, CFG) == at(6, 11)  # 3 working days
    assert buyer_lapse_at(times, Deadlines(confirm_days_working=False)) == at(6, 11)
    assert buyer_lapse_at(OrderTimes(placed_at=at(7), confirmed_at=at(7)), CFG) == at(12)
    assert buyer_lapse_at(
        OrderTimes(placed_at=at(7), confirmed_at=at(7)), Deadlines(confirm_days_working=False)
    ) == at(10)
    assert buyer_lapse_at(times, CFG.for_shop(5)) == at(10, 11)
    assert CFG.for_shop(None) is CFG
    assert auto_close_at(times, CFG) == MON + 14 * DAY


def test_made_to_order_counts_from_the_end_of_production_when_it_is_later():
    end = MON + 30 * DAY
    times = OrderTimes(placed_at=MON, confirmed_at=MON + HOUR, production_ends_at=end)
    assert auto_close_at(times, CFG) == end + 14 * DAY
    half = HOUR / 2  # production ended after the placement: the auto-close counts from its end
    early = OrderTimes(placed_at=MON, confirmed_at=MON + HOUR, production_ends_at=MON + half)
    assert auto_close_at(early, CFG) == MON + half + 14 * DAY


def test_nothing_counts_from_a_confirmation_that_has_not_happened():
    times = OrderTimes(placed_at=MON)
    assert buyer_lapse_at(times, CFG) is None


# What is due --------------------------------------------------------------------------------------
def kinds(status, times, now, **kw):
    return [item.kind for item in due(status, times, now, **kw)]


def test_a_placed_order_expires_at_exactly_72_hours():
    times = OrderTimes(placed_at=MON)
    assert kinds("placed", times, MON + 72 * HOUR - TICK) == []
    [item] = due("placed", times, MON + 72 * HOUR)
    assert (item.kind, item.action, item.expected_status, item.event_type, item.due_at) == (
        DueKind.EXPIRE,
        Action.EXPIRE,
        Status.PLACED,
        "order.expired",
        MON + 72 * HOUR,
    )


def test_the_buyer_lapse_becomes_cancellable_after_three_working_days():
    times = OrderTimes(placed_at=at(7), confirmed_at=at(7))  # confirmed on a Friday
    assert kinds("confirmed", times, at(12) - TICK) == []
    assert kinds("confirmed", times, at(12)) == [DueKind.BUYER_LAPSE_CANCELLABLE]
    assert kinds("partially_paid", times, at(12)) == []  # the advance is paid: no lapse


@pytest.mark.parametrize("status", ["confirmed", "partially_paid", "in_production", "paid"])
def test_late_shipping_details_are_not_the_orders_deadline(status):
    """The shipping service owns the 7-day deadline and alone announces it; orders has nothing
    due in between, and an order's record of the notice an earlier version gave is ignored."""
    times = OrderTimes(placed_at=MON, confirmed_at=MON)
    assert all(item.event_type != "order.shipping_overdue"
               for item in due(status, times, MON + 13 * DAY))
    assert kinds("paid", times, MON + 13 * DAY) == []
    assert kinds("paid", times, MON + 14 * DAY, done={"shipping_overdue"}) == [
        DueKind.FLAG_TO_ADMIN]


@pytest.mark.parametrize("status", ["shipped", "received"])
def test_a_shipped_or_received_order_auto_completes_on_the_fourteenth_day(status):
    times = OrderTimes(placed_at=MON, confirmed_at=MON, shipped_at=MON + DAY)
    assert kinds(status, times, MON + 14 * DAY - TICK) == []
    [item] = due(status, times, MON + 14 * DAY)
    assert (item.kind, item.action, item.expected_status, item.event_type) == (
        DueKind.AUTO_COMPLETE,
        Action.AUTO_COMPLETE,
        Status(status),
        "order.completed",
    )


@pytest.mark.parametrize("status", ["confirmed", "partially_paid", "in_production", "paid"])
def test_an_order_still_before_shipping_at_the_auto_close_is_flagged_to_the_admin_once(status):
    times = OrderTimes(placed_at=MON, confirmed_at=MON)
    done = {DueKind.BUYER_LAPSE_CANCELLABLE}
    assert kinds(status, times, MON + 14 * DAY - TICK, done=done) == []
    assert kinds(status, times, MON + 14 * DAY, done=done) == [DueKind.FLAG_TO_ADMIN]
    assert kinds(status, times, MON + 14 * DAY, done=done | {DueKind.FLAG_TO_ADMIN}) == []


def test_everything_due_on_a_long_forgotten_order_comes_in_a_stable_order():
    times = OrderTimes(placed_at=MON, confirmed_at=MON)
    assert kinds("confirmed", times, MON + 60 * DAY) == [
        DueKind.BUYER_LAPSE_CANCELLABLE,
        DueKind.FLAG_TO_ADMIN,
    ]


@pytest.mark.parametrize("status", ["completed", "cancelled", "expired"])
def test_nothing_is_ever_due_on_a_finished_order(status):
    times = OrderTimes(placed_at=MON, confirmed_at=MON, shipped_at=MON)
    assert kinds(status, times, MON + 365 * DAY) == []


# Timers and guards agree --------------------------------------------------------------------------
def test_a_timer_whose_order_moved_on_does_nothing():
    [item] = due("placed", OrderTimes(placed_at=MON), MON + 80 * HOUR)
    confirmed_meanwhile = OrderState(Status.CONFIRMED, placed_at=MON, confirmed_at=MON + HOUR)
    result = transition(
        confirmed_meanwhile,
        item.action,
        "system",
        MON + 80 * HOUR,
        Context(expected_status=item.expected_status),
    )
    assert result.outcome is Outcome.MOVED_ON and result.new_status is Status.CONFIRMED
    assert result.event_type is None and result.history_entry is None


def test_a_timer_whose_order_is_still_there_applies_the_move():
    [item] = due("placed", OrderTimes(placed_at=MON), MON + 80 * HOUR)
    result = transition(
        OrderState(Status.PLACED, placed_at=MON),
        item.action,
        "system",
        MON + 80 * HOUR,
        Context(expected_status=item.expected_status),
    )
    assert (result.new_status, result.event_type) == (Status.EXPIRED, "order.expired")
    assert result.history_entry.reason == "seller_lapse"


def test_confirm_and_expire_meet_at_the_deadline_without_overlap():
    order = OrderState(Status.PLACED, placed_at=MON)
    deadline = MON + 72 * HOUR
    assert transition(order, "confirm", "seller", deadline - TICK).applied
    with pytest.raises(errors.DeadlinePassed) as late:
        transition(order, "confirm", "seller", deadline)
    assert late.value.code == "deadline_passed" and late.value.kind == "conflict"
    with pytest.raises(errors.DeadlineNotReached) as early:
        transition(order, "expire", "system", deadline - TICK)
    assert early.value.code == "deadline_not_reached" and early.value.kind == "conflict"
    assert transition(order, "expire", "system", deadline).new_status is Status.EXPIRED


def test_the_confirm_window_is_configurable():
    order = OrderState(Status.PLACED, placed_at=MON)
    short = Context(deadlines=Deadlines(confirm_hours=24))
    assert transition(order, "expire", "system", MON + 24 * HOUR, short).applied
    with pytest.raises(errors.DeadlinePassed):
        transition(order, "confirm", "seller", MON + 24 * HOUR, short)


def test_buyer_lapse_cancel_is_allowed_only_past_the_working_day_window():
    order = OrderState(Status.CONFIRMED, placed_at=at(6), confirmed_at=at(7))  # Friday
    lapse = Context(reason=BUYER_LAPSE)
    with pytest.raises(errors.DeadlineNotReached):
        transition(order, "cancel", "seller", at(12) - TICK, lapse)
    result = transition(order, "cancel", "seller", at(12), lapse)
    assert result.new_status is Status.CANCELLED and result.history_entry.reason == "buyer_lapse"
    calendar = Context(reason=BUYER_LAPSE, deadlines=Deadlines(confirm_days_working=False))
    assert transition(order, "cancel", "seller", at(10), calendar).applied
    shop_window = Context(reason=BUYER_LAPSE, deadlines=CFG.for_shop(1))
    assert transition(order, "cancel", "seller", at(10), shop_window).applied


@pytest.mark.parametrize(
    "status", [Status.PLACED, Status.PARTIALLY_PAID, Status.IN_PRODUCTION, Status.PAID]
)
def test_buyer_lapse_is_only_for_a_confirmed_unpaid_order(status):
    order = OrderState(status, placed_at=MON, confirmed_at=None if status is Status.PLACED else MON)
    with pytest.raises(errors.WrongState):
        transition(order, "cancel", "seller", MON + 60 * DAY, Context(reason=BUYER_LAPSE))


def test_auto_complete_waits_for_the_end_of_production_plus_fourteen_days():
    end = MON + 40 * DAY
    order = OrderState(Status.SHIPPED, placed_at=MON, confirmed_at=MON, production_ends_at=end)
    with pytest.raises(errors.DeadlineNotReached):
        transition(order, "auto_complete", "system", end + 14 * DAY - TICK)
    result = transition(order, "auto_complete", "system", end + 14 * DAY)
    assert result.new_status is Status.COMPLETED and result.history_entry.reason == "auto_close"


@given(
    offset=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
    confirm_hours=st.integers(min_value=1, max_value=240),
    auto_close_days=st.integers(min_value=1, max_value=30),
)
def test_the_timers_and_the_guards_never_disagree(offset, confirm_hours, auto_close_days):
    cfg = Deadlines(confirm_hours=confirm_hours, auto_close_days=auto_close_days)
    now = MON + offset
    ctx = Context(deadlines=cfg)

    placed = OrderState(Status.PLACED, placed_at=MON)
    expire_due = DueKind.EXPIRE in kinds("placed", placed.times, now, cfg=cfg)
    assert expire_due == _accepted(placed, "expire", "system", now, ctx)
    assert expire_due != _accepted(placed, "confirm", "seller", now, ctx)

    shipped = OrderState(Status.SHIPPED, placed_at=MON, confirmed_at=MON)
    close_due = DueKind.AUTO_COMPLETE in kinds("shipped", shipped.times, now, cfg=cfg)
    assert close_due == _accepted(shipped, "auto_complete", "system", now, ctx)


def _accepted(order, action, role, now, ctx) -> bool:
    try:
        return transition(order, action, role, now, ctx).applied
    except (errors.DeadlineNotReached, errors.DeadlinePassed):
        return False
