"""The order state machine, checked row by row from its own TRANSITIONS table, then as stories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.common.errors import Conflict, Forbidden, Invalid
from services.orders.domain import errors
from services.orders.domain.lifecycle import (
    REPEATS,
    ROLES_BY_ACTION,
    TRANSITIONS,
    AmountChangeKind,
    Context,
    OrderState,
    Outcome,
    allowed_actions,
    decide_amount_change,
    placed_entry,
    rule_for,
    transition,
)
from services.orders.domain.states import TERMINAL, Action, Role, Status

T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)  # a Monday
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
TIMED = {Action.EXPIRE, Action.AUTO_COMPLETE}


def order_in(status: Status, **times) -> OrderState:
    confirmed_at = None if status is Status.PLACED else T0 + HOUR
    return OrderState(
        status, placed_at=T0, confirmed_at=times.pop("confirmed_at", confirmed_at), **times
    )


def happy_moment(action: Action) -> datetime:
    """A time at which the row's guard, if any, lets the move through."""
    return T0 + 30 * DAY if action in TIMED else T0 + HOUR


HAPPY = Context(reason="the buyer asked", actor_id="u-1")

ACCEPTED = [(rule, role) for rule in TRANSITIONS for role in sorted(rule.roles)]
REFUSED_ROLES = [(rule, role) for rule in TRANSITIONS for role in Role if role not in rule.roles]
MISSING = [
    (status, action, role)
    for status in Status
    for action in Action
    if rule_for(status, action) is None
    for role in sorted(ROLES_BY_ACTION[action])
]


def _id(value) -> str:
    if isinstance(value, tuple):
        return "-".join(_id(v) for v in value)
    if hasattr(value, "source"):
        return f"{value.source.value}.{value.action.value}"
    return getattr(value, "value", str(value))


# Table-driven -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("rule", "role"), ACCEPTED, ids=_id)
def test_every_row_is_accepted_for_each_role_it_allows(rule, role):
    now = happy_moment(rule.action)

    result = transition(order_in(rule.source), rule.action, role, now, HAPPY)

    assert result.outcome is Outcome.APPLIED and result.applied
    assert (result.previous_status, result.new_status) == (rule.source, rule.target)
    assert result.event_type == rule.event
    entry = result.history_entry
    assert (entry.at, entry.by, entry.from_status, entry.to_status) == (
        now,
        role,
        rule.source,
        rule.target,
    )
    assert entry.reason == "the buyer asked"
    assert entry.actor_id == "u-1" and entry.action is rule.action


@pytest.mark.parametrize(("rule", "role"), REFUSED_ROLES, ids=_id)
def test_every_role_a_row_does_not_allow_is_refused_with_403(rule, role):
    with pytest.raises(errors.WrongRole) as refused:
        transition(order_in(rule.source), rule.action, role, happy_moment(rule.action), HAPPY)

    assert isinstance(refused.value, Forbidden)
    assert refused.value.code == "wrong_role" and refused.value.kind == "forbidden"


@pytest.mark.parametrize(("status", "action", "role"), MISSING, ids=_id)
def test_every_pair_missing_from_the_table_is_a_repeat_or_a_409(status, action, role):
    order = order_in(status)
    now = happy_moment(action)

    if status in REPEATS.get(action, ()):
        result = transition(order, action, role, now, HAPPY)
        assert result.outcome is Outcome.REPEAT and not result.applied
        assert result.new_status is status
        assert result.event_type is None and result.history_entry is None
    else:
        with pytest.raises(errors.WrongState) as refused:
            transition(order, action, role, now, HAPPY)
        assert isinstance(refused.value, Conflict)
        assert refused.value.code == "wrong_state" and refused.value.kind == "conflict"


@pytest.mark.parametrize("status", list(Status), ids=_id)
@pytest.mark.parametrize("action", list(Action), ids=_id)
def test_a_role_that_never_takes_an_action_is_refused_in_every_status(status, action):
    for role in set(Role) - ROLES_BY_ACTION[action]:
        with pytest.raises(errors.WrongRole):
            transition(order_in(status), action, role, happy_moment(action), HAPPY)


def test_the_table_has_one_row_per_status_and_action():
    pairs = [(r.source, r.action) for r in TRANSITIONS]
    assert len(pairs) == len(set(pairs))


def test_terminal_statuses_have_no_way_out():
    assert {r.source for r in TRANSITIONS} & TERMINAL == set()


def test_every_status_is_reachable_from_placed_and_every_order_can_end():
    reachable, frontier = {Status.PLACED}, [Status.PLACED]
    while frontier:
        current = frontier.pop()
        for rule in TRANSITIONS:
            if rule.source is current and rule.target not in reachable:
                reachable.add(rule.target)
                frontier.append(rule.target)
    assert reachable == set(Status)
    for status in set(Status) - TERMINAL:
        targets = {r.target for r in TRANSITIONS if r.source is status}
        assert targets - {status}, f"{status} only loops on itself"


def test_events_are_the_design_contracts_and_each_status_change_emits_one():
    design = {
        "order.confirmed",
        "order.partially_paid",
        "order.paid",
        "order.in_production",
        "order.shipped",
        "order.received",
        "order.completed",
        "order.cancelled",
        "order.expired",
        "order.amount_changed",
        "order.balance_requested",
    }
    assert {r.event for r in TRANSITIONS} - {None} == design
    for rule in TRANSITIONS:
        if rule.target is not rule.source:
            assert rule.event == f"order.{rule.target.value}"


# The spec's rules, stated outright (so a table edit that breaks them fails here) ------------------
def test_only_the_seller_confirms_a_placed_order():
    confirmed = transition(order_in(Status.PLACED), "confirm", "seller", T0)
    assert confirmed.new_status is Status.CONFIRMED
    for role in ("buyer", "admin", "system"):
        with pytest.raises(errors.WrongRole):
            transition(order_in(Status.PLACED), "confirm", role, T0)


def test_the_buyer_cancels_only_before_confirmation():
    cancelled = transition(order_in(Status.PLACED), "cancel", "buyer", T0)
    assert cancelled.new_status is Status.CANCELLED
    assert cancelled.history_entry.reason == "cancelled_by_buyer"
    for status in (Status.CONFIRMED, Status.PARTIALLY_PAID, Status.IN_PRODUCTION, Status.PAID):
        with pytest.raises(errors.WrongRole):
            transition(order_in(status), "cancel", "buyer", T0, Context(reason="changed my mind"))


@pytest.mark.parametrize(
    "status",
    [Status.PLACED, Status.CONFIRMED, Status.PARTIALLY_PAID, Status.IN_PRODUCTION, Status.PAID],
    ids=_id,
)
def test_the_seller_cancels_any_order_before_shipping_with_a_reason(status):
    result = transition(order_in(status), "cancel", "seller", T0 + HOUR, Context(reason="no wood"))
    assert (result.new_status, result.event_type) == (Status.CANCELLED, "order.cancelled")
    assert result.history_entry.reason == "no wood"
    for missing in (None, "", "   "):
        with pytest.raises(errors.ReasonRequired) as refused:
            transition(order_in(status), "cancel", "seller", T0 + HOUR, Context(reason=missing))
        assert isinstance(refused.value, Invalid) and refused.value.code == "reason_required"
        assert refused.value.errors == {"reason": "required"}


@pytest.mark.parametrize(
    "status", [Status.SHIPPED, Status.RECEIVED, Status.COMPLETED, Status.EXPIRED], ids=_id
)
def test_nobody_cancels_a_shipped_or_finished_order(status):
    for role in ("seller", "admin"):
        with pytest.raises(errors.WrongState):
            transition(order_in(status), "cancel", role, T0, Context(reason="late"))


def test_shipping_needs_a_paid_order():
    assert transition(order_in(Status.PAID), "ship", "seller", T0).new_status is Status.SHIPPED
    for status in (Status.PLACED, Status.CONFIRMED, Status.PARTIALLY_PAID, Status.IN_PRODUCTION):
        with pytest.raises(errors.WrongState):
            transition(order_in(status), "ship", "seller", T0)


@pytest.mark.parametrize(
    "status", [Status.CONFIRMED, Status.PARTIALLY_PAID, Status.IN_PRODUCTION], ids=_id
)
def test_mark_paid_makes_the_order_paid_whatever_the_prepayment(status):
    result = transition(order_in(status), "mark_paid", "seller", T0)
    assert (result.new_status, result.event_type) == (Status.PAID, "order.paid")
    assert result.history_entry.reason == "paid_outside_platform"


def test_a_payment_succeeded_twice_is_a_no_op_the_second_time():
    first = transition(order_in(Status.CONFIRMED), "pay_full", "system", T0)
    again = transition(order_in(first.new_status), "pay_full", "system", T0)
    assert first.event_type == "order.paid"
    assert again.outcome is Outcome.REPEAT and again.event_type is None


def test_a_payment_for_a_cancelled_order_is_refused_so_the_caller_refunds_it():
    for action in ("pay_full", "pay_advance", "pay_balance"):
        with pytest.raises(errors.WrongState):
            transition(order_in(Status.CANCELLED), action, "system", T0)


def test_a_second_shipment_on_a_shipped_order_changes_nothing():
    result = transition(order_in(Status.SHIPPED), "ship", "seller", T0)
    assert result.outcome is Outcome.REPEAT and result.event_type is None


def test_unknown_actions_and_roles_are_invalid_input():
    with pytest.raises(errors.OrderInvalid):
        transition(order_in(Status.PLACED), "teleport", "seller", T0)
    with pytest.raises(errors.OrderInvalid):
        transition(order_in(Status.PLACED), "confirm", "courier", T0)


def test_allowed_actions_are_the_buttons_a_role_sees():
    assert allowed_actions("placed", "seller") == [
        Action.CONFIRM,
        Action.CANCEL,
        Action.CHANGE_AMOUNT,
        Action.SET_DELIVERY_COST,
    ]
    assert allowed_actions("placed", "buyer") == [Action.CANCEL]
    assert allowed_actions("shipped", "buyer") == [Action.RECEIVE]
    assert allowed_actions("completed", "admin") == []


# Stories ------------------------------------------------------------------------------------------
def _run(steps, start=Status.PLACED, **times):
    status, seen = start, []
    for action, role, at, reason in steps:
        result = transition(order_in(status, **times), action, role, at, Context(reason=reason))
        assert result.applied, (action, status)
        seen.append((result.event_type, result.history_entry.to_dict()["to"]))
        status = result.new_status
    return status, seen


def test_a_ready_item_goes_from_placed_to_completed_by_the_seller():
    status, seen = _run(
        [
            ("confirm", "seller", T0 + HOUR, None),
            ("pay_full", "system", T0 + 2 * HOUR, None),
            ("ship", "seller", T0 + DAY, None),
            ("receive", "buyer", T0 + 5 * DAY, None),
            ("complete", "seller", T0 + 6 * DAY, None),
        ]
    )
    assert status is Status.COMPLETED
    assert [event for event, _ in seen] == [
        "order.confirmed",
        "order.paid",
        "order.shipped",
        "order.received",
        "order.completed",
    ]


def test_made_to_order_pays_an_advance_then_the_balance_and_auto_closes():
    production_end = T0 + 20 * DAY
    status, seen = _run(
        [
            ("confirm", "seller", T0 + HOUR, None),
            ("pay_advance", "system", T0 + 2 * HOUR, None),
            ("start_production", "seller", T0 + DAY, None),
            ("request_balance", "seller", production_end, None),
            ("pay_balance", "system", production_end + DAY, None),
            ("ship", "seller", production_end + 2 * DAY, None),
            ("auto_complete", "system", production_end + 14 * DAY, None),
        ],
        production_ends_at=production_end,
    )
    assert status is Status.COMPLETED
    assert [event for event, _ in seen] == [
        "order.confirmed",
        "order.partially_paid",
        "order.in_production",
        "order.balance_requested",
        "order.paid",
        "order.shipped",
        "order.completed",
    ]
    assert seen[3][1] == "in_production"


def test_an_order_paid_at_checkout_skips_confirmation():
    status, _ = _run([("pay_full", "system", T0 + HOUR, None), ("ship", "seller", T0 + DAY, None)])
    assert status is Status.SHIPPED


# Amount changes -----------------------------------------------------------------------------------
@pytest.mark.parametrize("status", list(Status), ids=_id)
def test_an_amount_change_applies_now_goes_to_the_admin_or_is_refused(status):
    seller_applies = {Status.PLACED, Status.CONFIRMED}
    admin_applies = seller_applies | {
        Status.PARTIALLY_PAID,
        Status.IN_PRODUCTION,
        Status.PAID,
        Status.SHIPPED,
        Status.RECEIVED,
    }
    if status in admin_applies:
        seller = decide_amount_change(status, "seller")
        expected = (
            AmountChangeKind.APPLY if status in seller_applies else AmountChangeKind.REQUEST_ADMIN
        )
        assert seller.kind is expected and seller.apply == (status in seller_applies)
        assert decide_amount_change(status, "admin").apply
    else:
        for role in ("seller", "admin"):
            with pytest.raises(errors.WrongState):
                decide_amount_change(status, role)
    for role in ("buyer", "system"):
        with pytest.raises(errors.WrongRole):
            decide_amount_change(status, role)


def test_an_amount_change_needs_a_reason_and_keeps_the_status():
    with pytest.raises(errors.ReasonRequired):
        transition(order_in(Status.CONFIRMED), "change_amount", "seller", T0)
    result = transition(
        order_in(Status.CONFIRMED), "change_amount", "seller", T0, Context(reason="bigger frame")
    )
    assert result.new_status is Status.CONFIRMED and result.event_type == "order.amount_changed"
    assert result.history_entry.to_dict()["from"] == result.history_entry.to_dict()["to"]


# History ------------------------------------------------------------------------------------------
def test_history_entries_have_the_api_shape():
    first = placed_entry(T0, "buyer", actor_id="u-9")
    assert first.to_dict() == {
        "at": "2025-03-03T10:00:00+00:00",
        "by": "buyer",
        "from": None,
        "to": "placed",
        "reason": None,
    }
    entry = transition(order_in(Status.PLACED), "confirm", "seller", T0 + HOUR).history_entry
    assert entry.to_dict() == {
        "at": "2025-03-03T11:00:00+00:00",
        "by": "seller",
        "from": "placed",
        "to": "confirmed",
        "reason": None,
    }
